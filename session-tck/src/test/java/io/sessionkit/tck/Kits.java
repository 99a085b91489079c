package io.sessionkit.tck;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Conformance classes over the reference and the broken stores. Their names do not match the surefire patterns, so
 * they only run when the self-test launches them through the JUnit Platform test kit.
 */
final class Kits {
    private Kits() {}

    /** The records of each namespace, so that two stores made for one test are two nodes over the same data. */
    private static final java.util.concurrent.ConcurrentMap<
                    String, java.util.concurrent.ConcurrentMap<SessionKey, SessionRecord>>
            DATA = new java.util.concurrent.ConcurrentHashMap<>();

    static MapStore shared(MapStore store, TckContext context) {
        store.map = DATA.computeIfAbsent(context.namespace(), n -> new java.util.concurrent.ConcurrentHashMap<>());
        return store;
    }

    abstract static class MapKit extends SessionStoreConformanceKit {
        abstract Function<java.time.Clock, MapStore> factory();

        boolean reportsExpiry() {
            return true;
        }

        @Override
        protected SessionStore createStore(TckContext context) {
            return shared(factory().apply(context.clock()), context);
        }

        @Override
        protected Optional<StoreBackdoor> backdoor(SessionStore store) {
            MapStore m = (MapStore) store;
            return Optional.of(new StoreBackdoor() {
                @Override
                public String dump() {
                    return m.map.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue().attributes())
                            .collect(Collectors.joining("\n"));
                }

                @Override
                public void corrupt(SessionKey key) {
                    m.map.computeIfPresent(
                            key,
                            (k, r) -> new SessionRecord(
                                    k,
                                    r.version(),
                                    r.createdAt(),
                                    r.lastAccessedAt(),
                                    r.maxIdle(),
                                    r.expiresAt(),
                                    r.principal(),
                                    "[not an object"));
                }

                @Override
                public Optional<Instant> nativeExpiry(SessionKey key) {
                    // The map has no TTL of its own: the expiry it holds is the record's.
                    return reportsExpiry()
                            ? Optional.ofNullable(m.map.get(key)).map(SessionRecord::expiresAt)
                            : Optional.empty();
                }
            });
        }
    }

    static class ReferenceKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return MapStore::new;
        }
    }

    static class SweepsWithoutGraceKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.SweepsWithoutGrace::new;
        }
    }

    static class NoCompareAndSetKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.NoCompareAndSet::new;
        }
    }

    static class ReturnsExpiredKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.ReturnsExpired::new;
        }
    }

    static class ResurrectsKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.Resurrects::new;
        }
    }

    static class CreateOverwritesKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.CreateOverwrites::new;
        }
    }

    static class ForgetsPrincipalKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.ForgetsPrincipal::new;
        }
    }

    /** A backdoor that reports no expiry for live records: rule 5.8 must fail it, not pass it vacuously. */
    static class ReportsNoExpiryKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return MapStore::new;
        }

        @Override
        boolean reportsExpiry() {
            return false;
        }
    }

    static class SharesMutableFeaturesKit extends MapKit {
        @Override
        Function<java.time.Clock, MapStore> factory() {
            return BrokenStores.SharesMutableFeatures::new;
        }
    }

    /** A kit with no backdoor: its backdoor rules must be reported as skipped, not failed. */
    static class NoBackdoorKit extends SessionStoreConformanceKit {
        @Override
        protected SessionStore createStore(TckContext context) {
            return shared(new MapStore(context.clock()), context);
        }
    }
}
