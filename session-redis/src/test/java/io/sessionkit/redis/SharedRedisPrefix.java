package io.sessionkit.redis;

import io.sessionkit.testing.RedisKeys;
import io.sessionkit.testing.TestServers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import redis.clients.jedis.RedisClient;

/**
 * One test's share of the shared Redis ({@link TestServers#redisUri()}): a fresh key prefix, a raw client to inspect
 * what the stores wrote, and the stores opened under the prefix. {@link #close} deletes the prefix's keys and closes
 * the stores and the client. The client connects lazily, so constructing one in a field initializer is cheap.
 */
final class SharedRedisPrefix implements AutoCloseable {
    private final String prefix;
    private final RedisClient raw;
    private final List<RedisSessionStore> stores = new ArrayList<>();

    /** {@code tag} starts the prefix ({@code sk:<tag><random hex>:}) so that leftovers say which test wrote them. */
    SharedRedisPrefix(String tag) {
        this.prefix = "sk:" + tag + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
        this.raw = RedisClient.create(TestServers.redisUri());
    }

    String prefix() {
        return prefix;
    }

    RedisClient raw() {
        return raw;
    }

    /** A store on the shared Redis under {@link #prefix}, closed with this. */
    RedisSessionStore store(Clock clock) {
        RedisSessionStore s = RedisSessionStore.builder()
                .uri(TestServers.redisUri())
                .keyPrefix(prefix)
                .clock(clock)
                .build();
        stores.add(s);
        return s;
    }

    @Override
    public void close() {
        RedisKeys.deleteAll(raw, prefix);
        stores.forEach(RedisSessionStore::close);
        raw.close();
    }
}
