package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sessionkit.demo.Browser.Page;
import io.sessionkit.testing.ServerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Redis of our own, killed and restarted under a running demo: 503 pages meanwhile, no crash, recovery after. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackendDownTest {

    @Test
    @DisplayName("store down: a clear 503 page, the process keeps running, and it recovers when the store returns")
    void storeDownThenBack(@TempDir Path workDir) throws Exception {
        try (ServerProcess redis = ServerProcess.redis("demo-redis")) {
            // Only its port for now: the demo is started before its store, and must come up anyway.
            redis.kill();
            Map<String, String> env = Map.of(
                    "SESSIONKIT_STORE", "redis",
                    "SESSIONKIT_REDIS_URI", "redis://" + redis.hostAndPort(),
                    "SESSIONKIT_REDIS_CONNECT_TIMEOUT", "1s",
                    "SESSIONKIT_REDIS_READ_TIMEOUT", "1s");
            try (DemoProcess demo = DemoProcess.start(workDir, env, "resilient")) {
                storeDownThenBack(demo, redis);
            }
        }
    }

    private static void storeDownThenBack(DemoProcess demo, ServerProcess redis) throws Exception {
        Browser browser = new Browser();
        // The login form needs a session (its CSRF token lives there); the catalog does not, and is served.
        assertUnavailable(browser.get(demo.uri("/login")));
        assertThat(browser.get(demo.uri("/")).status()).isEqualTo(200);

        redis.start();
        Page first = awaitServed(browser, demo);
        assertThat(first.instance()).isEqualTo("resilient");
        assertThat(browser.addToCart(demo, "mug", 1, "").cart()).containsExactly(entry("mug", 1));
        redis.kill();

        // Killed as a crash would: reads and writes answer 503, pages that need no session still work.
        assertUnavailable(browser.get(demo.uri("/cart")));
        assertUnavailable(browser.post(demo.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", "x")));
        assertThat(browser.get(demo.uri("/health")).status()).isEqualTo(200);
        assertThat(new Browser().get(demo.uri("/")).status())
                .as("the catalog, to a visitor without a session")
                .isEqualTo(200);
        assertThat(demo.isAlive()).isTrue();

        redis.start();
        awaitServed(browser, demo);
        // The restarted Redis kept nothing (no persistence), so this is a fresh session that works normally.
        assertThat(browser.addToCart(demo, "kettle", 1, "").cart()).containsExactly(entry("kettle", 1));
        redis.kill();
        assertThat(demo.output()).contains("session store unavailable, answering 503");
    }

    private static void assertUnavailable(Page page) {
        assertThat(page.status()).as(page.body()).isEqualTo(503);
        assertThat(page.byId("problem")).contains("Session store unavailable");
        assertThat(page.header("Retry-After")).contains("5");
        assertThat(page.body()).contains("is still running");
    }

    /**
     * The first request after the store returns may still fail once per pooled connection; poll the login form (a
     * page that needs the store: it creates a session) (bounded) until it is served.
     */
    private static Page awaitServed(Browser browser, DemoProcess demo) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Page page = browser.get(demo.uri("/login"));
        while (page.status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100); // bounded poll (15 s) of the demo process after the real Redis restarts
            page = browser.get(demo.uri("/login"));
        }
        assertThat(page.status())
                .as("served again once the store is back: %s", page.body())
                .isEqualTo(200);
        return page;
    }
}
