package io.sessionkit.sample;

import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * {@link TwoInstanceContract} on the real Redis, switched with the README's properties ({@code sessionkit.store=redis},
 * {@code spring.data.redis.url}), under a key prefix of this run's own.
 */
class RedisTwoInstanceTest extends TwoInstanceContract {
    private final URI redis = TestServers.redisUri();
    private final String prefix = "sk-sample-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @Override
    Map<String, String> storeProperties() {
        return Map.of(
                "sessionkit.store",
                "redis",
                "spring.data.redis.url",
                redis.toString(),
                "sessionkit.redis.key-prefix",
                prefix);
    }

    @Override
    void cleanUp() {
        try (Jedis jedis = new Jedis(redis, 5_000)) {
            for (String key : jedis.keys(prefix + "*")) {
                jedis.unlink(key);
            }
        }
    }
}
