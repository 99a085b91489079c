package io.sessionkit.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sessionkit.BuilderChecks;
import io.sessionkit.ExpiredSession;
import io.sessionkit.KeysetCursor;
import io.sessionkit.ProviderConfig;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An in-process {@link SessionStore} on a bounded Caffeine cache.
 *
 * <p>Compare-and-set ({@code replace}, and {@code delete} with an expected version) is {@code asMap().compute},
 * atomic per key. Entries expire natively at their {@code expiresAt},
 * measured on the store's {@link Clock} (the cache's ticker follows it), and {@link #load} filters expired records
 * too. Records are immutable values, so callers never share mutable state. The principal index is an in-memory map
 * from principal to keys, pruned when entries are removed and when read.
 *
 * <p>Expiry events ({@link StoreFeature#EXPIRY_EVENTS}) come from Caffeine's removal listener: an entry removed because
 * it expired ({@link RemovalCause#EXPIRED}) is queued as an {@link ExpiredSession}, oldest expiry first, and
 * {@link #claimExpired} hands out those expired longer ago than the {@linkplain Builder#expiryGrace expiry grace}.
 * An entry evicted for size while live, replaced, or deleted is never queued; an entry extended by a replace gets the
 * new expiry, so its old one is never reported. The queue holds at most {@code maximumSize} sessions; beyond that, when
 * nothing claims, the oldest are dropped unreported (logged).
 *
 * <p>Not shared between JVMs and not persistent: use it for one node, tests and development.
 */
public final class CaffeineSessionStore implements SessionStore {
    /** Default maximum number of sessions held; the least recently used are evicted beyond it. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    /**
     * How long after its expiry a session waits before {@link #claimExpired} reports it: the same 60 s as every
     * networked store, so that expired events come with the same delay whichever store is configured.
     */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(60);

    private static final System.Logger LOG = System.getLogger("io.sessionkit.caffeine");

    private static final Set<StoreFeature> FEATURES = Set.copyOf(EnumSet.of(
            StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED, StoreFeature.EXPIRY_EVENTS, StoreFeature.SCAN));

    /** The cursors of {@link #scan}: {@code c1:} and base64url of the last key returned. */
    private static final KeysetCursor SCAN_CURSOR = KeysetCursor.of("c");

    /** Oldest expiry first; the key, then the principal, tell apart sessions that expired at the same instant. */
    private static final Comparator<ExpiredSession> BY_EXPIRY = Comparator.comparing(ExpiredSession::expiresAt)
            .thenComparing(e -> e.key().value())
            .thenComparing(e -> e.principal() == null ? "" : e.principal());

    private final Clock clock;
    private final Duration expiryGrace;
    private final long maximumSize;
    private final Cache<SessionKey, SessionRecord> cache;
    private final ConcurrentMap<String, Set<SessionKey>> byPrincipal = new ConcurrentHashMap<>();
    /**
     * The keys of the cache in key order, for {@link #scan}: added inside create's compute, removed (under the key's
     * compute, so that a create of the same key meanwhile keeps its entry) when the entry leaves the cache.
     */
    private final NavigableSet<String> keys = new ConcurrentSkipListSet<>();

    /** Guards {@link #waiting}, {@link #claimed} and {@link #dropped}. */
    private final Object expiredLock = new Object();
    /** Expired sessions no claim holds, oldest expiry first. */
    private final NavigableSet<ExpiredSession> waiting = new TreeSet<>(BY_EXPIRY);
    /** Claimed and not yet removed: until when each claim holds. */
    private final Map<ExpiredSession, Instant> claimed = new HashMap<>();
    /** Expired sessions dropped unreported because the queue was full. */
    private long dropped;

    private CaffeineSessionStore(Builder b) {
        this.clock = b.clock;
        this.expiryGrace = b.expiryGrace;
        this.maximumSize = b.maximumSize;
        this.cache = Caffeine.newBuilder()
                .maximumSize(b.maximumSize)
                .ticker(() -> nanos(clock.instant()))
                .expireAfter(new ExpiresAt())
                .executor(Runnable::run)
                // A replace is indexed inside compute(), where both records are at hand; the listener only sees the old
                // one.
                .removalListener((@Nullable SessionKey key, @Nullable SessionRecord record, RemovalCause cause) -> {
                    // Caffeine passes null only for collected weak or soft entries; this cache holds both strongly.
                    if (key != null && record != null && cause != RemovalCause.REPLACED) {
                        unindex(key, record);
                        forgetKey(key);
                    }
                    // Expired, and only expired: Caffeine also reports an entry it finds expired in compute() or
                    // invalidate() as EXPIRED. An entry evicted for size is a live session lost, never an expiry,
                    // unless it had expired already (maintenance had not reached it yet).
                    if (record != null
                            && (cause == RemovalCause.EXPIRED
                                    || (cause == RemovalCause.SIZE && record.isExpiredAt(clock.instant())))) {
                        expired(record);
                    }
                })
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<StoreFeature> features() {
        return FEATURES;
    }

    @Override
    public boolean create(SessionRecord record) {
        Objects.requireNonNull(record, "record");
        Instant now = clock.instant();
        boolean[] inserted = {false};
        cache.asMap().compute(record.key(), (key, old) -> {
            if (old != null && !old.isExpiredAt(now)) {
                return old;
            }
            if (old != null) {
                // Caffeine hands expired entries to the listener and compute() sees null; this is the instant between.
                expired(old);
            }
            inserted[0] = true;
            reindex(old, record);
            keys.add(key.value());
            return record;
        });
        return inserted[0];
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        SessionRecord r = cache.getIfPresent(Objects.requireNonNull(key, "key"));
        return r == null || r.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        Objects.requireNonNull(record, "record");
        return compareAndSet(record.key(), expectedVersion, record);
    }

    @Override
    public void delete(SessionKey key) {
        cache.invalidate(Objects.requireNonNull(key, "key"));
    }

    /** Compare-and-set delete in one {@code computeIfPresent}: the version check and the removal are atomic per key. */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        Objects.requireNonNull(key, "key");
        return compareAndSet(key, expectedVersion, null);
    }

    /**
     * Replaces the live record under {@code key} at {@code expectedVersion} by {@code replacement}, or removes it when
     * {@code replacement} is null, in one {@code computeIfPresent}; an expired record is removed and is GONE. A removal
     * is unindexed by the removal listener.
     */
    private ReplaceResult compareAndSet(SessionKey key, long expectedVersion, @Nullable SessionRecord replacement) {
        Instant now = clock.instant();
        ReplaceResult[] result = {ReplaceResult.GONE};
        cache.asMap().computeIfPresent(key, (k, old) -> {
            if (old.isExpiredAt(now)) {
                expired(old);
                return null;
            }
            if (old.version() != expectedVersion) {
                result[0] = ReplaceResult.CONFLICT;
                return old;
            }
            result[0] = ReplaceResult.OK;
            if (replacement != null) {
                reindex(old, replacement);
            }
            return replacement;
        });
        return result[0];
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        Objects.requireNonNull(principal, "principal");
        Set<SessionKey> keys = byPrincipal.get(principal);
        if (keys == null) {
            return List.of();
        }
        Instant now = clock.instant();
        List<SessionRecord> found = new ArrayList<>();
        for (Iterator<SessionKey> it = keys.iterator(); it.hasNext(); ) {
            SessionRecord r = cache.getIfPresent(it.next());
            if (r != null && !r.isExpiredAt(now) && principal.equals(r.principal())) {
                found.add(r);
            } else if (r == null || !principal.equals(r.principal())) {
                it.remove();
            }
        }
        byPrincipal.computeIfPresent(principal, (p, set) -> set.isEmpty() ? null : set);
        return List.copyOf(found);
    }

    @Override
    public int purgeExpired() {
        Instant now = clock.instant();
        int[] removed = {0};
        for (SessionKey key : List.copyOf(cache.asMap().keySet())) {
            cache.asMap().computeIfPresent(key, (k, r) -> {
                if (r.isExpiredAt(now)) {
                    removed[0]++;
                    return null;
                }
                return r;
            });
        }
        cache.cleanUp();
        return removed[0];
    }

    /**
     * Takes up to {@code max} queued sessions that expired longer ago than the expiry grace, oldest first, after
     * {@link Cache#cleanUp()} (Caffeine evicts lazily, so this collects what expired since the last access). Claims
     * whose lease ran out without {@link #removeExpired} are queued again first, so a claimed session is never lost.
     * One node, one lock: two claims never return the same session while its lease holds.
     */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        BuilderChecks.atLeast("max", max, 1);
        BuilderChecks.positive("lease", lease);
        cache.cleanUp();
        Instant now = clock.instant();
        Instant cutoff = now.minus(expiryGrace);
        List<ExpiredSession> out = new ArrayList<>();
        synchronized (expiredLock) {
            for (Iterator<Map.Entry<ExpiredSession, Instant>> it =
                            claimed.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<ExpiredSession, Instant> c = it.next();
                if (!c.getValue().isAfter(now)) {
                    waiting.add(c.getKey());
                    it.remove();
                }
            }
            Instant until = now.plus(lease);
            while (out.size() < max
                    && !waiting.isEmpty()
                    && waiting.first().expiresAt().isBefore(cutoff)) {
                ExpiredSession s = waiting.pollFirst();
                claimed.put(s, until);
                out.add(s);
            }
        }
        return List.copyOf(out);
    }

    /** Forgets the given claimed sessions (they left the cache when they expired). Idempotent. */
    @Override
    public void removeExpired(List<ExpiredSession> sessions) {
        Objects.requireNonNull(sessions, "sessions");
        synchronized (expiredLock) {
            for (ExpiredSession s : sessions) {
                claimed.remove(s);
                waiting.remove(s);
            }
        }
    }

    /** In-process: there is no server to reach and nothing that can fail, so a health check always passes. */
    @Override
    public void ping() {
        // Nothing to do: the cache lives in this JVM.
    }

    /** Queues an expired record for a claim; drops the oldest queued one when the queue is full. */
    private void expired(SessionRecord record) {
        ExpiredSession s = new ExpiredSession(record.key(), record.principal(), record.expiresAt());
        long lost = 0;
        synchronized (expiredLock) {
            if (!claimed.containsKey(s) && waiting.add(s) && waiting.size() + claimed.size() > maximumSize) {
                waiting.pollFirst();
                lost = ++dropped;
            }
        }
        if (lost == 1 || (lost > 0 && lost % 10_000 == 0)) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0} expired sessions dropped unreported: more than {1} expired sessions wait for a claim (is a"
                            + " SessionManager sweeping this store?)",
                    lost,
                    maximumSize);
        }
    }

    /** The number of sessions held, expired ones not yet collected included. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** For the conformance kit's backdoor in this package's tests. */
    Cache<SessionKey, SessionRecord> cache() {
        return cache;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Walks a sorted index of the cache's keys from the one after the cursor ({@code c1:} and base64url of the last
     * key returned, {@link KeysetCursor}), reading each record without touching its access order or expiry, until
     * {@code pageSize} live records are found: a page costs {@code pageSize} lookups plus the index entries of records
     * that left the cache meanwhile, never a copy of the cache. Every record live throughout the scan is returned
     * exactly once. A cursor is meaningful only to this store instance's cache (there are no other nodes); a cursor of
     * another instance is accepted and resumes at its key.
     */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        ScanPage.requirePageSize(pageSize);
        SessionKey after = SCAN_CURSOR.key(cursor);
        Instant now = clock.instant();
        List<SessionRecord> page = new ArrayList<>(Math.min(pageSize, 1024));
        String last = null;
        for (String key : after == null ? keys : keys.tailSet(after.value(), false)) {
            SessionRecord r = cache.policy().getIfPresentQuietly(new SessionKey(key));
            if (r == null || r.isExpiredAt(now)) {
                continue;
            }
            page.add(r);
            last = key;
            if (page.size() == pageSize) {
                break;
            }
        }
        return new ScanPage(page, page.size() == pageSize && last != null ? SCAN_CURSOR.after(last) : null);
    }

    /** Entries in the scan index (for tests: it must not outgrow the cache). */
    int scanIndexSize() {
        return keys.size();
    }

    /** Drops {@code key} from the scan index unless the cache holds it again (a create since it left). */
    private void forgetKey(SessionKey key) {
        cache.asMap().compute(key, (k, current) -> {
            if (current == null) {
                keys.remove(k.value());
            }
            return current;
        });
    }

    @Override
    public void close() {
        cache.invalidateAll();
        keys.clear();
        byPrincipal.clear();
        synchronized (expiredLock) {
            waiting.clear();
            claimed.clear();
        }
    }

    /** Moves the key from the old record's principal to the new one's; called inside the key's compute. */
    private void reindex(SessionRecord old, SessionRecord record) {
        if (old != null && old.principal() != null && !old.principal().equals(record.principal())) {
            unindex(old.key(), old);
        }
        if (record.principal() != null) {
            byPrincipal.compute(record.principal(), (p, keys) -> {
                Set<SessionKey> held = keys == null ? ConcurrentHashMap.newKeySet() : keys;
                held.add(record.key());
                return held;
            });
        }
    }

    private void unindex(SessionKey key, SessionRecord record) {
        if (record != null && record.principal() != null) {
            byPrincipal.computeIfPresent(record.principal(), (p, keys) -> {
                keys.remove(key);
                return keys.isEmpty() ? null : keys;
            });
        }
    }

    private static long nanos(Instant t) {
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** Each entry lives until its own {@code expiresAt}, on the store's clock. */
    private static final class ExpiresAt implements Expiry<SessionKey, SessionRecord> {
        @Override
        public long expireAfterCreate(SessionKey key, SessionRecord value, long currentTime) {
            return Math.max(0, nanos(value.expiresAt()) - currentTime);
        }

        @Override
        public long expireAfterUpdate(SessionKey key, SessionRecord value, long currentTime, long currentDuration) {
            return expireAfterCreate(key, value, currentTime);
        }

        @Override
        public long expireAfterRead(SessionKey key, SessionRecord value, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }

    /** Builds a {@link CaffeineSessionStore}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;

        private Builder() {}

        /**
         * How long after its expiry a session waits before {@link CaffeineSessionStore#claimExpired} reports it; zero
         * or more, default {@link #DEFAULT_EXPIRY_GRACE} (60 s). One JVM has one clock, so no skew needs it; it keeps
         * the delay of expired events the same as on the networked stores. Expired sessions are never served either way.
         */
        public Builder expiryGrace(Duration expiryGrace) {
            this.expiryGrace = BuilderChecks.between(
                    "expiryGrace", expiryGrace, Duration.ZERO, SessionRecord.MAX_IDLE, "(zero or more)");
            return this;
        }

        /** The clock for expiry; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /** Maximum sessions held; default {@link #DEFAULT_MAXIMUM_SIZE}. */
        public Builder maximumSize(long maximumSize) {
            if (maximumSize < 1) {
                throw BuilderChecks.invalid("maximumSize", maximumSize, "a number >= 1");
            }
            this.maximumSize = maximumSize;
            return this;
        }

        public CaffeineSessionStore build() {
            return new CaffeineSessionStore(this);
        }

        /**
         * Reads the {@code sessionkit.local.*} keys ({@link CaffeineSessionStoreProvider}, which documents them) into a new
         * builder, recording a bad value in {@code c} rather than throwing; returns how to build the store.
         */
        static Supplier<SessionStore> fromKeys(ProviderConfig c) {
            Builder b = builder().clock(c.clock());
            c.integer("maximum-size", b::maximumSize);
            c.duration("expiry-grace", b::expiryGrace);
            return b::build;
        }
    }
}
