package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionKitConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The launcher's pure parts, in process: flags, the store description's redaction, the cart's stored form. */
class LauncherPartsTest {

    @Test
    @DisplayName("flags win over PORT/INSTANCE/HOST, which win over the defaults")
    void flagsOverEnvironment() {
        assertThat(Options.parse(new String[0], Map.of())).isEqualTo(new Options("127.0.0.1", 8080, null, false));
        Map<String, String> env = Map.of("PORT", "9000", "INSTANCE", "from-env", "HOST", "0.0.0.0");
        assertThat(Options.parse(new String[0], env)).isEqualTo(new Options("0.0.0.0", 9000, "from-env", false));
        assertThat(Options.parse(new String[] {"--port", "8081", "--instance=B"}, env))
                .isEqualTo(new Options("0.0.0.0", 8081, "B", false));
        assertThat(Options.parse(new String[] {"--help"}, Map.of()).help()).isTrue();
    }

    @Test
    @DisplayName("a bad flag or variable is refused naming it")
    void badValuesNameTheirSource() {
        assertThatThrownBy(() -> Options.parse(new String[] {"--port", "http"}, Map.of()))
                .hasMessageStartingWith("--port:");
        assertThatThrownBy(() -> Options.parse(new String[0], Map.of("PORT", "70000")))
                .hasMessageStartingWith("PORT:");
        assertThatThrownBy(() -> Options.parse(new String[] {"--instance", "<script>"}, Map.of()))
                .hasMessageStartingWith("--instance:");
        assertThatThrownBy(() -> Options.parse(new String[] {"--port"}, Map.of()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Options.parse(new String[] {"--verbose"}, Map.of()))
                .hasMessageContaining("unknown argument");
    }

    @Test
    @DisplayName("the store description shown on every page never carries credentials")
    void storeDescriptionIsRedacted() {
        assertThat(target("redis", "redis.uri", "redis://app:s3cret@cache.internal:6380/2?timeout=5"))
                .isEqualTo("redis://cache.internal:6380/2");
        assertThat(target("jdbc", "jdbc.url", "jdbc:postgresql://db:5432/app?user=app&password=s3cret"))
                .isEqualTo("jdbc:postgresql://db:5432/app");
        SessionKitConfig h2 = SessionKitConfig.of(DemoApp.DEFAULTS);
        assertThat(StoreDescription.of(h2, new Object()).target()).isEqualTo("jdbc:h2:file:./data/sessions");
        assertThat(target("mongo", "mongo.uri", "mongodb://u:s3cret@m1:27017,m2:27017/?replicaSet=rs0"))
                .isEqualTo("mongodb://m1:27017,m2:27017/")
                .doesNotContain("s3cret");
    }

    @Test
    @DisplayName(
            "17.5 the counters: active is created − logged out − expired, never below zero; a store that does not report "
                    + "expiry says so on the panel instead of a zero")
    void countersAndTheirPanel() {
        SessionCounters counters = new SessionCounters();
        io.sessionkit.SessionKey key = new io.sessionkit.SessionKey(io.sessionkit.SessionKey.hash("any"));
        java.time.Instant at = java.time.Instant.EPOCH;
        for (int i = 0; i < 3; i++) {
            counters.onEvent(
                    new io.sessionkit.SessionEvent(io.sessionkit.SessionEvent.Type.CREATED, key, null, null, null, at));
        }
        counters.onEvent(
                new io.sessionkit.SessionEvent(io.sessionkit.SessionEvent.Type.ROTATED, key, key, null, null, at));
        counters.onEvent(new io.sessionkit.SessionEvent(
                io.sessionkit.SessionEvent.Type.INVALIDATED,
                key,
                null,
                null,
                io.sessionkit.SessionEvent.Reason.REQUEST,
                at));
        counters.onEvent(
                new io.sessionkit.SessionEvent(io.sessionkit.SessionEvent.Type.EXPIRED, key, null, null, null, at));
        counters.conflict(1);
        counters.conflict(2);
        assertThat(counters.counts()).isEqualTo(new SessionCounters.Counts(3, 1, 1, 1, 2));
        assertThat(counters.counts().active()).isEqualTo(1);
        assertThat(new SessionCounters.Counts(1, 0, 1, 1, 0).active())
                .as("a session created elsewhere and ended here")
                .isZero();

        StoreDescription store = new StoreDescription("jdbc", "JdbcSessionStore", "jdbc:h2:mem:x");
        String silent =
                Pages.products(Pages.Chrome.bare(new Instance("A", 8080, 1, store, true, false, counters)), null);
        assertThat(silent)
                .contains("id=\"stat-created\">3<")
                .contains("id=\"stat-active\">1<")
                .contains("id=\"stat-conflicts\">2<")
                .contains("id=\"stat-expired\">not reported by this store<");
        String reporting =
                Pages.products(Pages.Chrome.bare(new Instance("A", 8080, 1, store, true, true, counters)), null);
        assertThat(reporting).contains("id=\"stat-expired\">1<").doesNotContain("not reported by this store");
    }

    /** The target shown for {@code sessionkit.store=store} with {@code sessionkit.<key>=value}. */
    private static String target(String store, String key, String value) {
        SessionKitConfig config = SessionKitConfig.of(Map.of("sessionkit.store", store, "sessionkit." + key, value));
        return StoreDescription.of(config, new Object()).target();
    }

    @Test
    @DisplayName("the cart round-trips through its JSON form and skips lines it cannot read")
    void cartStoredForm() {
        Catalog.Product mug = Catalog.find("mug").orElseThrow();
        Catalog.Product kettle = Catalog.find("kettle").orElseThrow();
        Cart cart = Cart.empty().plus(mug, 2, "").plus(kettle, 1, "gift").plus(mug, 1, "for mum");
        assertThat(cart.toAttribute())
                .containsExactly(
                        Map.of("sku", "mug", "qty", 3, "note", "for mum"),
                        Map.of("sku", "kettle", "qty", 1, "note", "gift"));
        assertThat(Cart.from(cart.toAttribute()).toAttribute()).isEqualTo(cart.toAttribute());
        assertThat(cart.itemCount()).isEqualTo(4);
        assertThat(cart.totalCents()).isEqualTo(3 * 1400 + 4900);
        assertThat(cart.without("mug").itemCount()).isEqualTo(1);

        List<Object> stored = List.of(
                Map.of("sku", "gone-from-catalog", "qty", 1),
                Map.of("sku", "mug", "qty", -4),
                "junk",
                Map.of("sku", "papers", "qty", 2L));
        assertThat(Cart.from(stored).toAttribute()).containsExactly(Map.of("sku", "papers", "qty", 2));
        assertThat(Cart.from("not a list").isEmpty()).isTrue();
    }

    @Test
    @DisplayName(
            "14.18b an addition decides once how many fit under 999, re-runs with that number or refuses, and is taken back by its line")
    void item18b_additionDecidesOnceAndUndoesOnlyItsLine() {
        Catalog.Product papers = Catalog.find("papers").orElseThrow();
        Catalog.Product mug = Catalog.find("mug").orElseThrow();
        Cart at990 = Cart.empty().plus(mug, 1, "").plus(papers, 990, "old note");

        CartAddition addition = new CartAddition(papers, 20, "new note");
        Cart after = addition.apply(at990);
        assertThat(after.line(papers).quantity()).isEqualTo(999);
        assertThat(addition.location()).isEqualTo("/cart?m=capped&sku=papers&n=9&of=20");
        // Re-run on a fresher cart (after a conflict): the same 9, never more, so the page stays true ...
        Cart fresher = Cart.empty().plus(mug, 3, "").plus(papers, 980, "old note");
        assertThat(addition.apply(fresher).line(papers).quantity()).isEqualTo(989);
        // ... and where 9 no longer fit, a refusal (409) rather than a page that says what did not happen.
        assertThatThrownBy(() -> addition.apply(Cart.empty().plus(papers, 995, "")))
                .isInstanceOf(SessionConflictException.class);

        // Taken back (an oversize session): its line as it found it, whatever else changed in the cart meanwhile.
        CartAddition again = new CartAddition(papers, 5, "gift");
        Cart added = again.apply(at990).plus(Catalog.find("kettle").orElseThrow(), 1, "");
        Cart undone = again.undo().apply(added);
        assertThat(undone.toAttribute())
                .containsExactly(
                        Map.of("sku", "mug", "qty", 1),
                        Map.of("sku", "papers", "qty", 990, "note", "old note"),
                        Map.of("sku", "kettle", "qty", 1));
        CartAddition fresh = new CartAddition(mug, 2, "");
        assertThat(fresh.undo().apply(fresh.apply(Cart.empty())).isEmpty()).isTrue();

        CartAddition full = new CartAddition(papers, 1, "");
        assertThat(full.apply(after)).isSameAs(after);
        assertThat(full.location()).isEqualTo("/cart?m=full&sku=papers&n=0&of=1");
    }

    @Test
    @DisplayName("pages escape what users and stores provide")
    void pagesEscape() {
        assertThat(Pages.esc("<b onclick='x'>\"&")).isEqualTo("&lt;b onclick=&#39;x&#39;&gt;&quot;&amp;");
    }
}
