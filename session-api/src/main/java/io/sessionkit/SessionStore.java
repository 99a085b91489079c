package io.sessionkit;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The SPI a backend implements: bytes and versions, no policy. Expiry arithmetic, deltas, retries, rotation, limits
 * and codecs live once, in {@link SessionManager}.
 *
 * <p>Contract, enforced by the conformance kit ({@code session-tck}):
 * <ul>
 *   <li>Every method is thread-safe and makes one round trip to the server (principal lookups excepted).</li>
 *   <li>{@link #load} never returns a record whose {@code expiresAt <= now} by the store's clock, whether or not the
 *       server has physically removed it yet.</li>
 *   <li>{@link #replace} is an atomic compare-and-set on the version. It never resurrects a deleted or expired
 *       record and never overwrites a record of another version.</li>
 *   <li>Driver failures and timeouts surface as {@link SessionStoreUnavailableException}; a stored record that
 *       cannot be decoded as {@link SessionCodecException}. Timeouts are always finite.</li>
 * </ul>
 */
public interface SessionStore extends AutoCloseable {

    /** The optional features this store supports. */
    Set<StoreFeature> features();

    /**
     * Inserts the record if no live record has its key.
     *
     * @return true if inserted; false if a live record already holds the key (it is left untouched)
     */
    boolean create(SessionRecord record);

    /** The live record under {@code key}, or empty if there is none or it has expired. */
    Optional<SessionRecord> load(SessionKey key);

    /**
     * Replaces the stored record if it is live and its version equals {@code expectedVersion}. The caller passes the
     * new record with {@code version == expectedVersion + 1}.
     */
    ReplaceResult replace(SessionRecord record, long expectedVersion);

    /** Removes the record under {@code key}, if any. Idempotent. */
    void delete(SessionKey key);

    /**
     * The live records whose principal is {@code principal}. Stale index entries are not returned and are cleaned
     * up along the way.
     *
     * @throws UnsupportedOperationException unless {@link StoreFeature#PRINCIPAL_INDEX} is declared
     */
    default List<SessionRecord> findByPrincipal(String principal) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not declare " + StoreFeature.PRINCIPAL_INDEX);
    }

    /**
     * Physically removes expired records now.
     *
     * @return how many records were removed
     * @throws UnsupportedOperationException unless {@link StoreFeature#PURGE_EXPIRED} is declared
     */
    default int purgeExpired() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not declare " + StoreFeature.PURGE_EXPIRED);
    }

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
