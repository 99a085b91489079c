package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sessionkit.demo.Browser.Page;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load-balancing story: one browser alternating between two instances on two ports (cookies ignore the port on
 * localhost) keeps one cart when the instances share a store, and loses it with per-process memory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedStoreTest {

    @Test
    @DisplayName("two instances sharing Redis serve one session alternately")
    void redisIsSharedByTwoInstances(@TempDir Path workDir) throws Exception {
        try (DemoProcess.Pair nodes = DemoProcess.Pair.onSharedRedis(workDir, "sk-demo-test-")) {
            DemoProcess a = nodes.a();
            DemoProcess b = nodes.b();
            Browser browser = new Browser();
            Page p1 = browser.addToCart(a, "mug", 1, "");
            String cookie = browser.sessionCookie().orElseThrow();
            assertThat(p1.instance()).isEqualTo("A");
            assertThat(p1.byId("store")).contains("redis");

            Page p2 = browser.addToCart(b, "kettle", 1, "");
            assertThat(p2.instance()).isEqualTo("B");
            assertThat(p2.cart()).containsExactly(entry("mug", 1), entry("kettle", 1));

            Page p3 = browser.addToCart(a, "mug", 2, "");
            assertThat(p3.instance()).isEqualTo("A");
            assertThat(p3.cart()).containsExactly(entry("mug", 3), entry("kettle", 1));

            Page p4 = browser.get(b.uri("/cart"));
            assertThat(p4.instance()).isEqualTo("B");
            assertThat(p4.cart()).containsExactly(entry("mug", 3), entry("kettle", 1));
            assertThat(browser.sessionCookie()).as("one session throughout").contains(cookie);

            // A login on one instance is a login on both: the rotated id works everywhere.
            browser.logIn(b, "dave");
            Page home = browser.get(a.uri("/"));
            assertThat(home.instance()).isEqualTo("A");
            assertThat(home.user()).contains("dave");
            assertThat(home.byId("cart-count")).contains("4");
        }
    }

    @Test
    @DisplayName("two instances with the local store do not share: the per-process-memory pitfall")
    void localStoreIsNotShared(@TempDir Path workDir) throws Exception {
        Map<String, String> env = Map.of("SESSIONKIT_STORE", "local");
        try (DemoProcess.Pair nodes = DemoProcess.Pair.start(workDir, env)) {
            DemoProcess a = nodes.a();
            DemoProcess b = nodes.b();
            Browser browser = new Browser();
            Page onA = browser.addToCart(a, "grinder", 1, "");
            assertThat(onA.cart()).containsExactly(entry("grinder", 1));
            assertThat(onA.byId("store")).contains("local");
            String cookieFromA = browser.sessionCookie().orElseThrow();

            Page onB = browser.get(b.uri("/cart"));
            assertThat(onB.instance()).isEqualTo("B");
            assertThat(onB.cart()).as("B has never seen A's session").isEmpty();

            // The first change on B needs a session, and B can only start one of its own.
            Page addedOnB = browser.addToCart(b, "mug", 1, "");
            assertThat(addedOnB.cart()).containsExactly(entry("mug", 1));
            assertThat(browser.sessionCookie())
                    .as("B issued a session of its own")
                    .isPresent()
                    .isNotEqualTo(java.util.Optional.of(cookieFromA));

            Page backOnA = browser.get(a.uri("/cart"));
            assertThat(backOnA.cart())
                    .as("the browser now carries B's cookie, so A's cart is out of reach too")
                    .isEmpty();
        }
    }
}
