package io.sessionkit.benchmarks;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Raw Jedis on the same kind of client as the store (a pooled {@code RedisClient} or {@code RedisClusterClient}, pool
 * of {@value #POOL} like the store's): GET; GET + SET PX; SET NX PX; GET + SET NX PX + DEL.
 */
final class RawRedis implements RawClient {
    static final int POOL = 16;

    private final UnifiedJedis jedis;
    private final long ttlMillis;

    private RawRedis(UnifiedJedis jedis, long ttlMillis) {
        this.jedis = jedis;
        this.ttlMillis = ttlMillis;
    }

    static RawRedis standalone(String host, int port, long ttlMillis) {
        return new RawRedis(
                RedisClient.builder()
                        .hostAndPort(new HostAndPort(host, port))
                        .clientConfig(clientConfig())
                        .poolConfig(pool())
                        .build(),
                ttlMillis);
    }

    static RawRedis cluster(List<String> nodes, long ttlMillis) {
        Set<HostAndPort> seeds = nodes.stream().map(HostAndPort::from).collect(Collectors.toSet());
        return new RawRedis(
                RedisClusterClient.builder()
                        .nodes(seeds)
                        .clientConfig(clientConfig())
                        .poolConfig(pool())
                        .build(),
                ttlMillis);
    }

    private static JedisClientConfig clientConfig() {
        return DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(2000)
                .socketTimeoutMillis(2000)
                .build();
    }

    private static ConnectionPoolConfig pool() {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL);
        pool.setMaxIdle(POOL);
        return pool;
    }

    @Override
    public void seed(String key, String value) {
        jedis.set(key, value, SetParams.setParams().px(ttlMillis));
    }

    @Override
    public String read(String key) {
        return required(key);
    }

    @Override
    public void modify(String key, String value) {
        required(key);
        jedis.set(key, value, SetParams.setParams().px(ttlMillis));
    }

    @Override
    public void create(String key, String value) {
        if (!"OK".equals(jedis.set(key, value, SetParams.setParams().nx().px(ttlMillis)))) {
            throw new IllegalStateException("raw redis: key taken");
        }
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        create(newKey, required(oldKey));
        jedis.del(oldKey);
    }

    @Override
    public void delete(String key) {
        jedis.del(key);
    }

    private String required(String key) {
        String v = jedis.get(key);
        if (v == null) {
            throw new IllegalStateException("raw redis: key vanished");
        }
        return v;
    }

    @Override
    public void close() {
        jedis.close();
    }
}
