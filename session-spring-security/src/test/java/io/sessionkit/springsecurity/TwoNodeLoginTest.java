package io.sessionkit.springsecurity;

import static io.sessionkit.testing.Browser.csrfField;
import static io.sessionkit.testing.Browser.form;
import static io.sessionkit.testing.Browser.location;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.servlet.SessionFilterConfig;
import io.sessionkit.testing.Browser;
import io.sessionkit.testing.OverSharedStores;
import io.sessionkit.testing.RunNamespace;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two nodes of {@link LoginApp} (two Spring Boot contexts, two embedded Tomcats on random ports, each with its own
 * {@code SessionManager}) share one store; one browser (one cookie jar) moves between them. The JSON codec is the
 * default ({@code sessionkit.codec} unset); {@code sessionkit.codec.types=spring-security} is the only codec setting.
 * Run over a real Redis ({@code sessionkit.store=redis}) and a real PostgreSQL ({@code sessionkit.store=jdbc}, a table
 * the first node creates), each in a namespace unique to the run; the test reads what the store holds through a store
 * of its own opened from the same keys.
 */
@OverSharedStores
class TwoNodeLoginTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SESSION = SessionFilterConfig.DEFAULT_COOKIE_NAME;

    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private URI nodeA;
    private URI nodeB;

    @Parameter
    private RunNamespace store;

    static Stream<RunNamespace> stores() {
        return Stream.of(
                RunNamespace.redis("sk-spring-test")
                        .with(
                                "sessionkit.store=redis",
                                "sessionkit.redis.uri={server}",
                                "sessionkit.redis.key-prefix={name}"),
                RunNamespace.postgres("sk_spring")
                        .with(
                                "sessionkit.store=jdbc",
                                "sessionkit.jdbc.url={server}",
                                "sessionkit.jdbc.table={name}",
                                "sessionkit.jdbc.create-schema=true"));
    }

    /**
     * The attributes the store holds for {@code id}, as compact JSON text, or empty when it holds no live record: read
     * through a store opened from the nodes' keys, so the test sees the record as it is stored.
     */
    private Optional<String> storedAttributes(SessionId id) {
        try (SessionStore reader = SessionStores.open(SessionKitConfig.of(store.properties()))) {
            return reader.load(id.key())
                    .filter(record -> record.expiresAt().isAfter(Instant.now()))
                    .map(SessionRecord::attributes)
                    .map(TwoNodeLoginTest::compact);
        }
    }

    /** PostgreSQL's jsonb text has spaces after ':' and ','; compact it as the other stores write it. */
    private static String compact(String json) {
        try {
            return JSON.readTree(json).toString();
        } catch (JsonProcessingException e) {
            throw new AssertionError("stored attributes are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    @BeforeParameterizedClassInvocation(injectArguments = false)
    void startNodes() {
        Map<String, Object> properties = new LinkedHashMap<>(store.properties());
        properties.put("sessionkit.codec.types", "spring-security");
        a = LoginApp.start(properties);
        b = LoginApp.start(properties);
        nodeA = URI.create("http://127.0.0.1:" + LoginApp.port(a));
        nodeB = URI.create("http://127.0.0.1:" + LoginApp.port(b));
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stopNodes() {
        try {
            if (a != null) {
                a.close();
            }
            if (b != null) {
                b.close();
            }
        } finally {
            store.cleanUp();
        }
    }

    private SessionId sessionOf(Browser browser) {
        return SessionId.parse(browser.cookie(SESSION).orElseThrow(() -> new AssertionError("no session cookie")))
                .orElseThrow();
    }

    /** The attributes the store holds for {@code id}, as JSON text to assert on; fails when it holds no live record. */
    private AbstractStringAssert<?> assertStored(SessionId id) {
        return assertThat(storedAttributes(id)).get().asString();
    }

    /** {@code response} is a redirect (302) to {@code target}. */
    private static void assertRedirect(HttpResponse<String> response, URI target) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(302);
        assertThat(location(response)).isEqualTo(target);
    }

    /** GET /login on {@code node}, then POST the form with its CSRF token; returns the POST's response. */
    private static HttpResponse<String> logIn(Browser browser, URI node, String password) {
        HttpResponse<String> page = browser.get(node.resolve("/login"));
        assertThat(page.statusCode()).isEqualTo(200);
        return browser.post(
                node.resolve("/login"),
                form("username", LoginApp.USER, "password", password, "_csrf", csrfField(page)));
    }

    @Test
    @DisplayName("log in on A; B knows the user, accepts a CSRF-protected POST; log out on B ends the session on A")
    void loginOnOneNodeWorksOnTheOther() {
        Browser browser = new Browser();
        HttpResponse<String> page = browser.get(nodeA.resolve("/login"));
        assertThat(page.statusCode()).isEqualTo(200);
        SessionId anonymous = sessionOf(browser);
        assertStored(anonymous).contains("\"spring-security.csrf-token\"");

        HttpResponse<String> login = browser.post(
                nodeA.resolve("/login"),
                form("username", LoginApp.USER, "password", LoginApp.PASSWORD, "_csrf", csrfField(page)));
        assertRedirect(login, nodeA.resolve("/"));
        HttpResponse<String> home = browser.get(location(login));
        assertThat(home.statusCode()).isEqualTo(200);
        assertThat(home.body()).isEqualTo("home");

        // Session fixation protection rotated the id; only SessionKit's cookie, never the container's.
        SessionId session = sessionOf(browser);
        assertThat(session).isNotEqualTo(anonymous);
        assertThat(storedAttributes(anonymous)).isEmpty();
        assertThat(browser.cookieNames()).containsExactly(SESSION);

        String stored = storedAttributes(session).orElseThrow();
        assertThat(stored)
                .contains("\"SPRING_SECURITY_CONTEXT\":{\"@type\":\"spring-security.security-context\"")
                .contains("\"@type\":\"spring-security.username-password-token\"")
                .contains("\"@type\":\"spring-security.user\"")
                .contains("\"FACTOR_PASSWORD\"")
                .doesNotContain(LoginApp.PASSWORD)
                .doesNotContain(session.value())
                .doesNotContain(anonymous.value());

        HttpResponse<String> me = browser.get(nodeB.resolve("/me"));
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).isEqualTo(LoginApp.USER);

        // A token rendered by A is accepted by B: B reads the session's CsrfToken from the store.
        String csrf = browser.get(nodeA.resolve("/csrf")).body();
        HttpResponse<String> note = browser.post(nodeB.resolve("/notes"), form("text", "hello", "_csrf", csrf));
        assertThat(note.statusCode()).as(note.body()).isEqualTo(200);
        assertThat(note.body()).isEqualTo("saved hello");
        assertThat(browser.get(nodeA.resolve("/notes")).body()).isEqualTo("hello");
        assertThat(browser.post(nodeB.resolve("/notes"), form("text", "forged")).statusCode())
                .as("a POST without the CSRF token")
                .isEqualTo(403);
        assertThat(browser.get(nodeB.resolve("/notes")).body()).isEqualTo("hello");

        HttpResponse<String> logout = browser.post(nodeB.resolve("/logout"), form("_csrf", csrf));
        assertRedirect(logout, nodeB.resolve("/login?logout"));
        assertThat(storedAttributes(session)).isEmpty();

        assertRedirect(browser.get(nodeA.resolve("/me")), nodeA.resolve("/login"));
    }

    @Test
    @DisplayName("a protected page asked for on A, login on B: B sends the browser back to the saved request")
    void savedRequestAcrossNodes() {
        Browser browser = new Browser();
        assertRedirect(browser.get(nodeA.resolve("/secret?page=2")), nodeA.resolve("/login"));
        assertStored(sessionOf(browser))
                .contains("\"SPRING_SECURITY_SAVED_REQUEST\":{\"@type\":\"spring-security.saved-request\"");

        HttpResponse<String> login = logIn(browser, nodeB, LoginApp.PASSWORD);
        assertRedirect(login, nodeA.resolve("/secret?page=2&continue"));

        HttpResponse<String> secret = browser.get(location(login));
        assertThat(secret.statusCode()).isEqualTo(200);
        assertThat(secret.body()).isEqualTo("the secret page");
        // The request cache consumed the saved request on A.
        assertStored(sessionOf(browser))
                .doesNotContain("SPRING_SECURITY_SAVED_REQUEST")
                .contains("SPRING_SECURITY_CONTEXT");
        assertThat(browser.get(nodeB.resolve("/me")).body()).isEqualTo(LoginApp.USER);
    }

    @Test
    @DisplayName("a failed login keeps its exception in the session without the password typed; then B logs in")
    void failedLogin() {
        Browser browser = new Browser();
        String typed = "typed-wrong-4d1f";
        HttpResponse<String> failed = logIn(browser, nodeA, typed);
        assertRedirect(failed, nodeA.resolve("/login?error"));
        assertStored(sessionOf(browser))
                .contains("\"SPRING_SECURITY_LAST_EXCEPTION\":{\"@type\":\"spring-security.bad-credentials\","
                        + "\"@value\":{\"message\":\"Bad credentials\"}}")
                .doesNotContain(typed);
        assertThat(browser.get(nodeB.resolve("/login?error")).statusCode()).isEqualTo(200);

        HttpResponse<String> login = logIn(browser, nodeB, LoginApp.PASSWORD);
        assertRedirect(login, nodeB.resolve("/"));
        assertStored(sessionOf(browser)).doesNotContain("SPRING_SECURITY_LAST_EXCEPTION");
        assertThat(browser.get(nodeA.resolve("/me")).body()).isEqualTo(LoginApp.USER);
    }

    @Test
    @DisplayName("anonymous requests to a protected page are sent to the login page on either node")
    void anonymous() {
        Browser browser = new Browser();
        assertRedirect(browser.get(nodeB.resolve("/me")), nodeB.resolve("/login"));
        assertThat(browser.post(nodeA.resolve("/notes"), form("text", "x")).statusCode())
                .isEqualTo(403);
    }
}
