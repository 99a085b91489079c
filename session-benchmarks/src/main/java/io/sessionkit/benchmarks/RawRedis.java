package io.sessionkit.benchmarks;

import org.jspecify.annotations.Nullable;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * Raw Jedis on the same kind of client as the store (a pooled {@code RedisClient} or {@code RedisClusterClient}, pool
 * of the store's size, made by {@link Backend}): GET; GET + SET PX; SET NX PX; GET + SET NX PX + DEL.
 */
final class RawRedis extends RawClient<String> {
    private final UnifiedJedis jedis;
    private final long ttlMillis;

    RawRedis(UnifiedJedis jedis, long ttlMillis) {
        super("raw redis");
        this.jedis = jedis;
        this.ttlMillis = ttlMillis;
    }

    @Override
    @Nullable
    String find(String key) {
        return jedis.get(key);
    }

    @Override
    String text(String found) {
        return found;
    }

    @Override
    boolean replace(String key, String found, String value) {
        return "OK".equals(jedis.set(key, value, SetParams.setParams().px(ttlMillis)));
    }

    @Override
    boolean insert(String key, String value) {
        return "OK".equals(jedis.set(key, value, SetParams.setParams().nx().px(ttlMillis)));
    }

    @Override
    void delete(String key) {
        jedis.del(key);
    }

    @Override
    public void close() {
        jedis.close();
    }
}
