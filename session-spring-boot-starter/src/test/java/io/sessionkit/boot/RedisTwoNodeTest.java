package io.sessionkit.boot;

import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * {@link TwoNodeContract} over the real Redis: {@code sessionkit.store=redis}, the connection from
 * {@code spring.data.redis.url} (the starter maps it), under a key prefix unique to the run.
 */
class RedisTwoNodeTest extends TwoNodeContract {
    private final URI uri = TestServers.redisUri();
    private final String prefix = "sk-boot-2n-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @Override
    Map<String, Object> storeProperties() {
        return Map.of(
                "sessionkit.store",
                "redis",
                "spring.data.redis.url",
                uri.toString(),
                "sessionkit.redis.key-prefix",
                prefix);
    }

    @Override
    void cleanUp() {
        try (Jedis redis = new Jedis(uri, 5_000)) {
            Set<String> keys = redis.keys(prefix + "*");
            if (!keys.isEmpty()) {
                redis.unlink(keys.toArray(String[]::new));
            }
        }
    }
}
