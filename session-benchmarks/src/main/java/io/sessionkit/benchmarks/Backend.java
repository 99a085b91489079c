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
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;

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
    LOCAL("local", "local", null),
    REDIS("redis", "redis", Kind.REDIS),
    REDIS_CLUSTER("redis-cluster", "redis", null),
    MEMCACHED("memcached", "memcached", Kind.MEMCACHED),
    JDBC_H2("jdbc-h2", "jdbc", null),
    JDBC_POSTGRES("jdbc-postgres", "jdbc", Kind.POSTGRES),
    JDBC_MARIADB("jdbc-mariadb", "jdbc", Kind.MARIADB),
    MONGO("mongo", "mongo", Kind.MONGO);

    /** Connections per pool, for the store and its raw baseline alike: one per benchmark thread at 16 threads. */
    static final int POOL = 16;

    static final String MONGO_DATABASE = "sessionkit_bench";

    final String id;
    /** The {@code sessionkit.store} name. */
    private final String store;
    /** The shared test server this backend runs on; null for the in-process ones and the cluster. */
    private final @Nullable Kind kind;

    Backend(String id, String store, @Nullable Kind kind) {
        this.id = id;
        this.store = store;
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
            String address = TestServers.redact(s.address()).replaceFirst("\\?.*", "");
            return servers(
                    s.address(),
                    s.embedded()
                            ? "embedded mongo-java-server (in-memory, in the benchmark JVM)"
                            : kind.displayName() + " " + address);
        } else if (this == JDBC_H2) {
            return servers("jdbc:h2:mem:sessionkit_bench;DB_CLOSE_DELAY=-1", "H2 in-memory, in-process");
        } else if (this == REDIS_CLUSTER && nodes != null && !nodes.isBlank()) {
            return servers(nodes.trim(), "Redis Cluster " + nodes.trim());
        } else if (this == REDIS_CLUSTER) {
            RedisCluster cluster = RedisCluster.start(3, 0, Duration.ofSeconds(5));
            String started = String.join(",", cluster.nodes());
            return new Servers(this, started, "Redis Cluster of 3 local masters started for the run", POOL, cluster);
        }
        return servers("", "in-process Caffeine");
    }

    private Servers servers(String address, String description) {
        return new Servers(this, address, description, POOL, null);
    }

    /**
     * The servers of one backend for one benchmark run; closing stops what was started here.
     *
     * @param address the address in the form the store's configuration takes it (URI, JDBC URL, {@code host:port} list)
     * @param description what actually serves, for the report (e.g. "embedded mongo-java-server")
     * @param pool connections per pool of the store and of the raw client (1 on CommandCounter's private servers)
     * @param cluster the Redis Cluster started for this run, or null
     */
    record Servers(
            Backend backend,
            String address,
            String description,
            int pool,
            @Nullable RedisCluster cluster) implements AutoCloseable {

        /**
         * The configuration of a store in {@code namespace} whose sessions live {@code ttl}, as {@code sessionkit.*}
         * keys: the same keys an application would set.
         */
        Map<String, String> storeConfig(String namespace, Duration ttl) {
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
                // The sweeper would compete with the measured requests; new-session tables are emptied between
                // iterations instead.
                c.put(p + "sweep-interval", "0s");
            }
            return c;
        }

        /** Opens a store in {@code namespace}. */
        SessionStore openStore(String namespace, Duration ttl) {
            return SessionStores.open(SessionKitConfig.of(storeConfig(namespace, ttl)));
        }

        /** The raw baseline in {@code namespace}, writing with expiry {@code ttl}. */
        RawClient<?> openRaw(String namespace, Duration ttl) {
            long ttlMillis = ttl.toMillis();
            JedisClientConfig redisConfig = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(2000)
                    .socketTimeoutMillis(2000)
                    .build();
            ConnectionPoolConfig redisPool = new ConnectionPoolConfig();
            redisPool.setMaxTotal(pool);
            redisPool.setMaxIdle(pool);
            return switch (backend) {
                case LOCAL -> new RawCaffeine(100_000, ttl);
                case REDIS -> {
                    URI u = URI.create(address);
                    HostAndPort node = new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort());
                    yield new RawRedis(
                            RedisClient.builder()
                                    .hostAndPort(node)
                                    .clientConfig(redisConfig)
                                    .poolConfig(redisPool)
                                    .build(),
                            ttlMillis);
                }
                case REDIS_CLUSTER ->
                    new RawRedis(
                            RedisClusterClient.builder()
                                    .nodes(Arrays.stream(address.split("\\s*,\\s*"))
                                            .map(HostAndPort::from)
                                            .collect(Collectors.toSet()))
                                    .clientConfig(redisConfig)
                                    .poolConfig(redisPool)
                                    .build(),
                            ttlMillis);
                case MEMCACHED -> new RawMemcached(address, (int) Math.max(1, ttl.toSeconds()));
                case MONGO -> new RawMongo(address, MONGO_DATABASE, table(namespace), ttlMillis);
                case JDBC_H2, JDBC_POSTGRES, JDBC_MARIADB -> {
                    // The raw table is made from the store's own schema file: same columns, types and indexes.
                    openStore(namespace, ttl).close();
                    String dataParam =
                            backend == JDBC_POSTGRES ? "CAST(? AS jsonb)" : backend == JDBC_H2 ? "? FORMAT JSON" : "?";
                    yield new RawJdbc(address, pool, table(namespace), dataParam, ttlMillis);
                }
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
