package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import redis.clients.jedis.RedisClient;

/** The whole conformance kit on standalone Redis (127.0.0.1:6379 or {@code SESSIONKIT_TEST_REDIS}). */
class RedisConformanceTest extends SessionStoreConformanceKit {
    private static RedisClient raw;

    private static synchronized RedisClient raw() {
        if (raw == null) {
            raw = RedisClient.builder().fromURI(RedisTestServer.uri()).build();
        }
        return raw;
    }

    @AfterAll
    static void closeRaw() {
        if (raw != null) {
            raw.close();
            raw = null;
        }
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        return RedisSessionStore.builder()
                .uri(RedisTestServer.uri())
                .keyPrefix("sk:tck:" + ctx.namespace() + ":")
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, raw(), List.of(raw())));
    }
}
