package io.sessionkit.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.RedisCluster;
import io.sessionkit.testing.TestServers;
import io.sessionkit.testing.TestServers.Kind;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/**
 * One backend under test and the servers it runs on, found as the tests find theirs ({@link TestServers}: an address
 * from the environment, the server at its standard local port, a container, and for MongoDB the embedded
 * mongo-java-server). Redis Cluster comes from {@code SESSIONKIT_BENCH_REDIS_CLUSTER} ({@code host:port,...}) or is
 * started here (three local masters, {@link RedisCluster}); H2 runs in memory, in process.
 *
 * <p>Stores are opened by name through {@link SessionStores#open}, with each backend's documented keys, in a
 * namespace (key prefix, table or collection) of their own, so the benchmarks never touch anybody else's data.
 */
enum Backend {
    LOCAL("local", null),
    REDIS("redis", Kind.REDIS),
    REDIS_CLUSTER("redis-cluster", null),
    MEMCACHED("memcached", Kind.MEMCACHED),
    JDBC_H2("jdbc-h2", null),
    JDBC_POSTGRES("jdbc-postgres", Kind.POSTGRES),
    JDBC_MARIADB("jdbc-mariadb", Kind.MARIADB),
    MONGO("mongo", Kind.MONGO);

    /** Connections per pool, for the store and its raw baseline alike: one per benchmark thread at 16 threads. */
    static final int POOL = 16;

    static final String MONGO_DATABASE = "sessionkit_bench";

    final String id;
    /** The shared test server this backend runs on; null for the in-process ones and the cluster. */
    private final Kind kind;

    Backend(String id, Kind kind) {
        this.id = id;
        this.kind = kind;
    }

    static Backend of(String id) {
        return Arrays.stream(values())
                .filter(b -> b.id.equals(id))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown backend '" + id + "'"));
    }

    /** Finds the servers this backend needs (starting a cluster where that is the fallback). */
    Servers servers() {
        String nodes = System.getenv("SESSIONKIT_BENCH_REDIS_CLUSTER");
        if (kind != null) {
            TestServers.Server s = TestServers.server(kind);
            return new Servers(
                    this,
                    s.address(),
                    s.embedded()
                            ? "embedded mongo-java-server (in-memory, in the benchmark JVM)"
                            : kind.displayName() + " "
                                    + TestServers.redact(s.address()).replaceFirst("\\?.*", ""),
                    POOL,
                    null);
        } else if (this == JDBC_H2) {
            return new Servers(
                    this, "jdbc:h2:mem:sessionkit_bench;DB_CLOSE_DELAY=-1", "H2 in-memory, in-process", POOL, null);
        } else if (this == REDIS_CLUSTER && nodes != null && !nodes.isBlank()) {
            return new Servers(this, nodes.trim(), "Redis Cluster " + nodes.trim(), POOL, null);
        } else if (this == REDIS_CLUSTER) {
            RedisCluster cluster = RedisCluster.start(3, 0, Duration.ofSeconds(5));
            return new Servers(
                    this,
                    String.join(",", cluster.nodes()),
                    "Redis Cluster of 3 local masters started for the run",
                    POOL,
                    cluster);
        }
        return new Servers(this, "", "in-process Caffeine", POOL, null);
    }

    /** Servers at {@code address} (a private server of CommandCounter's), with pools of one connection. */
    Servers servers(String address, String description) {
        return new Servers(this, address, description, 1, null);
    }

    /**
     * The servers of one backend for one benchmark run; closing stops what was started here.
     *
     * @param address the address in the form the store's configuration takes it (URI, JDBC URL, {@code host:port} list)
     * @param description what actually serves, for the report (e.g. "embedded mongo-java-server")
     * @param pool connections per pool of the store and of the raw client
     * @param cluster the Redis Cluster started for this run, or null
     */
    record Servers(Backend backend, String address, String description, int pool, RedisCluster cluster)
            implements AutoCloseable {

        /**
         * The configuration of a store in {@code namespace} whose sessions live {@code ttl}, as {@code sessionkit.*}
         * keys: the same keys an application would set.
         */
        Map<String, String> storeConfig(String namespace, Duration ttl) {
            Map<String, String> c = new HashMap<>();
            String grace = ttl.compareTo(Duration.ofMinutes(1)) < 0 ? "1s" : "60s";
            switch (backend) {
                case LOCAL -> {
                    c.put("sessionkit.store", "local");
                    c.put("sessionkit.local.maximum-size", "100000");
                }
                case REDIS, REDIS_CLUSTER -> {
                    c.put("sessionkit.store", "redis");
                    c.put(backend == REDIS ? "sessionkit.redis.uri" : "sessionkit.redis.cluster.nodes", address);
                    c.put("sessionkit.redis.pool.max-total", Integer.toString(pool));
                    c.put("sessionkit.redis.key-prefix", namespace + ":");
                    c.put("sessionkit.redis.expiry-grace", grace);
                }
                case MEMCACHED -> {
                    c.put("sessionkit.store", "memcached");
                    c.put("sessionkit.memcached.servers", address);
                    c.put("sessionkit.memcached.key-prefix", namespace + ":");
                    c.put("sessionkit.memcached.expiry-grace", grace);
                }
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    c.put("sessionkit.store", "jdbc");
                    c.put("sessionkit.jdbc.url", address);
                    c.put("sessionkit.jdbc.table", table(namespace));
                    c.put("sessionkit.jdbc.create-schema", "true");
                    c.put("sessionkit.jdbc.pool.max-size", Integer.toString(pool));
                    // The sweeper would compete with the measured requests; new-session tables are emptied between
                    // iterations instead.
                    c.put("sessionkit.jdbc.sweep-interval", "0s");
                }
                case MONGO -> {
                    c.put("sessionkit.store", "mongo");
                    c.put("sessionkit.mongo.uri", address);
                    c.put("sessionkit.mongo.database", MONGO_DATABASE);
                    c.put("sessionkit.mongo.collection", table(namespace));
                }
            }
            return c;
        }

        /** Opens a store in {@code namespace}. */
        SessionStore openStore(String namespace, Duration ttl) {
            return SessionStores.open(SessionKitConfig.of(storeConfig(namespace, ttl)));
        }

        /** The raw baseline in {@code namespace}, writing with expiry {@code ttl}. */
        RawClient openRaw(String namespace, Duration ttl) {
            long ttlMillis = ttl.toMillis();
            return switch (backend) {
                case LOCAL -> new RawCaffeine(100_000, ttl);
                case REDIS -> {
                    URI u = URI.create(address);
                    yield RawRedis.standalone(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), ttlMillis);
                }
                case REDIS_CLUSTER -> RawRedis.cluster(List.of(address.split("\\s*,\\s*")), ttlMillis);
                case MEMCACHED -> new RawMemcached(address, (int) Math.max(1, ttl.toSeconds()));
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    // The raw table is made from the store's own schema file: same columns, types and indexes.
                    openStore(namespace, ttl).close();
                    String dataParam = switch (backend) {
                        case JDBC_POSTGRES -> "CAST(? AS jsonb)";
                        case JDBC_H2 -> "? FORMAT JSON";
                        default -> "?";
                    };
                    yield new RawJdbc(address, pool, table(namespace), dataParam, ttlMillis);
                }
                case MONGO -> new RawMongo(address, MONGO_DATABASE, table(namespace), ttlMillis);
            };
        }

        /**
         * Empties a namespace that grows without bound under the new-session benchmark (tables and collections; Redis
         * and memcached expire their short-lived keys by themselves, Caffeine evicts). Never measured.
         */
        void wipe(String namespace) {
            if (backend == MONGO) {
                try (MongoClient client = MongoClients.create(address)) {
                    client.getDatabase(MONGO_DATABASE)
                            .getCollection(table(namespace))
                            .deleteMany(new Document());
                }
            } else if (address.startsWith("jdbc:")) {
                try (Connection c = DriverManager.getConnection(address);
                        Statement s = c.createStatement()) {
                    s.executeUpdate("TRUNCATE TABLE " + table(namespace));
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot empty " + table(namespace) + ": " + e.getMessage(), e);
                }
            }
        }

        static String table(String namespace) {
            return namespace.toLowerCase(Locale.ROOT) + "_sessions";
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }
}
