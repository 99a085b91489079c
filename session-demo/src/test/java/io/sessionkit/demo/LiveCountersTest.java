package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.demo.Browser.Page;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 5: the panel's live counters (created, active, logged out, expired, conflicts), counted from the event
 * SPI, move with real requests. Each test starts an instance of its own on the shared Redis (a store that reports
 * expiry), so its counters start at zero. Events reach the counters off the request thread, so a test reads the panel
 * until the expected figures show, within {@link #SETTLE}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LiveCountersTest {
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final List<String> COUNTERS = List.of("created", "active", "invalidated", "expired", "conflicts");

    /** The counters as the panel shows them to a visitor (a fresh browser: reading them creates no session). */
    private static Map<String, String> counters(DemoProcess demo) throws Exception {
        Page page = new Browser().get(demo.uri("/"));
        assertThat(page.status()).isEqualTo(200);
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : COUNTERS) {
            out.put(name, page.byId("stat-" + name).orElseThrow(() -> new AssertionError("no stat-" + name)));
        }
        return out;
    }

    /** Reads the counters until {@code expected} holds, for at most {@link #SETTLE}; the last reading either way. */
    private static Map<String, String> awaitCounters(DemoProcess demo, Predicate<Map<String, String>> expected)
            throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        Map<String, String> now = counters(demo);
        while (!expected.test(now) && System.nanoTime() < deadline) {
            Thread.sleep(100); // bounded poll (SETTLE) of the demo process, whose events arrive off the request
            now = counters(demo);
        }
        return now;
    }

    private static Map<String, String> figures(long created, long active, long invalidated, long expired) {
        Map<String, String> m = new HashMap<>();
        m.put("created", String.valueOf(created));
        m.put("active", String.valueOf(active));
        m.put("invalidated", String.valueOf(invalidated));
        m.put("expired", String.valueOf(expired));
        return m;
    }

    private static Predicate<Map<String, String>> shows(Map<String, String> figures) {
        return now -> figures.entrySet().stream().allMatch(e -> e.getValue().equals(now.get(e.getKey())));
    }

    @Test
    @DisplayName("17.5 created and active count a session started by a real request, logged out takes it off active; "
            + "parallel adds to one cart show up as conflicts")
    void createdActiveLoggedOutAndConflicts(@TempDir Path workDir) throws Exception {
        try (DemoProcess demo =
                DemoProcess.start(workDir, DemoProcess.onSharedRedis("sk-demo-counters-"), "counters")) {
            assertThat(counters(demo))
                    .as("a fresh instance; browsing the catalog creates no session")
                    .isEqualTo(Map.of(
                            "created", "0", "active", "0", "invalidated", "0", "expired", "0", "conflicts", "0"));

            Browser alice = new Browser();
            String token = alice.addToCart(demo, "mug", 1, "").csrf();
            Map<String, String> one = figures(1, 1, 0, 0);
            assertThat(awaitCounters(demo, shows(one))).containsAllEntriesOf(one);

            Browser bob = new Browser();
            bob.addToCart(demo, "kettle", 1, "");
            assertThat(alice.post(demo.uri("/logout"), Map.of("csrf", token)).status())
                    .isEqualTo(302);
            Map<String, String> afterLogout = figures(2, 1, 1, 0);
            assertThat(awaitCounters(demo, shows(afterLogout))).containsAllEntriesOf(afterLogout);

            // Parallel adds to one session: requests that loaded the same version race at the compare-and-set, and the
            // losers re-run their change (updateAttribute). Rounds until one race was lost, at most ten.
            String bobToken = bob.get(demo.uri("/cart")).csrf();
            int added = 0;
            int sent = 0;
            for (int round = 0; round < 10 && counters(demo).get("conflicts").equals("0"); round++) {
                List<CompletableFuture<Page>> answers = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    answers.add(
                            bob.postAsync(demo.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", bobToken)));
                }
                sent += answers.size();
                for (CompletableFuture<Page> answer : answers) {
                    Page p = answer.get(60, TimeUnit.SECONDS);
                    if (p.status() == 302 && p.header("Location").orElse("").endsWith("/cart?m=added")) {
                        added++;
                    }
                }
            }
            assertThat(added).as("every parallel add answered Added").isEqualTo(sent);
            assertThat(Long.parseLong(counters(demo).get("conflicts")))
                    .as("conflicts after %d parallel adds to one cart", sent)
                    .isPositive();
            assertThat(bob.get(demo.uri("/cart")).cart()).containsEntry("mug", sent);
            assertThat(counters(demo)).containsAllEntriesOf(afterLogout);
        }
    }

    @Test
    @DisplayName("17.5 expired counts a session that timed out once the sweeper collected it, and active drops")
    void expiredAfterTheSweep(@TempDir Path workDir) throws Exception {
        Map<String, String> env = new HashMap<>(DemoProcess.onSharedRedis("sk-demo-expiry-"));
        env.put("SESSIONKIT_MAX_IDLE", "2s");
        env.put("SESSIONKIT_TOUCH_INTERVAL", "1s");
        env.put("SESSIONKIT_REDIS_EXPIRY_GRACE", "0s");
        env.put("SESSIONKIT_SWEEP_INTERVAL", "1s");
        try (DemoProcess demo = DemoProcess.start(workDir, env, "sweeping")) {
            new Browser().addToCart(demo, "grinder", 1, "");
            Map<String, String> created = figures(1, 1, 0, 0);
            assertThat(awaitCounters(demo, shows(created)))
                    .as("created before it expires (2 s idle)")
                    .containsEntry("created", "1");
            Map<String, String> swept = figures(1, 0, 0, 1);
            assertThat(awaitCounters(demo, shows(swept)))
                    .as("2 s idle, no grace, a sweep every second: within %s", SETTLE)
                    .containsAllEntriesOf(swept);
        }
    }
}
