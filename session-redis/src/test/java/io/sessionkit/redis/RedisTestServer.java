package io.sessionkit.redis;

import java.net.URI;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The shared Redis the tests use, resolved as DESIGN.md says: {@code SESSIONKIT_TEST_REDIS} (a {@code redis://} URI
 * or {@code host:port}), then the standard local port, then a failure that says how to provide one. (No Docker
 * engine is assumed, so Testcontainers is not tried.)
 */
final class RedisTestServer {
    private static volatile URI resolved;

    private RedisTestServer() {
    }

    static URI uri() {
        URI u = resolved;
        if (u == null) {
            u = resolve();
            resolved = u;
        }
        return u;
    }

    private static URI resolve() {
        String env = System.getenv("SESSIONKIT_TEST_REDIS");
        URI candidate = env == null || env.isBlank() ? URI.create("redis://127.0.0.1:6379")
                : URI.create(env.contains("://") ? env.trim() : "redis://" + env.trim());
        try (RedisClient c = RedisClient.builder().fromURI(candidate).build()) {
            c.ping();
            return candidate;
        } catch (JedisException e) {
            throw new IllegalStateException("No Redis for the tests at " + candidate.getHost() + ":" + candidate.getPort()
                    + (env == null ? " (the standard local port)" : " (SESSIONKIT_TEST_REDIS)")
                    + ". Start one (`redis-server --port 6379 --save ''`) or set SESSIONKIT_TEST_REDIS=redis://host:port.", e);
        }
    }
}
