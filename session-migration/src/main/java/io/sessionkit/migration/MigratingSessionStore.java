package io.sessionkit.migration;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A store that moves sessions from an old store ({@code from}) to a new one ({@code to}) while traffic flows, so that
 * switching stores logs nobody out. Every node of the deployment uses it for the migration window; afterwards the
 * new store alone.
 *
 * <ul>
 *   <li><b>Reads</b> go to the new store; a miss falls back to the old one, and a record found there is
 *       <em>moved</em> on this first touch: created in the new store (only if absent there), then removed from the old
 *       one with compare-and-set on the version it was copied at. The record is copied whole: version, timestamps,
 *       expiry, principal and attributes are kept, so nothing about the session changes but where it lives.
 *   <li><b>Writes</b> ({@link #create}, {@link #replace}) go to the new store. A replace of a record still in the old
 *       store moves it first.
 *   <li><b>Deletes</b> go to both, the old store first: together with the move's compare-and-set on the old side this
 *       means a session deleted while it is being moved is never resurrected (the mover sees its old copy gone and
 *       removes the copy it made).
 * </ul>
 *
 * <p>A move costs five round trips once per session (take the session's move lock in the new store, load from the old
 * store, create in the new one, compare-and-set delete from the old one, release the lock); a session already in the new store costs what the new store costs, plus one extra round
 * trip on {@link #create} (the old store is asked whether the key is taken) and on deletes.
 *
 * <p>Features are those both stores declare: a principal's sessions, and expired sessions, may be in either store,
 * and the conformance kit holds this store to each declared feature on both. So a migration from a store without
 * them (memcached) has no "log out everywhere" and no expiry events during the window, and a new store that purges
 * expired records in sweeps (JDBC) keeps the rows that expire during the window until the window ends and a
 * manager on the new store alone sweeps them.
 *
 * <p>Not guaranteed: a node that still writes to the old store directly (not through this class) during the window
 * can lose a write to a node that already moved the session: the copy in the new store wins. Deploy this class on
 * every node before the window opens. The store owns both stores and closes them on {@link #close()}.
 */
public final class MigratingSessionStore implements SessionStore {
    /** How often a move is tried again when an old-store writer changed the record during the move. */
    private static final int MOVE_ATTEMPTS = 3;

    /** How long a move lock is held at most: a node that dies mid-move delays the session's move by this. */
    static final Duration LOCK_LEASE = Duration.ofSeconds(5);

    /** What a move lock's key hashes, before the session's key: locks of different sessions never share a key. */
    private static final String LOCK_NAMESPACE = "sessionkit.move-lock:";

    /**
     * The last character of every move-lock key. The last of a session key's 43 characters carries only 4 of SHA-256's
     * bits, so it is one of 16 characters whose 6-bit value is a multiple of 4; {@code B} (value 1) is none of them. A
     * lock key is therefore never the key of any session, and {@link #isLock} tells the two apart with certainty,
     * without a marker in the record (a principal would put every lock in one principal index entry).
     */
    private static final char LOCK_KEY_MARK = 'B';

    private final SessionStore from;
    private final SessionStore to;
    private final Set<StoreFeature> features;
    private final Clock clock;

    private MigratingSessionStore(SessionStore from, SessionStore to, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.from = Objects.requireNonNull(from, "from");
        this.to = Objects.requireNonNull(to, "to");
        if (from == to) {
            throw new IllegalArgumentException("the old and the new store are the same instance");
        }
        EnumSet<StoreFeature> f = EnumSet.noneOf(StoreFeature.class);
        f.addAll(to.features());
        f.retainAll(from.features());
        // Scan the two stores themselves: a record being moved is in both, and the new store holds move locks.
        f.remove(StoreFeature.SCAN);
        this.features = Set.copyOf(f);
    }

    /** A store moving sessions from {@code from} (the old store) to {@code to} (the new one); it owns and closes both. */
    public static MigratingSessionStore of(SessionStore from, SessionStore to) {
        return of(from, to, Clock.systemUTC());
    }

    /**
     * As {@link #of(SessionStore, SessionStore)}, with the clock that dates move locks: the stores' clock, when they
     * were given one.
     */
    public static MigratingSessionStore of(SessionStore from, SessionStore to, Clock clock) {
        return new MigratingSessionStore(from, to, clock);
    }

    /** The old store, read as a fallback and emptied as sessions move. */
    public SessionStore from() {
        return from;
    }

    /** The new store, which every write goes to. */
    public SessionStore to() {
        return to;
    }

    @Override
    public Set<StoreFeature> features() {
        return features;
    }

    @Override
    public boolean create(SessionRecord record) {
        // A live record under the key in the old store holds the key as much as one in the new store does.
        if (from.load(record.key()).isPresent()) {
            return false;
        }
        return to.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        Optional<SessionRecord> current = to.load(key);
        return current.isPresent() ? current : move(key);
    }

    /**
     * Moves the record under {@code key} from the old store to the new one, if the old store has a live one, holding
     * the key's move lock (see {@link #lockFor}) so that no other node copies the same record meanwhile.
     *
     * @return the record now in the new store under {@code key}, or empty if there is none
     */
    Optional<SessionRecord> move(SessionKey key) {
        SessionKey lock = lockFor(key);
        acquire(lock, key);
        try {
            // The lock's previous holder may have moved it.
            Optional<SessionRecord> moved = to.load(key);
            if (moved.isPresent()) {
                return moved;
            }
            for (int attempt = 1; ; attempt++) {
                Optional<SessionRecord> old = from.load(key);
                if (old.isEmpty()) {
                    return Optional.empty();
                }
                SessionRecord record = old.get();
                if (!to.create(record)) {
                    return to.load(key);
                }
                switch (from.delete(key, record.version())) {
                    case OK -> {
                        return Optional.of(record);
                    }
                    case GONE -> {
                        // Invalidated (deletes remove from the old store first) or expired in the old store while
                        // we copied it: the copy must not outlive it.
                        to.delete(key);
                        return Optional.empty();
                    }
                    case CONFLICT -> {
                        // Written in the old store meanwhile, by a node not yet migrating: take the copy back (unless
                        // it was written in the new store already, which then wins) and move the newer record.
                        if (to.delete(key, record.version()) != ReplaceResult.OK || attempt == MOVE_ATTEMPTS) {
                            return to.load(key);
                        }
                    }
                }
            }
        } finally {
            to.delete(lock);
        }
    }

    /**
     * The key of the move lock of {@code key}: a short-lived record in the new store, created only if absent. Without
     * it, two nodes touching a session for the first time could interleave so that a copy deleted in the new store is
     * copied again from the old one. Its last character is {@link #LOCK_KEY_MARK}, which no session key ends with.
     */
    static SessionKey lockFor(SessionKey key) {
        String hashed = SessionKey.hash(LOCK_NAMESPACE + key.value());
        return new SessionKey(hashed.substring(0, SessionKey.LENGTH - 1) + LOCK_KEY_MARK);
    }

    /** Whether {@code key} is a move lock's (see {@link #lockFor}); never true of a session's key. */
    static boolean isLock(SessionKey key) {
        return key.value().charAt(SessionKey.LENGTH - 1) == LOCK_KEY_MARK;
    }

    /**
     * The move lock of a session as it is stored: no principal (so no principal index lists it or is written for it),
     * no attributes, expiring after {@link #LOCK_LEASE}.
     */
    static SessionRecord lockRecord(SessionKey lock, Instant now) {
        return new SessionRecord(lock, 1, now, now, LOCK_LEASE, now.plus(LOCK_LEASE), null, "{}");
    }

    private void acquire(SessionKey lock, SessionKey key) {
        Instant now = clock.instant();
        SessionRecord held = lockRecord(lock, now);
        long deadline = System.nanoTime() + LOCK_LEASE.plus(LOCK_LEASE).toNanos();
        long pauseMillis = 1;
        while (!to.create(held)) {
            // Another node is moving this session: wait for it (a holder that died frees the lock after the lease).
            if (System.nanoTime() - deadline > 0) {
                throw new SessionStoreUnavailableException("session " + key.shortForm()
                        + ": another node has been moving it from the old store for longer than " + LOCK_LEASE
                        + " plus " + LOCK_LEASE);
            }
            try {
                // Library back-off, not a test wait: the lock is another process's record, so there is nothing to
                // be notified by; 1 ms doubling to 50 ms, bounded by the deadline above (real time, not the clock,
                // so that a test clock standing still cannot make a request wait forever).
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionStoreUnavailableException(
                        "interrupted while waiting to move session " + key.shortForm());
            }
            pauseMillis = Math.min(pauseMillis * 2, 50);
            now = clock.instant();
            held = lockRecord(lock, now);
        }
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        ReplaceResult result = to.replace(record, expectedVersion);
        if (result != ReplaceResult.GONE || move(record.key()).isEmpty()) {
            return result;
        }
        return to.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        from.delete(key);
        to.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        ReplaceResult result = to.delete(key, expectedVersion);
        if (result == ReplaceResult.GONE) {
            if (move(key).isEmpty()) {
                return ReplaceResult.GONE;
            }
            result = to.delete(key, expectedVersion);
        }
        if (result == ReplaceResult.OK) {
            // A copy left in the old store by a write that lost to the new store's must not come back after this.
            from.delete(key);
        }
        return result;
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        requireFeature(StoreFeature.PRINCIPAL_INDEX);
        Map<SessionKey, SessionRecord> found = new LinkedHashMap<>();
        for (SessionRecord r : to.findByPrincipal(principal)) {
            found.put(r.key(), r);
        }
        for (SessionRecord r : from.findByPrincipal(principal)) {
            found.putIfAbsent(r.key(), r);
        }
        return List.copyOf(found.values());
    }

    @Override
    public int purgeExpired() {
        requireFeature(StoreFeature.PURGE_EXPIRED);
        return to.purgeExpired() + from.purgeExpired();
    }

    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        requireFeature(StoreFeature.EXPIRY_EVENTS);
        List<ExpiredSession> claimed = new ArrayList<>(to.claimExpired(max, lease));
        if (claimed.size() < max) {
            claimed.addAll(from.claimExpired(max - claimed.size(), lease));
        }
        // Move locks left by a node that died mid-move: removed, never reported as sessions.
        List<ExpiredSession> locks = new ArrayList<>();
        claimed.removeIf(c -> isLock(c.key()) && locks.add(c));
        if (!locks.isEmpty()) {
            to.removeExpired(locks);
        }
        return claimed;
    }

    /**
     * Removes the claimed records from both stores: a key lives in one of them, and each store removes only records
     * it holds that are still claimed and expired, so the other store's call is a no-op for it.
     */
    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        requireFeature(StoreFeature.EXPIRY_EVENTS);
        to.removeExpired(claimed);
        from.removeExpired(claimed);
    }

    /** Both stores answer, or this store is not healthy. */
    @Override
    public void ping() {
        to.ping();
        from.ping();
    }

    @Override
    public void close() {
        try {
            to.close();
        } finally {
            from.close();
        }
    }

    private void requireFeature(StoreFeature feature) {
        if (!features.contains(feature)) {
            throw new UnsupportedOperationException("MigratingSessionStore does not declare " + feature
                    + " (old store: " + from.features() + ", new store: " + to.features() + ")");
        }
    }

    @Override
    public String toString() {
        return "MigratingSessionStore[" + from + " -> " + to + "]";
    }
}
