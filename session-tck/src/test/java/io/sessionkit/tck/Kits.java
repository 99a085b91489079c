package io.sessionkit.tck;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.MapStore.Flaw;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Conformance classes over the reference and the broken stores. Their names do not match the surefire patterns, so
 * they only run when the self-test launches them through the JUnit Platform test kit.
 */
final class Kits {
    /** The configuration parameter that names the {@link Flaw} of {@link MapKit}'s store; absent: none. */
    static final String FLAW = "sessionkit.selftest.flaw";

    private Kits() {}

    /** The records of each namespace, so that two stores made for one test are two nodes over the same data. */
    private static final ConcurrentMap<String, ConcurrentMap<SessionKey, SessionRecord>> DATA =
            new ConcurrentHashMap<>();

    /** The claims on expired records of each namespace, shared like {@link #DATA}. */
    private static final ConcurrentMap<String, ConcurrentMap<SessionKey, Instant>> CLAIMS = new ConcurrentHashMap<>();

    static MapStore shared(MapStore store, TckContext context) {
        store.map = DATA.computeIfAbsent(context.namespace(), n -> new ConcurrentHashMap<>());
        store.claims = CLAIMS.computeIfAbsent(context.namespace(), n -> new ConcurrentHashMap<>());
        return store;
    }

    /** The kit over a {@link MapStore} with the flaw the launcher names in {@link #FLAW}, and a backdoor into it. */
    @ExtendWith(ChosenFlaw.class)
    static class MapKit extends SessionStoreConformanceKit {
        private final Flaw flaw;

        MapKit(Flaw flaw) {
            this.flaw = flaw;
        }

        @Override
        protected SessionStore createStore(TckContext context) {
            return shared(new MapStore(context.clock(), flaw), context);
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
                    m.map.computeIfPresent(key, (k, r) -> r.withAttributes("[not an object"));
                }

                @Override
                public Optional<Instant> nativeExpiry(SessionKey key) {
                    // The map has no TTL of its own: the expiry it holds is the record's.
                    return flaw == Flaw.REPORTS_NO_EXPIRY
                            ? Optional.empty()
                            : Optional.ofNullable(m.map.get(key)).map(SessionRecord::expiresAt);
                }
            });
        }
    }

    /** Hands {@link MapKit} the flaw named by the {@link #FLAW} configuration parameter. */
    static final class ChosenFlaw implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == Flaw.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getConfigurationParameter(FLAW).map(Flaw::valueOf).orElse(Flaw.NONE);
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
