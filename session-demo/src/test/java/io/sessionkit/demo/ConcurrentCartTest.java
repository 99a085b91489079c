package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sessionkit.demo.Browser.Page;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 9, as a user found it: one session, many "add to cart" requests in flight at once, spread round-robin
 * over two instances that share Redis (what HAProxy in front of two demo instances does). Every addition that is
 * answered "Added" must be in the cart.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConcurrentCartTest {
    private static final int ADDS = 200;

    @Test
    @DisplayName(
            "14.9 200 parallel adds to one cart, round-robin over two instances on Redis: all answered Added, all 200 in the cart")
    void item9_parallelAddsThroughTwoInstancesAllLand(@TempDir Path workDir) throws Exception {
        try (DemoProcess.Pair nodes = DemoProcess.Pair.onSharedRedis(workDir, "sk-demo-race-")) {
            Browser browser = new Browser();
            // The first add creates the session (and its token); then every addition is the same mug, one at a time.
            Page start = browser.addToCart(nodes.a(), "kettle", 1, "");
            String token = start.csrf();

            List<CompletableFuture<Page>> answers = new ArrayList<>();
            for (int i = 0; i < ADDS; i++) {
                DemoProcess target = i % 2 == 0 ? nodes.a() : nodes.b();
                answers.add(
                        browser.postAsync(target.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", token)));
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

            Map<String, Integer> outcomes = new TreeMap<>();
            int added = 0;
            for (CompletableFuture<Page> f : answers) {
                Page p = f.join();
                String outcome = p.status() + " " + p.header("Location").orElse("");
                outcomes.merge(outcome, 1, Integer::sum);
                if (p.status() == 302 && outcome.endsWith("/cart?m=added")) {
                    added++;
                }
            }
            Page onA = browser.get(nodes.a().uri("/cart"));
            Page onB = browser.get(nodes.b().uri("/cart"));
            int mugs = onA.cart().getOrDefault("mug", 0);
            // First the weaker promise, that no answer "Added" is lost; then the one the safe update form keeps: all
            // land.
            assertThat(mugs)
                    .as("mugs in the cart vs additions answered \"Added\"; answers: %s", outcomes)
                    .isEqualTo(added);
            assertThat(outcomes)
                    .as("every one of the %d additions answered \"Added\"", ADDS)
                    .containsExactly(entry("302 /cart?m=added", ADDS));
            assertThat(onA.cart()).containsExactly(entry("kettle", 1), entry("mug", ADDS));
            assertThat(onB.cart()).as("the same cart seen from B").isEqualTo(onA.cart());
            assertThat(browser.sessionCookie()).as("one session throughout").isPresent();
        }
    }
}
