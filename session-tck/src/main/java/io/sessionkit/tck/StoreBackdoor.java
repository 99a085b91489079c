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

    /** The expiry the backend itself set for {@code key} (Redis PEXPIRETIME, memcached exptime, Mongo TTL field), if any. */
    Optional<Instant> nativeExpiry(SessionKey key);
}
