package com.example.fresh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import redis.clients.jedis.Jedis;

/**
 * Two instances of {@link FreshApp} on random ports over the real Redis ({@code SESSIONKIT_TEST_REDIS}, else
 * 127.0.0.1:6379), with a key prefix of this run's own, and one browser (one cookie jar) moving between them: a login
 * and a session attribute made on A are seen on B, a logout on B ends the session on A.
 */
class SharedSessionTest {
    private static final String PREFIX = "sk-fresh-app-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    private static final String REDIS = redisUrl();
    // As a browser asks: Spring Security then answers a logout with a redirect (302), not 204 as to an API client.
    private static final String HTML = "text/html,application/xhtml+xml";

    private static ConfigurableApplicationContext a;
    private static ConfigurableApplicationContext b;

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private static String redisUrl() {
        String env = System.getenv("SESSIONKIT_TEST_REDIS");
        if (env == null || env.isBlank()) {
            return "redis://127.0.0.1:6379";
        }
        return env.contains("://") ? env : "redis://" + env;
    }

    private static ConfigurableApplicationContext instance() {
        // What an operator sets per instance: the port and the Redis URL (sessionkit.store=redis is the app's own).
        return new SpringApplicationBuilder(FreshApp.class)
                .properties(Map.of(
                        "server.port", "0",
                        "spring.data.redis.url", REDIS,
                        "sessionkit.redis.key-prefix", PREFIX,
                        "spring.main.banner-mode", "off"))
                .run();
    }

    @BeforeAll
    static void start() {
        a = instance();
        b = instance();
    }

    @AfterAll
    static void stop() {
        try {
            for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {a, b}) {
                if (node != null) {
                    node.close();
                }
            }
        } finally {
            try (Jedis redis = new Jedis(URI.create(REDIS))) {
                Set<String> keys = redis.keys(PREFIX + "*");
                if (!keys.isEmpty()) {
                    redis.del(keys.toArray(String[]::new));
                }
            }
        }
    }

    private static URI uri(ConfigurableApplicationContext node, String path) {
        return URI.create("http://127.0.0.1:" + node.getEnvironment().getProperty("local.server.port") + path);
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return browser.send(HttpRequest.newBuilder(uri).header("Accept", HTML).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(URI uri, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return browser.send(
                HttpRequest.newBuilder(uri)
                        .header("Accept", HTML)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The hidden {@code _csrf} field of the form on the page at {@code uri} (Spring Security's login/logout page). */
    private String csrf(URI uri) throws Exception {
        HttpResponse<String> page = get(uri);
        assertEquals(200, page.statusCode(), page.body());
        Matcher m = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        assertTrue(m.find(), "no _csrf field in " + page.body());
        return m.group(1);
    }

    @Test
    void theAppRunsOnTheBootVersionUnderTest() {
        assertEquals(System.getProperty("fresh-app.boot-version"), SpringBootVersion.getVersion());
    }

    @Test
    void aSessionMadeOnAIsSeenOnB() throws Exception {
        HttpResponse<String> login = post(
                uri(a, "/login"),
                Map.of("username", "alice", "password", "fresh-app-3e8b", "_csrf", csrf(uri(a, "/login"))));
        assertEquals(302, login.statusCode(), login.body());
        String target = login.headers().firstValue("Location").orElse("");
        assertFalse(target.contains("error"), target);

        HttpResponse<String> me = get(uri(b, "/me"));
        assertEquals(200, me.statusCode(), "logged in on A, on B: " + me.body());
        assertEquals("alice", me.body());

        assertEquals("1", get(uri(a, "/counter")).body());
        assertEquals("2", get(uri(b, "/counter")).body());
        assertEquals("3", get(uri(a, "/counter")).body());

        try (Jedis redis = new Jedis(URI.create(REDIS))) {
            assertFalse(redis.keys(PREFIX + "*").isEmpty(), "the session is in Redis under " + PREFIX);
        }

        HttpResponse<String> logout = post(uri(b, "/logout"), Map.of("_csrf", csrf(uri(b, "/logout"))));
        assertEquals(302, logout.statusCode(), logout.body());
        assertNotEquals(200, get(uri(a, "/me")).statusCode(), "logged out on B, still logged in on A");
    }

    @Test
    void anotherBrowserIsNotLoggedIn() throws Exception {
        assertNotEquals(200, get(uri(b, "/me")).statusCode());
    }
}
