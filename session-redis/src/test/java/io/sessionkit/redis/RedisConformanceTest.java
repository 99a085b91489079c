package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.RedisKeys;
import io.sessionkit.testing.TestServers;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit on standalone Redis (127.0.0.1:6379 or {@code SESSIONKIT_TEST_REDIS}). session-compat runs
 * this class again on Spring Boot 4.0's Jedis 7.0.0, so it uses only API of every Jedis 7.x ({@link RawClients}).
 */
class RedisConformanceTest extends SessionStoreConformanceKit {
    private static UnifiedJedis raw;

    private static synchronized UnifiedJedis raw() {
        if (raw == null) {
            raw = RawClients.standalone(TestServers.redisUri());
        }
        return raw;
    }

    /** Prefixes this class wrote under: removed after the class, as the kit moves clocks hours ahead of native TTLs. */
    private static final List<String> PREFIXES = new CopyOnWriteArrayList<>();

    @AfterAll
    static void removeKeysAndClose() {
        if (raw != null) {
            for (String prefix : PREFIXES) {
                RedisKeys.deleteAll(raw, prefix);
            }
            raw.close();
            raw = null;
        }
        PREFIXES.clear();
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        String prefix = "sk:tck:" + ctx.namespace() + ":";
        PREFIXES.add(prefix);
        raw();
        return RedisSessionStore.builder()
                .uri(TestServers.redisUri())
                .keyPrefix(prefix)
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, raw(), List.of(raw())));
    }

    /** Redis SCAN may return a key again when the server resizes its keyspace table during the scan (README, Scan). */
    @Override
    protected boolean scanMayRepeat() {
        return true;
    }

    /** The README's bound: pages follow SCAN over every key of the server, not only this run's. */
    @Override
    protected int scanCallLimit(int live, int pageSize) {
        return ScanBound.calls(live, pageSize, List.of(raw()));
    }
}
