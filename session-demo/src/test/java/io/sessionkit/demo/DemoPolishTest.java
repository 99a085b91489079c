package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.sessionkit.demo.Browser.Page;
import io.sessionkit.testing.TestServers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, item 18: the demo's rough edges, each seen as a browser sees it, against one instance on the embedded
 * default (its H2 file is read directly to see what was stored) and, for the store-dependent menu, one on memcached.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DemoPolishTest {
    private static final Pattern ICON_LINK =
            Pattern.compile("<link rel=\"icon\" type=\"image/svg\\+xml\" href=\"([^\"]+)\">");

    DemoProcess demo;
    Path workDir;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        workDir = dir;
        demo = DemoProcess.start(dir, Map.of(), "polish");
    }

    @AfterAll
    void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    @DisplayName(
            "14.18a browsing the catalog creates no session: no cookie, no store write, until the first add to the cart")
    void item18a_anonymousPagesCreateNoSession() throws Exception {
        Browser visitor = new Browser();
        StoredRows before = storedRows();
        for (String path :
                List.of("/", "/cart", "/", "/style.css", "/favicon.svg", "/favicon.ico", "/no-such-page", "/health")) {
            Page page = visitor.get(demo.uri(path));
            assertThat(page.status()).as(path).isEqualTo(path.equals("/no-such-page") ? 404 : 200);
            assertThat(page.header("Set-Cookie"))
                    .as("Set-Cookie on GET %s", path)
                    .isEmpty();
        }
        Page catalog = visitor.get(demo.uri("/"));
        assertThat(catalog.byId("session-none")).isPresent();
        assertThat(catalog.byId("cart-count")).contains("0");
        assertThat(catalog.csrfIfAny())
                .as("no session, so no token in the forms")
                .isEmpty();
        assertThat(visitor.sessionCookie()).isEmpty();
        assertThat(storedRows()).as("nothing written to the store by browsing").isEqualTo(before);

        // A post from another site (or one that names no origin) does not start a session either.
        Map<String, String> form = Map.of("sku", "mug", "qty", "1");
        for (String origin : new String[] {"http://evil.example", "null", null}) {
            Page refused = visitor.post(demo.uri("/cart/add"), form, origin);
            assertThat(refused.status()).as("post with Origin %s", origin).isEqualTo(403);
            assertThat(refused.header("Set-Cookie")).isEmpty();
        }
        assertThat(storedRows()).isEqualTo(before);

        // The first add to the cart is what creates the session, from the catalog's token-less form.
        Page cart = visitor.submit(demo, catalog, "/cart/add", Map.of("sku", "mug", "qty", "2", "note", ""));
        assertThat(cart.cart()).containsExactly(entry("mug", 2));
        assertThat(visitor.sessionCookie()).get().asString().hasSize(32);
        assertThat(cart.csrfIfAny()).isPresent();
        assertThat(storedRows().count()).isEqualTo(before.count() + 1);
        // From then on the session's token is required, as before.
        assertThat(visitor.post(demo.uri("/cart/add"), form).status()).isEqualTo(403);
    }

    @Test
    @DisplayName("14.18b a cart line at its maximum of 999 is reported as such, never as \"Added\"")
    void item18b_lineAtItsMaximumIsReportedNotAdded() throws Exception {
        Browser browser = new Browser();
        Page page = null;
        for (int i = 0; i < 10; i++) {
            page = browser.addToCart(demo, "papers", 99, "");
        }
        assertThat(page.cart()).containsExactly(entry("papers", 990));
        assertThat(page.byId("flash")).contains("Added to your cart.");

        Page partly = browser.addToCart(demo, "papers", 20, "");
        assertThat(partly.cart()).containsExactly(entry("papers", 999));
        assertThat(partly.byId("flash").orElseThrow())
                .isEqualTo(
                        "Added 9 of the 20 you asked for: Paper filters, 100 is now at 999, the most one line can hold.");

        Page none = browser.addToCart(demo, "papers", 1, "");
        assertThat(none.cart()).containsExactly(entry("papers", 999));
        assertThat(none.byId("flash").orElseThrow())
                .startsWith("Not added: your cart already holds 999 × Paper filters, 100")
                .doesNotContain("Added");
        // Other lines are not affected by one line's maximum.
        assertThat(browser.addToCart(demo, "mug", 1, "").byId("flash")).contains("Added to your cart.");
    }

    @Test
    @DisplayName("14.18c login issues a new CSRF token; the token from before login is refused after it")
    void item18c_loginRotatesTheCsrfToken() throws Exception {
        Browser browser = new Browser();
        Page beforeLogin = browser.addToCart(demo, "kettle", 1, "");
        String oldToken = beforeLogin.csrf();

        Page home = browser.logIn(demo, "erin");
        assertThat(home.user()).contains("erin");
        String newToken = home.csrf();
        assertThat(newToken).isNotEqualTo(oldToken);

        Page refused = browser.post(demo.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", oldToken));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(browser.get(demo.uri("/cart")).cart()).containsExactly(entry("kettle", 1));

        Page accepted = browser.post(demo.uri("/cart/add"), Map.of("sku", "mug", "qty", "1", "csrf", newToken));
        assertThat(accepted.status()).isEqualTo(302);
        assertThat(browser.get(demo.uri("/cart")).cart()).containsExactly(entry("kettle", 1), entry("mug", 1));
    }

    @Test
    @DisplayName("14.18d the login page states the name rule before anyone types, and the refusal repeats it")
    void item18d_loginPageStatesTheNameRule() throws Exception {
        Browser browser = new Browser();
        Page form = browser.get(demo.uri("/login"));
        assertThat(form.body()).doesNotContainIgnoringCase("any name will do");
        String rule = form.byId("name-rule").orElseThrow();
        assertThat(rule)
                .contains("1 to 40 characters")
                .contains("letters A–Z and a–z")
                .contains("digits 0–9")
                .contains(". _ @ -")
                .contains("no spaces");

        for (String refusedName : new String[] {"ann smith", "<b>", "x".repeat(41), "zoë"}) {
            Page refused = browser.post(demo.uri("/login"), Map.of("user", refusedName, "csrf", form.csrf()));
            assertThat(refused.status()).as(refusedName).isEqualTo(400);
            assertThat(refused.body())
                    .as(refusedName)
                    .contains("That name was not accepted. A name is 1 to 40 characters")
                    .contains("no spaces");
            assertThat(refused.user()).isEmpty();
        }
        Page home = browser.submit(demo, form, "/login", Map.of("user", "a.b_c@d-9" + "x".repeat(31)));
        assertThat(home.user()).contains("a.b_c@d-9" + "x".repeat(31));
    }

    @Test
    @DisplayName(
            "14.18e \"Log out everywhere\" is offered where the store indexes sessions by user, memcached included")
    void item18e_logoutEverywhereOnlyWithAPrincipalIndex(@TempDir Path otherDir) throws Exception {
        Browser onJdbc = new Browser();
        Page withIndex = onJdbc.logIn(demo, "fay");
        assertThat(withIndex.body()).contains("action=\"/logout-everywhere\"").contains("action=\"/logout\"");

        String memcached = TestServers.memcachedServers();
        try (DemoProcess mc = DemoProcess.start(
                otherDir, Map.of("SESSIONKIT_STORE", "memcached", "SESSIONKIT_MEMCACHED_SERVERS", memcached), "mc")) {
            Browser laptop = new Browser();
            Browser phone = new Browser();
            Page home = laptop.logIn(mc, "gus");
            phone.logIn(mc, "gus");
            assertThat(home.byId("store")).contains("memcached");
            // memcached keeps a principal index too (session-memcached README), so the button is there and works.
            assertThat(home.body()).contains("action=\"/logout\"").contains("action=\"/logout-everywhere\"");
            laptop.post(mc.uri("/logout-everywhere"), Map.of("csrf", home.csrf()));
            assertThat(phone.get(mc.uri("/")).user()).isEmpty();
            assertThat(laptop.get(mc.uri("/")).user()).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "14.18f every page links a favicon that is served, and /favicon.ico is a real icon; neither touches the session")
    void item18f_faviconIsServed() throws Exception {
        Browser browser = new Browser();
        for (String path : List.of("/", "/cart", "/login", "/no-such-page")) {
            Matcher link = ICON_LINK.matcher(browser.get(demo.uri(path)).body());
            assertThat(link.find()).as("icon link on %s", path).isTrue();
            assertThat(link.group(1)).isEqualTo("/favicon.svg");
        }
        Browser fresh = new Browser();
        HttpResponse<byte[]> svg = fresh.getBytes(demo.uri("/favicon.svg"));
        assertThat(svg.statusCode()).isEqualTo(200);
        assertThat(svg.headers().firstValue("Content-Type")).contains("image/svg+xml");
        assertThat(new String(svg.body(), StandardCharsets.UTF_8))
                .startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"");

        HttpResponse<byte[]> ico = fresh.getBytes(demo.uri("/favicon.ico"));
        assertThat(ico.statusCode()).isEqualTo(200);
        assertThat(ico.headers().firstValue("Content-Type")).contains("image/x-icon");
        ByteBuffer b = ByteBuffer.wrap(ico.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(0)).as("ICONDIR reserved").isZero();
        assertThat(b.getShort(2)).as("type: icon").isEqualTo((short) 1);
        assertThat(b.getShort(4)).as("one image").isEqualTo((short) 1);
        assertThat(b.get(6) & 0xff).as("width").isEqualTo(32);
        assertThat(b.get(7) & 0xff).as("height").isEqualTo(32);
        assertThat(b.getShort(12)).as("bits per pixel").isEqualTo((short) 32);
        int size = b.getInt(14);
        int offset = b.getInt(18);
        assertThat(offset + size).as("the image fills the file").isEqualTo(ico.body().length);
        assertThat(b.getInt(offset)).as("BITMAPINFOHEADER").isEqualTo(40);
        assertThat(ico.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(svg.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(fresh.sessionCookie()).isEmpty();
    }

    // ---- helpers ----

    /** How many sessions the demo's H2 file holds and the sum of their versions: any write changes one of them. */
    record StoredRows(long count, long versions) {}

    private StoredRows storedRows() throws SQLException {
        // AUTO_SERVER: the demo process has the file open, so this connects through it.
        String url =
                "jdbc:h2:file:" + workDir.resolve("data").resolve("sessions").toAbsolutePath() + ";AUTO_SERVER=TRUE";
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*), COALESCE(SUM(version), 0) FROM sessionkit_sessions")) {
            rs.next();
            return new StoredRows(rs.getLong(1), rs.getLong(2));
        }
    }
}
