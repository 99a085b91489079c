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

/** The Quick start's promise: no configuration, an H2 file under ./data, and the cart survives a restart. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedDefaultTest {

    @Test
    @DisplayName("with no configuration the cart is kept in ./data and survives a restart; a second instance shares it")
    void cartSurvivesRestart(@TempDir Path workDir) throws Exception {
        Browser browser = new Browser();
        try (DemoProcess first = DemoProcess.start(workDir, Map.of(), "first")) {
            browser.addToCart(first, "mug", 2, "for mum");
            Page cart = browser.addToCart(first, "espresso", 1, "");
            assertThat(cart.cart()).containsExactly(entry("mug", 2), entry("espresso", 1));
            assertThat(cart.instance()).isEqualTo("first");
            assertThat(cart.byId("store")).contains("jdbc");
            assertThat(cart.body()).contains("jdbc:h2:file:./data/sessions").contains("for mum");
        }
        assertThat(workDir.resolve("data").resolve("sessions.mv.db")).isRegularFile();

        try (DemoProcess second = DemoProcess.start(workDir, Map.of(), "second")) {
            Page cart = browser.get(second.uri("/cart"));
            assertThat(cart.status()).isEqualTo(200);
            assertThat(cart.instance()).isEqualTo("second");
            assertThat(cart.cart())
                    .as("the cart after a restart")
                    .containsExactly(entry("mug", 2), entry("espresso", 1));

            // AUTO_SERVER: an instance started next to it opens the same file through the first one.
            try (DemoProcess third = DemoProcess.start(workDir, Map.of(), "third")) {
                Page onThird = browser.addToCart(third, "papers", 3, "");
                assertThat(onThird.instance()).isEqualTo("third");
                assertThat(onThird.cart()).containsExactly(entry("mug", 2), entry("espresso", 1), entry("papers", 3));
            }
            assertThat(browser.get(second.uri("/cart")).cart()).containsEntry("papers", 3);
        }
    }
}
