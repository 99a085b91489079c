package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionId;
import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Two nodes as in production: Jetty and Tomcat, each configured the {@code web.xml} way (no-argument filter and
 * init-params only), so each opens its own SessionManager and connection pool to one real Redis.
 *
 * <p>Server: the shared Redis {@link TestServers#redisUri()} finds ({@code SESSIONKIT_TEST_REDIS}, the standard port, a
 * container, a private process), else a failure that says how to start one. Keys get a prefix unique to this run, so
 * nothing else on the server is touched.
 */
class SharedRedisSessionTest {
    private static final int TIMEOUT_MILLIS = 5_000;

    @Test
    @DisplayName("Jetty and Tomcat configured by init-params share sessions through a real Redis; logout leaves no key")
    void twoNodesOverRedis() {
        String uri = TestServers.redisUri().toString();
        String prefix = "sk-servlet-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Map<String, String> params = Map.of(
                "sessionkit.store", "redis",
                "sessionkit.redis.uri", uri,
                "sessionkit.redis.key-prefix", prefix);
        try (Jedis raw = new Jedis(URI.create(uri), TIMEOUT_MILLIS)) {
            try (WebServer jetty = Containers.JETTY.start(null, SessionFilter.class, params, new TestApp());
                    WebServer tomcat = Containers.TOMCAT.start(null, SessionFilter.class, params, new TestApp())) {
                Browser browser = new Browser();
                assertThat(browser.get(jetty.uri("/set?name=cart&value=apple")).statusCode())
                        .isEqualTo(200);
                String id =
                        browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME).orElseThrow();

                // What the server holds: the record under the hashed key in its bucket (docs/FORMAT.md) and the
                // bucket's
                // expiry index, and no key or value with the raw id.
                String hashed = SessionId.parse(id).orElseThrow().key().value();
                String bucket = prefix + "{"
                        + String.format("%02x", Base64.getUrlDecoder().decode(hashed)[0] & 0xff) + "}";
                String key = bucket + "s:" + hashed;
                assertThat(raw.keys(prefix + "*")).containsExactlyInAnyOrder(key, bucket + "e");
                assertThat(raw.get(key)).contains("apple").doesNotContain(id);
                browser.get(jetty.uri("/invalidate"));
                assertThat(raw.keys(prefix + "*")).isEmpty();

                CrossContainerSessionTest.shareOneSession(jetty, tomcat);
                // A rotation removes the old record by compare-and-set and leaves, for a few seconds, an expired
                // tombstone (no attributes, no principal) so that a write re-sent by the client is recognised; nothing
                // else may remain after the log-out.
                for (String left : raw.keys(prefix + "*")) {
                    if (raw.type(left).equals("zset")) {
                        continue; // an expiry index: session keys and times only
                    }
                    assertThat(raw.get(left))
                            .as(left)
                            .contains("\"e\":0")
                            .contains("\"attrs\":{}")
                            .contains("\"p\":null");
                    assertThat(raw.pttl(left)).as(left).isBetween(1L, 120_000L);
                }
            } finally {
                Set<String> left = raw.keys(prefix + "*");
                if (!left.isEmpty()) {
                    raw.unlink(left.toArray(String[]::new));
                }
            }
        }
    }
}
