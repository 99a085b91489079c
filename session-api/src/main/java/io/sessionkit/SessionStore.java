package io.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

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
     * Removes the record under {@code key} only if it is live and its version is {@code expectedVersion}: the
     * compare-and-set form of {@link #delete}. Rotation uses it, so that a write acknowledged to another request
     * meanwhile is never discarded and a session invalidated meanwhile is never moved to a new id.
     *
     * <p>Backends override it with their native atomic primitive (one round trip). The default, for third-party
     * stores, is correct but costs three: it loads the record, replaces it by an expired, empty tombstone with
     * compare-and-set (so no writer can slip in), then deletes the tombstone.
     *
     * @return {@code OK} if removed; {@code CONFLICT} if a live record has another version (nothing removed);
     *         {@code GONE} if there is no live record
     */
    default ReplaceResult delete(SessionKey key, long expectedVersion) {
        SessionRecord current = load(key).orElse(null);
        if (current == null) {
            return ReplaceResult.GONE;
        }
        if (current.version() != expectedVersion) {
            return ReplaceResult.CONFLICT;
        }
        SessionRecord tombstone = new SessionRecord(
                key,
                expectedVersion + 1,
                current.createdAt(),
                current.lastAccessedAt(),
                current.maxIdle(),
                SessionRecord.MIN_TIME,
                null,
                "{}");
        ReplaceResult result = replace(tombstone, expectedVersion);
        if (result == ReplaceResult.OK) {
            delete(key);
        }
        return result;
    }

    /**
     * The live records whose principal is {@code principal}. Stale index entries are not returned and are cleaned
     * up along the way.
     *
     * @throws UnsupportedOperationException unless {@link StoreFeature#PRINCIPAL_INDEX} is declared
     */
    default List<SessionRecord> findByPrincipal(String principal) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not declare " + StoreFeature.PRINCIPAL_INDEX);
    }

    /**
     * Physically removes records expired for longer than the store's expiry grace (by this node's clock); records
     * inside the grace stay until a later sweep, so that a node whose clock is ahead never removes a session another
     * node still considers live.
     *
     * @return how many records were removed
     * @throws UnsupportedOperationException unless {@link StoreFeature#PURGE_EXPIRED} is declared
     */
    default int purgeExpired() {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not declare " + StoreFeature.PURGE_EXPIRED);
    }

    /**
     * Claims up to {@code max} records that expired longer ago than the store's expiry grace (by this node's clock)
     * and are not claimed already, for {@code lease}. A claim is atomic: while it holds, no other claim on any node
     * returns the record, so in normal operation each expired session is reported by one node. A claimed record stays
     * expired ({@link #load} never returns it, {@link #replace} finds it gone). The caller reports the records and then
     * calls {@link #removeExpired}; if it dies first, the lease runs out and another claim returns the records again
     * (at least once: a duplicate only after a node died mid-sweep).
     *
     * <p>One round trip per batch where the server can (a script, {@code UPDATE … RETURNING}); never on the request
     * path. Maintaining what this needs (an expiry index) must cost no extra round trip on the request path either.
     *
     * @param max   at most this many records, at least 1
     * @param lease how long the claim holds, positive
     * @return the claimed records, at most {@code max}; empty when nothing (more) is expired
     * @throws UnsupportedOperationException unless {@link StoreFeature#EXPIRY_EVENTS} is declared
     */
    default List<ExpiredSession> claimExpired(int max, Duration lease) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not declare " + StoreFeature.EXPIRY_EVENTS);
    }

    /**
     * Removes records returned by {@link #claimExpired} once they were reported. Idempotent; a record that is no
     * longer expired (it cannot be, unless a store broke the claim contract) is left alone.
     *
     * @throws UnsupportedOperationException unless {@link StoreFeature#EXPIRY_EVENTS} is declared
     */
    default void removeExpired(List<ExpiredSession> claimed) {
        throw new UnsupportedOperationException(
                getClass().getSimpleName() + " does not declare " + StoreFeature.EXPIRY_EVENTS);
    }

    /**
     * One page of a scan over every live record: call it with {@code cursor == null} first, then with
     * {@link ScanPage#next()} of the previous page until it is {@code null}. Each call is one bounded request to the
     * server (one per node of a cluster, at most) that never blocks it for longer than a page takes ({@code SCAN},
     * keyset pagination, an index range); pages hold at most {@code pageSize} records and may hold fewer, or none,
     * before the end.
     *
     * <p>Guarantees, enforced by the kit (group 16): a record that is live from the first call to the last is returned
     * at least once, in its state at some moment during the scan; a record that is expired when a page is read is not
     * in that page; records created, changed or deleted while the scan runs may or may not be returned. A record is
     * returned at most once, except where a store documents a bound (Redis: a key can be returned again when the
     * server resizes its keyspace table during the scan, which only writes during the scan cause).
     *
     * @param cursor   {@code null} to start, else the {@link ScanPage#next()} of the previous page of this store
     * @param pageSize at most this many records per page, at least 1
     * @throws IllegalArgumentException      if {@code cursor} was not made by this kind of store (nothing is read or
     *                                       changed), or {@code pageSize < 1} ({@link ScanPage#requirePageSize});
     *                                       {@link KeysetCursor} writes and parses keyset cursors strictly
     * @throws UnsupportedOperationException unless {@link StoreFeature#SCAN} is declared
     */
    default ScanPage scan(@Nullable String cursor, int pageSize) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not declare " + StoreFeature.SCAN);
    }

    /**
     * One cheap round trip that proves the store answers, bounded by the store's timeouts; for health checks. The
     * default loads a key no session has; stores may override it with their own ping.
     *
     * @throws SessionStoreUnavailableException if the store does not answer
     */
    default void ping() {
        load(ExpiredSession.PROBE_KEY);
    }

    /** Releases connections and threads. Idempotent. */
    @Override
    void close();
}
