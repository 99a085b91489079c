package io.sessionkit.testing;

import io.sessionkit.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Writes each {@link Corruption} kind over a stored record, behind the store's back, in the backend's own storage
 * layout. Implemented by each backend module's store backdoor (in its test-jar), so a suite that runs on every backend
 * (session-reliability) corrupts records without knowing key names, item keys, columns or document fields.
 *
 * <p>It does not check anything and does not create records: the record under the key must exist and be live.
 */
public interface BadRecordWriter {

    /** The kinds this backend can hold at all, in a fixed order (a JSON column, for example, refuses truncated JSON). */
    List<Corruption> kinds();

    /**
     * Overwrites the live record under {@code key} with bad data of {@code kind}, leaving its native expiry in the
     * future so that a load reaches the decoding step.
     *
     * @throws IllegalArgumentException if {@code kind} is not one of {@link #kinds()}
     * @throws IllegalStateException if nothing is stored under {@code key}
     */
    void corrupt(SessionKey key, Corruption kind);

    /**
     * A writer for a store with typed columns or documents (JDBC, MongoDB): it holds every kind but {@link
     * Corruption#TRUNCATED_JSON}, which such a store cannot hold (a JSON column refuses it, a document has no text),
     * and writes each kind in the backend's own terms.
     */
    interface OverTypedFields extends BadRecordWriter {
        @Override
        default List<Corruption> kinds() {
            return List.of(Corruption.WRONG_VERSION_FIELD, Corruption.FOREIGN_DATA, Corruption.WRONG_FIELD_TYPE);
        }
    }

    /**
     * A writer for a store that keeps SessionKit's JSON envelope as bytes (Redis, memcached): it holds every kind, and
     * corrupting reads the envelope and writes back {@link Corruption#of(String)} of it.
     */
    interface OverEnvelopeBytes extends BadRecordWriter {
        /** The stored envelope under {@code key} (UTF-8 JSON); empty if nothing is stored there. */
        Optional<byte[]> read(SessionKey key);

        /** Writes {@code bytes} under {@code key}, keeping (or renewing) its native expiry. */
        void write(SessionKey key, byte[] bytes);

        @Override
        default List<Corruption> kinds() {
            return List.of(Corruption.values());
        }

        @Override
        default void corrupt(SessionKey key, Corruption kind) {
            byte[] current =
                    read(key).orElseThrow(() -> new IllegalStateException("nothing stored under " + key.shortForm()));
            write(key, kind.of(new String(current, StandardCharsets.UTF_8)));
        }
    }
}
