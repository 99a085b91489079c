package io.sessionkit.redis;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.JedisSentineled;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.providers.SentineledConnectionProvider;

/**
 * The Jedis clients the store builds and recognises, written for every Jedis it supports ({@link JedisVersion}: 7.0 to
 * before 8.0).
 *
 * <p>Spring Boot 4.0 manages Jedis 7.0.0, whose clients are {@code JedisPooled}, {@code JedisCluster} and
 * {@code JedisSentineled}. Jedis 7.2 added {@code RedisClient}, {@code RedisClusterClient} and
 * {@code RedisSentinelClient} and deprecated the first three; 8.0 removed {@code JedisPooled} and
 * {@code JedisSentineled}. So the only clients present across the whole range are the first three: the store builds
 * those, with the deprecation suppressed method by method here and nowhere else. Nothing in the store names a class newer
 * than 7.0 where 7.0 would run it: a {@code RedisClusterClient} passed in is recognised by its class name, and its nodes
 * are read through {@link Since72}, loaded only when such a client exists.
 */
final class JedisClients {
    private static final String REDIS_CLUSTER_CLIENT = "redis.clients.jedis.RedisClusterClient";
    private static final boolean SENTINEL_POOLS_REACHABLE =
            declares(SentineledConnectionProvider.class, "getConnectionMap");

    private JedisClients() {}

    /** A client the store built, and how to drop its pool's idle connections. */
    record Owned(UnifiedJedis client, Runnable clearIdleConnections) {}

    /** A pooled client of one server. */
    @SuppressWarnings("deprecation") // JedisPooled: the one pooled standalone client of Jedis 7.0 and 7.1 (see above)
    static Owned standalone(HostAndPort server, JedisClientConfig config, ConnectionPoolConfig pool) {
        JedisPooled c = JedisPooled.builder()
                .hostAndPort(server)
                .clientConfig(config)
                .poolConfig(pool)
                .build();
        return new Owned(c, () -> c.getPool().clear());
    }

    /** A cluster client; asks {@code seeds} for the topology now. */
    @SuppressWarnings("deprecation") // JedisCluster: the one cluster client of Jedis 7.0 and 7.1 (see above)
    static UnifiedJedis cluster(
            Set<HostAndPort> seeds,
            JedisClientConfig config,
            ConnectionPoolConfig pool,
            int maxAttempts,
            Duration maxTotalRetries) {
        return JedisCluster.builder()
                .nodes(seeds)
                .clientConfig(config)
                .poolConfig(pool)
                .maxAttempts(maxAttempts)
                .maxTotalRetriesDuration(maxTotalRetries)
                .build();
    }

    /**
     * Follows master {@code master} through {@code sentinels}, re-subscribing to them {@code retryWaitMillis} after a
     * lost subscription. Built by the store rather than by a client builder, so that it can reach the master's pool.
     */
    @SuppressWarnings("deprecation") // Jedis 7.5 takes a Delay instead of the wait in milliseconds, which 7.0 lacks
    static SentineledConnectionProvider sentinelProvider(
            String master,
            JedisClientConfig config,
            ConnectionPoolConfig pool,
            Set<HostAndPort> sentinels,
            JedisClientConfig sentinelConfig,
            long retryWaitMillis) {
        return new SentineledConnectionProvider(master, config, pool, sentinels, sentinelConfig, retryWaitMillis);
    }

    /** A client of the master that {@code provider} follows through the Sentinels. */
    @SuppressWarnings("deprecation") // JedisSentineled: the one Sentinel client of Jedis 7.0 and 7.1 (see above)
    static UnifiedJedis sentinel(SentineledConnectionProvider provider) {
        return new JedisSentineled(provider);
    }

    /**
     * The pools of {@code provider}'s master (for dropping idle connections). Jedis 7.1 added
     * {@code SentineledConnectionProvider.getConnectionMap()}; on 7.0 the pool is private and this is empty, so after a
     * master restart each idle connection may fail one call before the pool replaces it. (7.0 inherits a default
     * {@code getConnectionMap()} from {@code ConnectionProvider} that borrows a connection and never returns it: never
     * called.)
     */
    static Collection<?> sentinelPools(SentineledConnectionProvider provider) {
        return SENTINEL_POOLS_REACHABLE ? provider.getConnectionMap().values() : List.of();
    }

    /**
     * Switches TLS on ({@code rediss://}) with this socket factory and these handshake parameters (which carry
     * hostname verification), or off when {@code factory} is {@code null}. Jedis 7.5 deprecates {@code ssl(boolean)}, {@code sslSocketFactory} and
     * {@code sslParameters} for {@code sslOptions}, which 7.0 lacks and whose defaults are not the same settings; 7.5
     * still honours the three when no {@code sslOptions} is set, so they are kept: a {@code rediss://} URI means the
     * same on every supported Jedis.
     */
    @SuppressWarnings("deprecation") // see above
    static void ssl(
            DefaultJedisClientConfig.Builder config, @Nullable SSLSocketFactory factory, SSLParameters parameters) {
        config.ssl(factory != null);
        if (factory != null) {
            config.sslSocketFactory(factory).sslParameters(parameters);
        }
    }

    /**
     * The members of sorted set {@code key} scored after {@code score}, with one {@code ZRANGEBYSCORE}. Jedis 7.5
     * deprecates {@code zrangeByScore} (as Redis 6.2 does the command) for {@code ZRANGE ... BYSCORE}; kept because the
     * index script runs {@code ZRANGE} itself, and the command budgets (commandstats counted by command name) tell the
     * store's own commands from a script's by their names.
     */
    @SuppressWarnings("deprecation") // see above
    static List<String> membersScoredAfter(UnifiedJedis jedis, String key, long score) {
        return jedis.zrangeByScore(key, "(" + score, "+inf");
    }

    /** Whether a client passed in talks to a Redis Cluster: a {@code JedisCluster} or (Jedis 7.2+) {@code RedisClusterClient}. */
    @SuppressWarnings("deprecation") // JedisCluster: what a caller on Jedis 7.0 or 7.1 passes
    static boolean isCluster(UnifiedJedis client) {
        if (client instanceof JedisCluster) {
            return true;
        }
        for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(REDIS_CLUSTER_CLIENT)) {
                return true;
            }
        }
        return false;
    }

    /** The connection pools of every node of a cluster client (one {@link #isCluster} accepts), by {@code host:port}. */
    @SuppressWarnings("deprecation") // JedisCluster: see isCluster
    static Map<String, ConnectionPool> clusterNodes(UnifiedJedis client) {
        return client instanceof JedisCluster c ? c.getClusterNodes() : Since72.clusterNodes(client);
    }

    /** Whether {@code type} itself declares (not inherits) the public method {@code name()}. */
    private static boolean declares(Class<?> type, String name) {
        try {
            return type.getMethod(name).getDeclaringClass() == type;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** Names {@code RedisClusterClient} (Jedis 7.2+): loaded only once such a client was passed in, never on 7.0. */
    private static final class Since72 {
        private Since72() {}

        static Map<String, ConnectionPool> clusterNodes(UnifiedJedis client) {
            return ((RedisClusterClient) client).getClusterNodes();
        }
    }
}
