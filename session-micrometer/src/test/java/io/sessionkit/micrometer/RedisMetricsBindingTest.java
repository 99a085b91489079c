package io.sessionkit.micrometer;

import io.sessionkit.SessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.RedisKeys;
import io.sessionkit.testing.TestServers;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import redis.clients.jedis.RedisClient;

/**
 * The binding on standalone Redis (127.0.0.1:6379 or {@code SESSIONKIT_TEST_REDIS}), the backend on main that declares
 * {@code EXPIRY_EVENTS}: the sweep claims, so the expired counter counts. Each test writes under a prefix of its own
 * and removes it after.
 */
class RedisMetricsBindingTest extends MetricsBindingContract {
    private final String prefix =
            "sk:metrics" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";

    @Override
    SessionStore newStore(MutableClock clock) {
        return RedisSessionStore.builder()
                .uri(TestServers.redisUri())
                .keyPrefix(prefix)
                .clock(clock)
                .build();
    }

    /** The test moves its clock past the native TTLs' reach, so what it leaves is removed by hand (SCAN, not KEYS). */
    @AfterEach
    void removeKeys() {
        try (RedisClient raw = RedisClient.create(TestServers.redisUri())) {
            RedisKeys.deleteAll(raw, prefix);
        }
    }
}
