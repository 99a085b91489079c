package io.sessionkit.benchmarks;

import org.jspecify.annotations.Nullable;

/**
 * The baseline: the minimum work the same request needs on the same server with the driver alone (no codec, no
 * versions, no policy). The requests are made of the driver's primitives the same way for every backend; their round
 * trips are in each request's javadoc.
 *
 * @param <R> what the driver's read returns (the text, or a row or document holding it and its version)
 */
abstract class RawClient<R> implements AutoCloseable {
    private final String name;

    RawClient(String name) {
        this.name = name;
    }

    /** 1 read; null if the key is absent. */
    abstract @Nullable R find(String key);

    /** The session text of what {@link #find} returned. */
    abstract String text(R found);

    /** 1 write of the whole value over what {@link #find} returned; false if it vanished. */
    abstract boolean replace(String key, R found, String value);

    /** 1 insert-if-absent with expiry; false if the key was taken. */
    abstract boolean insert(String key, String value);

    /** 1 delete. */
    abstract void delete(String key);

    @Override
    public abstract void close();

    /** Writes a value whatever was there (set-up only, never measured). */
    void seed(String key, String value) {
        delete(key);
        create(key, value);
    }

    /** Read-only request: 1 read. */
    String read(String key) {
        return text(required(key));
    }

    /** Modifying request: 1 read + 1 write of the whole value. */
    void modify(String key, String value) {
        if (!replace(key, required(key), value)) {
            throw new IllegalStateException(name + ": key vanished");
        }
    }

    /** New session: 1 insert-if-absent with expiry. */
    void create(String key, String value) {
        if (!insert(key, value)) {
            throw new IllegalStateException(name + ": key taken");
        }
    }

    /** Rotation: 1 read of the old key + 1 insert-if-absent of the new key + 1 delete of the old key. */
    void rotate(String oldKey, String newKey) {
        create(newKey, read(oldKey));
        delete(oldKey);
    }

    final R required(String key) {
        R found = find(key);
        if (found == null) {
            throw new IllegalStateException(name + ": key vanished");
        }
        return found;
    }
}
