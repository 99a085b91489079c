package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sessionkit.demo.Browser.Page;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Login, logout, "log out everywhere" and bad input, against one instance on the embedded default (H2 file in a
 * temporary directory). Each test uses its own browsers, so the tests do not depend on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionBehaviourTest {
    DemoProcess demo;

    @BeforeAll
    void start(@TempDir Path workDir) throws Exception {
        demo = DemoProcess.start(workDir, Map.of(), "solo");
    }

    @AfterAll
    void stop() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    /** A new browser (a cookie jar of its own) that has put {@code qty} of {@code sku} into its cart. */
    private Browser shopperWith(String sku, int qty) throws Exception {
        Browser browser = new Browser();
        browser.addToCart(demo, sku, qty, "");
        return browser;
    }

    @Test
    @DisplayName("a forged or malformed session cookie is never adopted; the first change gets a fresh session")
    void forgedCookieGetsFreshSession() throws Exception {
        String neverIssued = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"; // well-formed: 32 URL-safe base64 characters
        for (String forged : new String[] {neverIssued, "..%2F..%2Fetc%2Fpasswd", "x".repeat(4000)}) {
            Page page = Browser.getWithCookie(demo.uri("/cart"), "SESSION=" + forged);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body())
                    .contains("id=\"cart-empty\"")
                    .contains("id=\"session-none\"")
                    .doesNotContain(forged);
            // Browsing creates no session (item 18): at most the dead id is cleared, never a session id set.
            page.response()
                    .headers()
                    .allValues("Set-Cookie")
                    .forEach(c -> assertThat(c).startsWith("SESSION=;"));

            Page added = Browser.postWithCookie(
                    demo.uri("/cart/add"), "SESSION=" + forged, Map.of("sku", "mug", "qty", "1"));
            assertThat(added.status()).isEqualTo(302);
            String setCookie = added.header("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith("SESSION=").contains("HttpOnly").doesNotContain("SESSION=" + forged + ";");
            assertThat(setCookie.substring("SESSION=".length(), setCookie.indexOf(';')))
                    .hasSize(32);
        }
        // A post with a forged cookie changes nothing: no session, no valid token.
        Browser browser = new Browser();
        Page refused = browser.post(demo.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", "guess"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(browser.get(demo.uri("/cart")).cart()).isEmpty();
        assertThat(demo.isAlive()).isTrue();
    }

    @Test
    @DisplayName("a form post without the session's CSRF token is refused and changes nothing")
    void postWithoutTokenIsRefused() throws Exception {
        Browser browser = shopperWith("mug", 1);
        Page refused =
                browser.post(demo.uri("/cart/add"), Map.of("sku", "kettle", "qty", "1", "csrf", "not-the-token"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.byId("problem")).contains("Please try again");
        assertThat(browser.get(demo.uri("/cart")).cart()).containsExactly(entry("mug", 1));
    }

    @Test
    @DisplayName("an oversize cart gets a clear 413 page, nothing is written and the cart stays as it was")
    void oversizeCartIsRefused() throws Exception {
        Browser browser = new Browser();
        Page before = browser.addToCart(demo, "kettle", 1, "");
        Page tooLarge = browser.post(
                demo.uri("/cart/add"),
                Map.of("sku", "mug", "qty", "1", "note", "x".repeat(300_000), "csrf", before.csrf()));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.byId("problem")).contains("Your cart is too large");
        assertThat(tooLarge.body()).contains("limit 262144 bytes").contains("sessionkit.max-session-size");
        Page after = browser.get(demo.uri("/cart"));
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.cart()).containsExactly(entry("kettle", 1));
        assertThat(demo.isAlive()).isTrue();
    }

    @Test
    @DisplayName("log in moves the session to a new id, keeps the cart and sets the principal; the old id is dead")
    void loginRotatesTheId() throws Exception {
        Browser browser = shopperWith("grinder", 1);
        String before = browser.sessionCookie().orElseThrow();

        Page home = browser.logIn(demo, "alice");
        String after = browser.sessionCookie().orElseThrow();
        assertThat(after).isNotEqualTo(before);
        assertThat(home.user()).contains("alice");
        assertThat(home.byId("flash").orElseThrow()).contains("new id");
        assertThat(home.byId("session-principal")).contains("alice");
        assertThat(browser.get(demo.uri("/cart")).cart()).containsExactly(entry("grinder", 1));

        Page withOldId = Browser.getWithCookie(demo.uri("/cart"), "SESSION=" + before);
        assertThat(withOldId.user()).isEmpty();
        assertThat(withOldId.cart()).isEmpty();
    }

    @Test
    @DisplayName("log out deletes the session from the store and clears the cookie")
    void logoutInvalidates() throws Exception {
        Browser browser = shopperWith("papers", 2);
        Page home = browser.logIn(demo, "bea");
        String id = browser.sessionCookie().orElseThrow();

        Page loggedOut = browser.submit(demo, home, "/logout", Map.of());
        assertThat(loggedOut.user()).isEmpty();
        assertThat(loggedOut.byId("cart-count")).contains("0");
        assertThat(browser.sessionCookie())
                .as("no session after logout until one is needed again")
                .isEmpty();
        assertThat(Browser.getWithCookie(demo.uri("/cart"), "SESSION=" + id).cart())
                .isEmpty();
    }

    @Test
    @DisplayName("log out everywhere deletes every session of the user and no one else's")
    void logoutEverywhere() throws Exception {
        Browser laptop = shopperWith("mug", 1);
        Browser phone = new Browser();
        Browser someoneElse = new Browser();
        Page onLaptop = laptop.logIn(demo, "bob");
        phone.logIn(demo, "bob");
        someoneElse.logIn(demo, "carol");
        assertThat(phone.get(demo.uri("/")).user()).contains("bob");

        Page done = laptop.submit(demo, onLaptop, "/logout-everywhere", Map.of());
        assertThat(done.byId("flash").orElseThrow()).contains("Logged out everywhere: 2 session(s)");
        assertThat(done.user()).isEmpty();
        Page phoneNow = phone.get(demo.uri("/"));
        assertThat(phoneNow.user()).isEmpty();
        assertThat(phoneNow.byId("cart-count")).contains("0");
        assertThat(someoneElse.get(demo.uri("/")).user()).contains("carol");
    }

    @Test
    @DisplayName("the panel shows instance, store and stored metadata, and never the raw session id")
    void panelNeverShowsRawId() throws Exception {
        Browser browser = shopperWith("espresso", 1);
        Page page = browser.get(demo.uri("/cart"));
        String id = browser.sessionCookie().orElseThrow();
        assertThat(page.body()).doesNotContain(id);
        String hashed = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        assertThat(page.byId("session-key")).contains(hashed.substring(0, 8));
        assertThat(page.byId("session-version").orElseThrow()).matches("\\d+");
        assertThat(page.byId("session-expires").orElseThrow()).endsWith("UTC");
        assertThat(page.instance()).isEqualTo("solo");
        assertThat(page.byId("store")).contains("jdbc");
    }

    @Test
    @DisplayName("unknown pages are 404 and the health check answers without a session")
    void notFoundAndHealth() throws Exception {
        Browser browser = new Browser();
        Page missing = browser.get(demo.uri("/no-such-page"));
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.byId("problem")).contains("Not found");
        Page health = browser.get(demo.uri("/health"));
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok solo\n");
        assertThat(health.header("Set-Cookie")).isEmpty();
    }
}
