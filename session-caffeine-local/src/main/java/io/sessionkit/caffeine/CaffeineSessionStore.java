package io.sessionkit.caffeine;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.sessionkit.BuilderChecks;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * <p>Not shared between JVMs and not persistent: use it for one node, tests and development.
 */
public final class CaffeineSessionStore implements SessionStore {
    /** Default maximum number of sessions held; the least recently used are evicted beyond it. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    private static final Set<StoreFeature> FEATURES =
            Set.copyOf(EnumSet.of(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED));

    private final Clock clock;
    private final Cache<SessionKey, SessionRecord> cache;
    private final ConcurrentMap<String, Set<SessionKey>> byPrincipal = new ConcurrentHashMap<>();

    private CaffeineSessionStore(Builder b) {
        this.clock = b.clock;
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
            inserted[0] = true;
            reindex(old, record);
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

    /** The number of sessions held, expired ones not yet collected included. */
    public long estimatedSize() {
        return cache.estimatedSize();
    }

    /** For the conformance kit's backdoor in this package's tests. */
    Cache<SessionKey, SessionRecord> cache() {
        return cache;
    }

    @Override
    public void close() {
        cache.invalidateAll();
        byPrincipal.clear();
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

        private Builder() {}

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
    }
}
