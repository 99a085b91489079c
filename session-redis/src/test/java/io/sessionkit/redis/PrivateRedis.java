package io.sessionkit.redis;

import io.sessionkit.testing.ServerProcess;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.RedisClient;

/**
 * A private {@code redis-server} for one test class, so that its keyspace and {@code INFO commandstats} hold only that
 * class's commands, with a raw admin client: a JUnit extension the class registers in a static field
 * ({@code @RegisterExtension}). Started before the class's own {@code @BeforeAll}, stopped after its {@code @AfterAll}.
 */
final class PrivateRedis implements BeforeAllCallback, AfterAllCallback {
    private final String name;
    private @Nullable ServerProcess server;
    private @Nullable RedisClient admin;

    /** {@code name} names the server's process and directory ({@link ServerProcess#redis}). */
    PrivateRedis(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        ServerProcess started = ServerProcess.redis(name);
        server = started;
        admin = RedisClient.create("127.0.0.1", started.port());
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            TestResources.closeAll(admin, server);
        } finally {
            admin = null;
            server = null;
        }
    }

    /** A raw client on the server, for what the test plants, reads or counts there. */
    RedisClient admin() {
        return Objects.requireNonNull(admin, "admin: the extension has not started");
    }

    /** {@code redis://host:port} of the server. */
    String uri() {
        return "redis://"
                + Objects.requireNonNull(server, "server: the extension has not started")
                        .hostAndPort();
    }
}
