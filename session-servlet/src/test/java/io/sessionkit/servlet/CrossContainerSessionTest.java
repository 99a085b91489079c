package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineSessionStore;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two different containers, each with its own SessionManager, over one shared store: two nodes behind a load
 * balancer. Here the store is in-process (both containers live in this JVM).
 */
class CrossContainerSessionTest {

    @Test
    @DisplayName("Jetty and Tomcat over one store serve the same session, both ways, including rotation and logout")
    void jettyAndTomcatShareSessions() {
        try (SessionStore store = CaffeineSessionStore.builder().build();
                WebServer jetty = Containers.JETTY.start(
                        new SessionFilter(SessionManager.builder(store).build(), SessionFilterConfig.defaults()),
                        new TestApp());
                WebServer tomcat = Containers.TOMCAT.start(
                        new SessionFilter(SessionManager.builder(store).build(), SessionFilterConfig.defaults()),
                        new TestApp())) {
            shareOneSession(jetty, tomcat);
        }
    }

    /** The scenario, also run over a networked store. */
    static void shareOneSession(WebServer jetty, WebServer tomcat) {
        Browser browser = new Browser();
        assertThat(browser.get(jetty.uri("/set?name=cart&value=apple")).statusCode())
                .isEqualTo(200);
        String id = browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME).orElseThrow();

        // Cookies ignore ports, so the same jar presents the session to the other container, as behind one host name.
        HttpResponse<String> onTomcat = browser.get(tomcat.uri("/get?name=cart"));
        assertThat(onTomcat.body()).isEqualTo("apple");
        assertThat(onTomcat.headers().allValues("Set-Cookie")).isEmpty();

        assertThat(browser.get(tomcat.uri("/set?name=user&value=bob")).statusCode())
                .isEqualTo(200);
        assertThat(browser.get(jetty.uri("/get?name=user")).body()).isEqualTo("bob");
        assertThat(browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME)).contains(id);

        String rotated = browser.post(tomcat.uri("/login?user=carol")).body();
        assertThat(rotated).isNotEqualTo(id);
        assertThat(browser.get(jetty.uri("/get?name=user")).body()).isEqualTo("carol");
        assertThat(browser.get(jetty.uri("/get?name=cart")).body()).isEqualTo("apple");
        Browser replayOld = new Browser();
        assertThat(replayOld
                        .get(jetty.uri("/get?name=cart"), "Cookie", "SESSION=" + id)
                        .body())
                .isEqualTo("no-session");

        assertThat(browser.get(jetty.uri("/invalidate")).body()).isEqualTo("invalidated");
        Browser replay = new Browser();
        assertThat(replay.get(tomcat.uri("/get?name=cart"), "Cookie", "SESSION=" + rotated)
                        .body())
                .isEqualTo("no-session");
    }
}
