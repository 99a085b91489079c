package io.sessionkit.tck;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** Stores that each break one promise, for the kit's self-test. */
final class BrokenStores {
    private BrokenStores() {}

    /** Sweeps by its own clock alone: a node ahead deletes other nodes' sessions in their last seconds. */
    static final class SweepsWithoutGrace extends MapStore {
        SweepsWithoutGrace(Clock clock) {
            super(clock);
        }

        @Override
        public int purgeExpired() {
            int before = map.size();
            map.values().removeIf(r -> r.isExpiredAt(clock.instant()));
            return before - map.size();
        }
    }

    /** Last writer wins: replace ignores the expected version. */
    static final class NoCompareAndSet extends MapStore {
        NoCompareAndSet(Clock clock) {
            super(clock);
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            SessionRecord old = map.get(record.key());
            if (old == null || old.isExpiredAt(clock.instant())) {
                return ReplaceResult.GONE;
            }
            map.put(record.key(), record);
            return ReplaceResult.OK;
        }
    }

    /** Relies on native expiry alone: load returns records past their expiresAt. */
    static final class ReturnsExpired extends MapStore {
        ReturnsExpired(Clock clock) {
            super(clock);
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return Optional.ofNullable(map.get(key));
        }
    }

    /** Upsert instead of compare-and-set: replace writes a record that is gone. */
    static final class Resurrects extends MapStore {
        Resurrects(Clock clock) {
            super(clock);
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            SessionRecord old = map.get(record.key());
            if (old != null && old.version() != expectedVersion && !old.isExpiredAt(clock.instant())) {
                return ReplaceResult.CONFLICT;
            }
            map.put(record.key(), record);
            return ReplaceResult.OK;
        }
    }

    /** Create is a plain put: a second create overwrites a live session. */
    static final class CreateOverwrites extends MapStore {
        CreateOverwrites(Clock clock) {
            super(clock);
        }

        @Override
        public boolean create(SessionRecord record) {
            map.put(record.key(), record);
            return true;
        }
    }

    /** Drops the principal on the floor. */
    static final class ForgetsPrincipal extends MapStore {
        ForgetsPrincipal(Clock clock) {
            super(clock);
        }

        @Override
        protected SessionRecord stored(SessionRecord r) {
            return new SessionRecord(
                    r.key(),
                    r.version(),
                    r.createdAt(),
                    r.lastAccessedAt(),
                    r.maxIdle(),
                    r.expiresAt(),
                    null,
                    r.attributes());
        }
    }

    /** Hands every caller the one mutable set it declares by: a caller that clears it changes what the store declares. */
    static final class SharesMutableFeatures extends MapStore {
        private static final Set<StoreFeature> DECLARED =
                EnumSet.of(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED);

        SharesMutableFeatures(Clock clock) {
            super(clock);
        }

        @Override
        public Set<StoreFeature> features() {
            return DECLARED;
        }
    }
}
