package io.sessionkit.boot;

import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.util.Map;
import java.util.UUID;

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
        Cleanup.redisKeys(uri, prefix);
    }
}
