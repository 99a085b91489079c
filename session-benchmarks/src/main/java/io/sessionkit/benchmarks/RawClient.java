package io.sessionkit.benchmarks;

/**
 * The baseline: the minimum work the same request needs on the same server with the driver alone (no codec, no
 * versions, no policy). Each method is one request; its round trips are in its javadoc.
 */
interface RawClient extends AutoCloseable {

    /** Writes a value unconditionally (set-up only, never measured). */
    void seed(String key, String value);

    /** Read-only request: 1 read. */
    String read(String key);

    /** Modifying request: 1 read + 1 write of the whole value. */
    void modify(String key, String value);

    /** New session: 1 insert-if-absent with expiry. */
    void create(String key, String value);

    /** Rotation: 1 read of the old key + 1 insert-if-absent of the new key + 1 delete of the old key. */
    void rotate(String oldKey, String newKey);

    /** Removes a key (clean-up only, never measured). */
    void delete(String key);

    @Override
    void close();
}
