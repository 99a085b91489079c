package io.sessionkit.tck;

import io.sessionkit.SessionKey;
import java.time.Instant;
import java.util.Optional;

/**
 * Lets the kit look behind a store, as Jetty's session tests do: what it really wrote, and what happens when the
 * stored bytes are bad. Implemented next to each store's conformance test, with the backend's own client.
 */
public interface StoreBackdoor {

    /**
     * Everything the store holds for the current test (keys and values, index entries included) as text, e.g. the
     * keys and values under the test's prefix, or the rows of the test's table. The kit checks that raw ids never
     * appear in it and that hashed keys do.
     */
    String dump();

    /**
     * Makes the stored record under {@code key} undecodable, in whatever way the backend can hold bad data:
     * truncated JSON, a non-object, an unknown format version, a field of the wrong type.
     */
    void corrupt(SessionKey key);

    /**
     * The expiry the backend itself holds for {@code key}: the native TTL where it sets one (Redis PEXPIRETIME,
     * memcached exptime, Mongo TTL field plus the index's {@code expireAfterSeconds}), otherwise the expiry it stores
     * with the record (a JDBC {@code expires_at} column). Present for every live record (rule 5.8 fails a backdoor that
     * reports none); empty only for a key the backend does not hold.
     */
    Optional<Instant> nativeExpiry(SessionKey key);
}
