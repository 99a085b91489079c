package io.sessionkit.boot;

import static io.sessionkit.testing.Browser.csrfField;
import static io.sessionkit.testing.Browser.form;
import static io.sessionkit.testing.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.testing.Browser;
import io.sessionkit.testing.OverSharedStores;
import io.sessionkit.testing.RunNamespace;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes of {@link LoginApp} (separate Spring Boot contexts and embedded Tomcats on random ports) per setting of
 * {@code maxSessionsPreventsLogin}, all four on one shared store, configured by properties only: the starter, the
 * default JSON codec, Spring Security form login with CSRF, {@code maximumSessions(1)}. Real browsers: one
 * {@link Browser} (one cookie jar) per user agent, used on both nodes. Run over the real Redis
 * ({@code sessionkit.store=redis}, the connection from {@code spring.data.redis.url}, which the starter maps) and over
 * the real PostgreSQL (no {@code sessionkit.store}: the store inferred from the app's {@code DataSource}), each in a
 * namespace unique to the run.
 */
@OverSharedStores
class TwoNodeTest {
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private ConfigurableApplicationContext strictA;
    private ConfigurableApplicationContext strictB;

    @Parameter
    private RunNamespace store;

    static Stream<RunNamespace> stores() {
        return Stream.of(
                RunNamespace.redis("sk-boot-2n")
                        .with(
                                "sessionkit.store=redis",
                                "spring.data.redis.url={server}",
                                "sessionkit.redis.key-prefix={name}"),
                // No sessionkit.store: the store is inferred from the app's DataSource.
                RunNamespace.postgres("sk_boot_2n")
                        .with(
                                "spring.datasource.url={server}",
                                "sessionkit.jdbc.table={name}",
                                "sessionkit.jdbc.create-schema=true"));
    }

    private static ConfigurableApplicationContext node(Map<String, String> store, boolean preventsLogin) {
        Map<String, Object> properties = new LinkedHashMap<>(store);
        properties.put("test.prevents-login", preventsLogin);
        return LoginApp.start(properties);
    }

    private static URI uri(ConfigurableApplicationContext node, String path) {
        return URI.create("http://127.0.0.1:" + LoginApp.port(node) + path);
    }

    @BeforeParameterizedClassInvocation(injectArguments = false)
    void startNodes() {
        a = node(store.properties(), false);
        b = node(store.properties(), false);
        strictA = node(store.properties(), true);
        strictB = node(store.properties(), true);
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stopNodes() {
        try {
            for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b, strictA, strictB}) {
                if (node != null) {
                    node.close();
                }
            }
        } finally {
            store.cleanUp();
        }
    }

    /** GET /login, then POST the form with its CSRF token; returns the POST's response. */
    static HttpResponse<String> logIn(Browser browser, ConfigurableApplicationContext node, String user) {
        HttpResponse<String> page = browser.get(uri(node, "/login"));
        assertThat(page.statusCode()).isEqualTo(200);
        return browser.post(
                uri(node, "/login"), form("username", user, "password", LoginApp.PASSWORD, "_csrf", csrfField(page)));
    }

    /** A new browser, logged in as {@code user} on {@code node} (redirected home). */
    private static Browser loggedIn(ConfigurableApplicationContext node, String user) {
        Browser browser = new Browser();
        assertRedirect(logIn(browser, node, user), uri(node, "/"));
        return browser;
    }

    private static void assertRedirect(HttpResponse<String> response, URI target) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        assertThat(location(response)).isEqualTo(target);
    }

    private static void assertLoggedIn(Browser browser, ConfigurableApplicationContext node, String user) {
        HttpResponse<String> me = browser.get(uri(node, "/me"));
        assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
        assertThat(me.body()).isEqualTo(user);
    }

    private static void assertLoggedOut(Browser browser, ConfigurableApplicationContext node) {
        assertRedirect(browser.get(uri(node, "/me")), uri(node, "/login"));
    }

    @Test
    @DisplayName("log in on A: authenticated on B, one session under the principal; log out on B ends it on A")
    void loginOnOneNodeWorksOnTheOther() {
        Browser browser = loggedIn(a, "alice");
        assertLoggedIn(browser, b, "alice");
        assertThat(browser.get(uri(a, "/counter")).body()).isEqualTo("1");
        assertThat(browser.get(uri(b, "/counter")).body()).isEqualTo("2");
        // The starter set the principal from the login: both nodes find the session under it.
        assertThat(a.getBean(SessionManager.class).findByPrincipal("alice")).hasSize(1);
        assertThat(b.getBean(SessionManager.class).findByPrincipal("alice")).hasSize(1);

        String csrf = browser.get(uri(a, "/csrf")).body();
        assertRedirect(browser.post(uri(b, "/logout"), form("_csrf", csrf)), uri(b, "/login?logout"));
        assertLoggedOut(browser, a);
        assertThat(a.getBean(SessionManager.class).findByPrincipal("alice")).isEmpty();
    }

    @Test
    @DisplayName("maximumSessions(1), maxSessionsPreventsLogin(true): a second login on the other node is refused")
    void secondLoginRefused() {
        Browser first = new Browser();
        Browser second = new Browser();
        assertRedirect(logIn(first, strictA, "bob"), uri(strictA, "/"));
        assertRedirect(logIn(second, strictB, "bob"), uri(strictB, "/login?error"));
        assertLoggedOut(second, strictB);
        assertLoggedIn(first, strictB, "bob");
        assertThat(strictB.getBean(SessionManager.class).findByPrincipal("bob")).hasSize(1);
    }

    @Test
    @DisplayName("maximumSessions(1), maxSessionsPreventsLogin(false): a login on the other node expires the first")
    void secondLoginExpiresTheFirst() {
        Browser first = new Browser();
        Browser second = new Browser();
        assertRedirect(logIn(first, a, "carol"), uri(a, "/"));
        assertLoggedIn(first, a, "carol");
        assertRedirect(logIn(second, b, "carol"), uri(b, "/"));
        assertLoggedIn(second, a, "carol");
        assertLoggedOut(first, a);
        assertLoggedOut(first, b);
        assertThat(a.getBean(SessionManager.class).findByPrincipal("carol")).hasSize(1);
    }

    @Test
    @DisplayName("actuator: the store's health; the sessions endpoint lists a user's sessions (short keys, metadata) "
            + "and ends one, or all, on another node")
    void actuator() {
        Browser admin = loggedIn(a, "admin");
        HttpResponse<String> health = admin.get(uri(b, "/actuator/health"));
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body())
                .containsPattern(
                        "\"sessionKit\":\\{\"details\":\\{\"store\":\"\\w+SessionStore\",\"latency\":\"\\d+ms\"},\"status\":\"UP\"}");

        Browser dave = loggedIn(b, "dave");
        assertThat(dave.get(uri(a, "/counter")).body()).isEqualTo("1");
        String daveCookie = dave.cookie("SESSION").orElseThrow();
        HttpResponse<String> list = admin.get(uri(a, "/actuator/sessions?principal=dave"));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(list.body())
                .contains("\"principal\":\"dave\"", "\"createdAt\"", "\"lastAccessedAt\"", "\"expiresAt\"")
                .doesNotContain(daveCookie)
                .doesNotContain("counter");
        java.util.regex.Matcher key =
                java.util.regex.Pattern.compile("\"key\":\"([^\"]+)\"").matcher(list.body());
        assertThat(key.find()).as(list.body()).isTrue();
        String shortKey = key.group(1);
        assertThat(shortKey).hasSize(SessionsEndpoint.SHORT_KEY_LENGTH);
        assertThat(key.find()).as("one session").isFalse();

        // Spring Security's default header for the CSRF token
        Map<String, String> csrf =
                Map.of("X-CSRF-TOKEN", admin.get(uri(a, "/csrf")).body());
        HttpResponse<String> deleted = admin.delete(uri(b, "/actuator/sessions/dave/" + shortKey), csrf);
        assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("1");
        assertLoggedOut(dave, a);

        Browser erin = loggedIn(a, "erin");
        HttpResponse<String> all = admin.delete(uri(b, "/actuator/sessions?principal=erin"), csrf);
        assertThat(all.statusCode()).as(all.body()).isEqualTo(200);
        assertThat(all.body()).isEqualTo("1");
        assertLoggedOut(erin, b);
        assertThat(admin.get(uri(a, "/actuator/sessions?principal=erin")).body())
                .isEqualTo("[]");
        assertLoggedIn(admin, b, "admin");
    }
}
