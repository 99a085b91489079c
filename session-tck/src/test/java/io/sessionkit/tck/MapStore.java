package io.sessionkit.tck;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A minimal correct store on a ConcurrentHashMap: the reference the kit must accept, and the base the broken stores
 * below bend. Its hooks are protected so each broken store changes exactly one thing.
 */
class MapStore implements SessionStore {
    /** The records; two instances given the same map are two nodes of one store. */
    ConcurrentMap<SessionKey, SessionRecord> map = new ConcurrentHashMap<>();

    final Clock clock;

    MapStore(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.of(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED);
    }

    @Override
    public boolean create(SessionRecord record) {
        boolean[] inserted = {false};
        map.compute(record.key(), (k, old) -> {
            if (old != null && !old.isExpiredAt(clock.instant())) {
                return old;
            }
            inserted[0] = true;
            return stored(record);
        });
        return inserted[0];
    }

    /** What is kept for a record; broken stores override. */
    protected SessionRecord stored(SessionRecord record) {
        return record;
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        SessionRecord r = map.get(key);
        return r == null || r.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        ReplaceResult[] result = {ReplaceResult.GONE};
        map.computeIfPresent(record.key(), (k, old) -> {
            if (old.isExpiredAt(clock.instant())) {
                return null;
            }
            if (old.version() != expectedVersion) {
                result[0] = ReplaceResult.CONFLICT;
                return old;
            }
            result[0] = ReplaceResult.OK;
            return stored(record);
        });
        return result[0];
    }

    @Override
    public void delete(SessionKey key) {
        map.remove(key);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        return map.values().stream()
                .filter(r -> principal.equals(r.principal()) && !r.isExpiredAt(clock.instant()))
                .toList();
    }

    @Override
    public int purgeExpired() {
        // Only records expired for longer than the grace: another node's clock may be behind this one's by up to it.
        java.time.Instant cutoff = clock.instant().minus(GRACE);
        int before = map.size();
        map.values().removeIf(r -> r.isExpiredAt(cutoff));
        return before - map.size();
    }

    static final java.time.Duration GRACE = java.time.Duration.ofSeconds(60);

    @Override
    public void close() {
        // The records belong to the "server" (shared by the nodes of one test), not to this node.
    }
}
