package io.sessionkit.reliability;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineBackdoor;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.jdbc.JdbcBackdoor;
import io.sessionkit.memcached.MemcachedBackdoor;
import io.sessionkit.mongo.MongoBackdoor;
import io.sessionkit.redis.RedisBackdoor;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * Every backend the suites run on. Adding one is one entry in {@link #ALL}: its configuration keys (from its README)
 * and its module's store backdoor, which writes bad data in the backend's own layout.
 */
final class Backends {
    /** The backends of this build, in the order the suites run them. */
    static final List<Backend> ALL = List.of(
            new Local(),
            new Redis(),
            new Memcached(),
            new Jdbc("h2"),
            new Jdbc("postgres"),
            new Jdbc("mariadb"),
            new Mongo());

    private Backends() {}

    /**
     * For {@code @MethodSource}: every backend, or those named in {@code -Dsessionkit.reliability.backends} (a comma
     * list of {@link Backend#name()}s, e.g. {@code memcached,jdbc-postgres}), to re-run a long suite on one of them.
     */
    static Stream<Backend> all() {
        String only = System.getProperty("sessionkit.reliability.backends", "").trim();
        if (only.isEmpty()) {
            return ALL.stream();
        }
        List<String> names =
                java.util.regex.Pattern.compile("\\s*,\\s*").splitAsStream(only).toList();
        List<Backend> chosen =
                ALL.stream().filter(b -> names.contains(b.name())).toList();
        if (chosen.size() != names.size()) {
            throw new IllegalArgumentException("sessionkit.reliability.backends=" + only + ": the backends are "
                    + ALL.stream().map(Backend::name).toList());
        }
        return chosen.stream();
    }

    /**
     * The configuration that selects {@code store}, with {@code settings} (name, value, name, value...) under
     * {@code sessionkit.<store>.}.
     */
    static Map<String, String> config(String store, String... settings) {
        Map<String, String> bySuffix = new LinkedHashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            bySuffix.put(settings[i], settings[i + 1]);
        }
        return config(store, bySuffix);
    }

    /** The configuration that selects {@code store}, with {@code settings} (by suffix) under {@code sessionkit.<store>.}. */
    static Map<String, String> config(String store, Map<String, String> settings) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("sessionkit.store", store);
        settings.forEach((suffix, value) -> c.put("sessionkit." + store + "." + suffix, value));
        return c;
    }

    /** The key prefix of a run's items on the shared Redis and memcached servers. */
    static String keyPrefix(String namespace) {
        return "rel:" + namespace + ":";
    }

    // ---------------------------------------------------------------- local (Caffeine, in process)

    static final class Local extends Backend {
        Local() {
            super("local");
        }

        @Override
        Map<String, String> settings(String namespace) {
            return Map.of("maximum-size", "100000");
        }

        @Override
        boolean sharedBetweenStores() {
            return false;
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            // The store is the real clock's (Fixture); the clock only matters to nativeExpiry, unused here.
            CaffeineBackdoor backdoor = new CaffeineBackdoor((CaffeineSessionStore) store, Clock.systemUTC());
            return new BadRecordWriter() {
                // No bytes to corrupt in a heap cache: only the attribute text the record carries can be wrong.
                @Override
                public List<Corruption> kinds() {
                    return List.of(Corruption.TRUNCATED_JSON, Corruption.WRONG_FIELD_TYPE);
                }

                @Override
                public void corrupt(SessionKey key, Corruption kind) {
                    switch (kind) {
                        case TRUNCATED_JSON -> backdoor.corrupt(key);
                        case WRONG_FIELD_TYPE -> backdoor.setAttributesText(key, "[\"not\", \"an\", \"object\"]");
                        default -> throw new IllegalArgumentException(kind.name());
                    }
                }
            };
        }
    }

    // ---------------------------------------------------------------- Redis

    static final class Redis extends Backend {
        private UnifiedJedis client;

        Redis() {
            super("redis");
        }

        @Override
        Map<String, String> settings(String namespace) {
            return Map.of(
                    "uri", TestServers.redisUri().toString(),
                    "key-prefix", keyPrefix(namespace),
                    "pool.max-total", "40",
                    "connect-timeout", "2s",
                    "read-timeout", "2s");
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            return RedisBackdoor.of(store, client());
        }

        @Override
        void cleanup(String namespace) {
            RedisBackdoor.deleteKeys(client(), keyPrefix(namespace));
        }

        /** One pooled client for the run, closed with the JVM, as {@link Mongo}'s. */
        private synchronized UnifiedJedis client() {
            if (client == null) {
                client = RedisClient.create(TestServers.redisUri());
            }
            return client;
        }
    }

    // ---------------------------------------------------------------- memcached

    static final class Memcached extends Backend {
        Memcached() {
            super("memcached");
        }

        @Override
        Map<String, String> settings(String namespace) {
            // A loaded 2-core build machine: the default 500 ms operation timeout is for production latency, not CI.
            return Map.of(
                    "servers",
                    TestServers.memcachedServers(),
                    "key-prefix",
                    keyPrefix(namespace),
                    "operation-timeout",
                    "2s",
                    "connect-timeout",
                    "2s");
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            return MemcachedBackdoor.of(store);
        }
    }

    // ---------------------------------------------------------------- JDBC: H2, PostgreSQL, MariaDB

    static final class Jdbc extends Backend {
        private final String dialect;

        Jdbc(String dialect) {
            super("jdbc-" + dialect, "jdbc");
            this.dialect = dialect;
        }

        String url(String namespace) {
            return switch (dialect) {
                case "h2" -> "jdbc:h2:mem:rel" + namespace + ";DB_CLOSE_DELAY=-1";
                case "postgres" -> TestServers.postgresUrl();
                case "mariadb" -> TestServers.mariadbUrl();
                default -> throw new IllegalArgumentException(dialect);
            };
        }

        static String table(String namespace) {
            return "rel_" + namespace;
        }

        @Override
        Map<String, String> settings(String namespace) {
            return Map.of(
                    "url", url(namespace), "table", table(namespace), "create-schema", "true", "pool.max-size", "16");
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            return JdbcBackdoor.of(store);
        }

        @Override
        void cleanup(String namespace) {
            try (Connection c = DriverManager.getConnection(url(namespace));
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table(namespace));
            } catch (SQLException e) {
                System.out.println("[session-reliability] could not drop " + table(namespace) + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- MongoDB

    static final class Mongo extends Backend {
        private MongoClient client;

        Mongo() {
            super("mongo");
        }

        static String database(String namespace) {
            return "rel_" + namespace;
        }

        @Override
        Map<String, String> settings(String namespace) {
            // The embedded mongo-java-server (no mongod on this machine) uses no index but _id and scans the whole
            // collection under one lock for every other query, so at 10 000 sessions a create can wait seconds behind
            // a sweep; a real mongod answers these from its indexes within the store's default 5 s.
            String timeout = TestServers.server(TestServers.Kind.MONGO).embedded() ? "60s" : "5s";
            return Map.of(
                    "uri",
                    TestServers.mongoUri(),
                    "database",
                    database(namespace),
                    "collection",
                    "sessions",
                    "timeout",
                    timeout);
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            return MongoBackdoor.of(store);
        }

        @Override
        void cleanup(String namespace) {
            client().getDatabase(database(namespace)).drop();
        }

        private synchronized MongoClient client() {
            if (client == null) {
                client = MongoClients.create(TestServers.mongoUri());
            }
            return client;
        }
    }
}
