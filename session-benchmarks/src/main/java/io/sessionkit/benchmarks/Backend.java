package io.sessionkit.benchmarks;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bson.Document;

/**
 * One backend under test and the servers it runs on, resolved as the tests resolve theirs: an address from the
 * environment ({@code SESSIONKIT_TEST_REDIS}, {@code _MEMCACHED}, {@code _POSTGRES}, {@code _MARIADB}, {@code _MONGO})
 * → the server at its standard local port. Redis Cluster comes from {@code SESSIONKIT_BENCH_REDIS_CLUSTER}
 * ({@code host:port,...}) or is started here (three local masters); MongoDB falls back to the embedded
 * mongo-java-server when nothing answers on 27017.
 *
 * <p>Stores are opened by name through {@link SessionStores#open}, with each backend's documented keys, in a
 * namespace (key prefix, table or collection) of their own, so the benchmarks never touch anybody else's data.
 */
enum Backend {
    LOCAL("local"), REDIS("redis"), REDIS_CLUSTER("redis-cluster"), MEMCACHED("memcached"), JDBC_H2("jdbc-h2"),
    JDBC_POSTGRES("jdbc-postgres"), JDBC_MARIADB("jdbc-mariadb"), MONGO("mongo");

    /** Connections per pool, for the store and its raw baseline alike: one per benchmark thread at 16 threads. */
    static final int POOL = 16;
    static final String MONGO_DATABASE = "sessionkit_bench";

    final String id;

    Backend(String id) {
        this.id = id;
    }

    static Backend of(String id) {
        for (Backend b : values()) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + id + "'");
    }

    static String postgresUrl() {
        String v = System.getenv("SESSIONKIT_TEST_POSTGRES");
        return v == null || v.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test?user=postgres" : v.trim();
    }

    /** Opens the servers this backend needs (starting a cluster or an embedded server where that is the fallback). */
    Servers servers() {
        return new Servers(this);
    }

    /** The servers of one backend for one benchmark run; closing stops what was started here. */
    static final class Servers implements AutoCloseable {
        final Backend backend;
        /** What actually serves, for the report (e.g. "embedded mongo-java-server"). */
        final String description;
        private final List<AutoCloseable> started = new ArrayList<>();
        private String redisUri;
        private List<String> clusterNodes = List.of();
        private String memcachedServers;
        private String jdbcUrl;
        private String mongoUri;

        private Servers(Backend backend) {
            this.backend = backend;
            this.description = switch (backend) {
                case LOCAL -> "in-process Caffeine";
                case REDIS -> {
                    redisUri = env("SESSIONKIT_TEST_REDIS", "redis://127.0.0.1:6379");
                    if (!redisUri.contains("://")) {
                        redisUri = "redis://" + redisUri;
                    }
                    yield "Redis " + redisUri;
                }
                case REDIS_CLUSTER -> {
                    String nodes = System.getenv("SESSIONKIT_BENCH_REDIS_CLUSTER");
                    if (nodes != null && !nodes.isBlank()) {
                        clusterNodes = List.of(nodes.trim().split("\\s*,\\s*"));
                        yield "Redis Cluster " + nodes.trim();
                    }
                    List<LocalServer> cluster = LocalServer.redisCluster(3);
                    started.addAll(cluster);
                    clusterNodes = cluster.stream().map(LocalServer::hostAndPort).toList();
                    yield "Redis Cluster of 3 local masters started for the run";
                }
                case MEMCACHED -> {
                    memcachedServers = env("SESSIONKIT_TEST_MEMCACHED", "127.0.0.1:11211");
                    yield "memcached " + memcachedServers;
                }
                case JDBC_H2 -> {
                    jdbcUrl = "jdbc:h2:mem:sessionkit_bench;DB_CLOSE_DELAY=-1";
                    yield "H2 in-memory, in-process";
                }
                case JDBC_POSTGRES -> {
                    jdbcUrl = env("SESSIONKIT_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
                    yield "PostgreSQL " + withoutQuery(jdbcUrl);
                }
                case JDBC_MARIADB -> {
                    jdbcUrl = env("SESSIONKIT_TEST_MARIADB", "jdbc:mariadb://127.0.0.1:3306/test?user=root");
                    yield "MariaDB " + withoutQuery(jdbcUrl);
                }
                case MONGO -> {
                    String fromEnv = System.getenv("SESSIONKIT_TEST_MONGO");
                    if (fromEnv != null && !fromEnv.isBlank()) {
                        mongoUri = fromEnv.trim();
                        yield "MongoDB " + mongoUri.replaceAll("//[^@/]*@", "//");
                    }
                    if (LocalServer.answers(27017)) {
                        mongoUri = "mongodb://127.0.0.1:27017";
                        yield "mongod 127.0.0.1:27017";
                    }
                    MongoServer server = new MongoServer(new MemoryBackend());
                    InetSocketAddress a = server.bind();
                    started.add(server::shutdownNow);
                    mongoUri = "mongodb://127.0.0.1:" + a.getPort();
                    yield "embedded mongo-java-server (in-memory, in the benchmark JVM)";
                }
            };
        }

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
                    if (backend == REDIS) {
                        c.put("sessionkit.redis.uri", redisUri);
                    } else {
                        c.put("sessionkit.redis.cluster.nodes", String.join(",", clusterNodes));
                    }
                    c.put("sessionkit.redis.pool.max-total", Integer.toString(POOL));
                    c.put("sessionkit.redis.key-prefix", namespace + ":");
                    c.put("sessionkit.redis.expiry-grace", grace);
                }
                case MEMCACHED -> {
                    c.put("sessionkit.store", "memcached");
                    c.put("sessionkit.memcached.servers", memcachedServers);
                    c.put("sessionkit.memcached.key-prefix", namespace + ":");
                    c.put("sessionkit.memcached.expiry-grace", grace);
                }
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    c.put("sessionkit.store", "jdbc");
                    c.put("sessionkit.jdbc.url", jdbcUrl);
                    c.put("sessionkit.jdbc.table", table(namespace));
                    c.put("sessionkit.jdbc.create-schema", "true");
                    c.put("sessionkit.jdbc.pool.max-size", Integer.toString(POOL));
                    // The sweeper would compete with the measured requests; new-session tables are emptied between
                    // iterations instead.
                    c.put("sessionkit.jdbc.sweep-interval", "0s");
                }
                case MONGO -> {
                    c.put("sessionkit.store", "mongo");
                    c.put("sessionkit.mongo.uri", mongoUri);
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
                    URI u = URI.create(redisUri);
                    yield RawRedis.standalone(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), ttlMillis);
                }
                case REDIS_CLUSTER -> RawRedis.cluster(clusterNodes, ttlMillis);
                case MEMCACHED -> new RawMemcached(memcachedServers, (int) Math.max(1, ttl.toSeconds()));
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    // The raw table is made from the store's own schema file: same columns, types and indexes.
                    openStore(namespace, ttl).close();
                    String dataParam = switch (backend) {
                        case JDBC_POSTGRES -> "CAST(? AS jsonb)";
                        case JDBC_H2 -> "? FORMAT JSON";
                        default -> "?";
                    };
                    yield new RawJdbc(jdbcUrl, POOL, table(namespace), dataParam, ttlMillis);
                }
                case MONGO -> new RawMongo(mongoUri, MONGO_DATABASE, table(namespace), ttlMillis);
            };
        }

        /**
         * Empties a namespace that grows without bound under the new-session benchmark (tables and collections; Redis
         * and memcached expire their short-lived keys by themselves, Caffeine evicts). Never measured.
         */
        void wipe(String namespace) {
            switch (backend) {
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
                        s.executeUpdate("TRUNCATE TABLE " + table(namespace));
                    } catch (SQLException e) {
                        throw new IllegalStateException("cannot empty " + table(namespace) + ": " + e.getMessage(), e);
                    }
                }
                case MONGO -> {
                    try (MongoClient client = MongoClients.create(mongoUri)) {
                        client.getDatabase(MONGO_DATABASE).getCollection(table(namespace)).deleteMany(new Document());
                    }
                }
                default -> {
                }
            }
        }

        static String table(String namespace) {
            return namespace.toLowerCase(Locale.ROOT) + "_sessions";
        }

        @Override
        public void close() {
            for (AutoCloseable c : started) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + c + ": " + e);
                }
            }
            started.clear();
        }

        private static String env(String name, String fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : v.trim();
        }

        private static String withoutQuery(String url) {
            int q = url.indexOf('?');
            return q < 0 ? url : url.substring(0, q);
        }
    }
}
