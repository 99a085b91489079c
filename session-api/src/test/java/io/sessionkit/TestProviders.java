package io.sessionkit;

import java.util.Optional;
import java.util.Set;

/** Providers for the discovery tests; listed in per-test service files, never on the default class path. */
final class TestProviders {
    private TestProviders() {}

    /** A store that only remembers which provider made it. */
    record NamedStore(String madeBy, SessionKitConfig config) implements SessionStore {
        @Override
        public Set<StoreFeature> features() {
            return Set.of();
        }

        @Override
        public boolean create(SessionRecord record) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return Optional.empty();
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            return ReplaceResult.GONE;
        }

        @Override
        public void delete(SessionKey key) {}

        @Override
        public void close() {}
    }

    /** A provider answering to {@code name} whose stores remember that name. */
    abstract static class Named implements SessionStoreProvider {
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public SessionStore create(SessionKitConfig config) {
            return new NamedStore(name, config);
        }
    }

    public static final class Alpha extends Named {
        public Alpha() {
            super("alpha");
        }
    }

    public static final class Beta extends Named {
        public Beta() {
            super("beta");
        }
    }

    /** Answers to {@code redis}, as session-redis's provider does, without its client. */
    public static final class RedisNamed extends Named {
        public RedisNamed() {
            super("redis");
        }
    }

    /** Differs from {@link Alpha} only by case. */
    public static final class AlphaCapitalized extends Named {
        public AlphaCapitalized() {
            super("Alpha");
        }
    }

    public static final class Failing implements SessionStoreProvider {
        public Failing() {
            throw new IllegalStateException("driver missing: com.example.Driver");
        }

        @Override
        public String name() {
            return "failing";
        }

        @Override
        public SessionStore create(SessionKitConfig config) {
            throw new AssertionError("unreachable");
        }
    }
}
