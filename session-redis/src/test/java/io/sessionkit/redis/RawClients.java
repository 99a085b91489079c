package io.sessionkit.redis;

import java.net.URI;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.UnifiedJedis;

/**
 * Raw clients (beside the store, for looking at what it wrote) for the tests that session-compat also runs on Spring
 * Boot 4.0's Jedis 7.0.0: {@code RedisClient} and {@code RedisClusterClient} only exist from Jedis 7.2, so these tests
 * use {@code JedisPooled} and {@code JedisCluster}, which every Jedis 7.x has (and 7.2 deprecates).
 */
final class RawClients {
    private RawClients() {}

    /** A pooled client of the server at {@code uri} (user, password and database from the URI). */
    @SuppressWarnings("deprecation") // JedisPooled: see the class comment
    static UnifiedJedis standalone(URI uri) {
        return new JedisPooled(uri);
    }

    /** A pooled client of one server, for example one node of a cluster. */
    @SuppressWarnings("deprecation") // JedisPooled: see the class comment
    static UnifiedJedis standalone(HostAndPort server) {
        return new JedisPooled(server);
    }

    /** A cluster client that learns the topology from {@code seed}. */
    @SuppressWarnings("deprecation") // JedisCluster: see the class comment
    static UnifiedJedis cluster(HostAndPort seed) {
        return new JedisCluster(seed);
    }
}
