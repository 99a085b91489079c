package io.sessionkit.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.TestServers;
import io.sessionkit.testing.TestServers.Kind;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/** One backend under test, its raw baseline and the servers it runs on (README "Servers"). */
enum Backend {
    LOCAL("local", "local", null, RawClient::caffeine),
    REDIS("redis", "redis", Kind.REDIS, RawClient::redis),
    REDIS_CLUSTER("redis-cluster", "redis", null, RawClient::redis),
    MEMCACHED("memcached", "memcached", Kind.MEMCACHED, RawClient::memcached),
    JDBC_H2("jdbc-h2", "jdbc", null, RawClient::jdbc),
    JDBC_POSTGRES("jdbc-postgres", "jdbc", Kind.POSTGRES, RawClient::jdbc),
    JDBC_MARIADB("jdbc-mariadb", "jdbc", Kind.MARIADB, RawClient::jdbc),
    MONGO("mongo", "mongo", Kind.MONGO, RawClient::mongo);

    static final int POOL = 16; // connections, store and raw alike: one per benchmark thread at 16 threads

    static final String MONGO_DATABASE = "sessionkit_bench";
    static final String EMBEDDED_MONGO = "embedded mongo-java-server (in-memory, in the benchmark JVM)";

    final String id;
    private final String store;
    /** Null for the in-process ones and the cluster. */
    private final @Nullable Kind kind;

    @SuppressWarnings("ImmutableEnumChecker") // static methods
    private final RawFactory raw;

    private interface RawFactory {
        RawClient<?> open(Servers servers, String namespace, Duration ttl) throws IOException;
    }

    Backend(String id, String store, @Nullable Kind kind, RawFactory raw) {
        this.id = id;
        this.store = store;
        this.kind = kind;
        this.raw = raw;
    }

    static Backend of(String id) {
        return Arrays.stream(values())
                .filter(b -> b.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + id + "'"));
    }

    Servers servers() {
        if (kind != null) {
            TestServers.Server s = TestServers.server(kind);
            String shown =
                    kind.displayName() + " " + TestServers.redact(s.address()).replaceFirst("\\?.*", "");
            return servers(s.address(), s.embedded() ? EMBEDDED_MONGO : shown);
        } else if (this == JDBC_H2) {
            return servers("jdbc:h2:mem:sessionkit_bench;DB_CLOSE_DELAY=-1", "H2 in-memory, in-process");
        } else if (this == REDIS_CLUSTER) {
            String nodes = System.getenv()
                    .getOrDefault("SESSIONKIT_BENCH_REDIS_CLUSTER", "")
                    .trim();
            if (nodes.isEmpty()) {
                throw new IllegalStateException(
                        "set SESSIONKIT_BENCH_REDIS_CLUSTER=host:port,... (RedisClusterForRun)");
            }
            return servers(nodes, "Redis Cluster " + nodes);
        }
        return servers("", "in-process Caffeine");
    }

    private Servers servers(String address, String description) {
        return new Servers(this, address, description, POOL);
    }

    static String table(String namespace) {
        return namespace.toLowerCase(Locale.ROOT) + "_sessions";
    }

    /** Runs {@code sql} on a connection of its own; the first row's columns by label (0 for NULL), if it has rows. */
    static Map<String, Long> sql(String url, String sql) {
        Map<String, Long> m = new TreeMap<>();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                        m.put(rs.getMetaData().getColumnLabel(i), rs.getLong(i));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
        return m;
    }

    /** One backend's servers, addressed as its store's configuration takes it. */
    record Servers(Backend backend, String address, String description, int pool) {

        /** A store in {@code namespace} with the {@code sessionkit.*} keys an application would set. */
        SessionStore openStore(String namespace, Duration ttl) {
            String p = "sessionkit." + backend.store + ".";
            Map<String, String> c = new HashMap<>(Map.of("sessionkit.store", backend.store));
            if (backend == LOCAL) {
                c.put(p + "maximum-size", "100000");
            } else if (backend.store.equals("redis") || backend == MEMCACHED) {
                c.put(p + (backend == REDIS ? "uri" : backend == MEMCACHED ? "servers" : "cluster.nodes"), address);
                c.put(p + "key-prefix", namespace + ":");
                c.put(p + "expiry-grace", ttl.compareTo(Duration.ofMinutes(1)) < 0 ? "1s" : "60s");
                if (backend != MEMCACHED) {
                    c.put(p + "pool.max-total", Integer.toString(pool));
                }
            } else if (backend == MONGO) {
                c.putAll(
                        Map.of(p + "uri", address, p + "database", MONGO_DATABASE, p + "collection", table(namespace)));
            } else {
                c.putAll(Map.of(p + "url", address, p + "table", table(namespace), p + "create-schema", "true"));
                c.put(p + "pool.max-size", Integer.toString(pool));
            }
            return SessionStores.open(SessionKitConfig.of(c));
        }

        RawClient<?> openRaw(String namespace, Duration ttl) throws IOException {
            return backend.raw.open(this, namespace, ttl);
        }

        /** Empties a table or collection (Redis and memcached expire new sessions by themselves, Caffeine evicts). */
        void wipe(String namespace) {
            if (backend == MONGO) {
                try (MongoClient client = MongoClients.create(address)) {
                    client.getDatabase(MONGO_DATABASE)
                            .getCollection(table(namespace))
                            .deleteMany(new Document());
                }
            } else if (address.startsWith("jdbc:")) {
                sql(address, "TRUNCATE TABLE " + table(namespace));
            }
        }
    }
}
