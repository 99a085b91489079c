package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineSessionStore;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two different containers, each with its own SessionManager, over one shared store: the situation of two nodes
 * behind a load balancer. The store here is in-process (both containers live in this JVM).
 */
class CrossContainerSessionTest {

    @Test
    @DisplayName("Jetty and Tomcat over one store serve the same session, both ways, including rotation and logout")
    void jettyAndTomcatShareSessions() {
        try (SessionStore store = CaffeineSessionStore.builder().build()) {
            CrossContainerScenario.run(SessionManager.builder(store).build(), SessionManager.builder(store).build());
        }
    }

    /** The scenario, shared with the networked-store variant. */
    static final class CrossContainerScenario {
        private CrossContainerScenario() {
        }

        static void run(SessionManager jettyManager, SessionManager tomcatManager) {
            try (WebServer jetty = JettyServer.start(new SessionFilter(jettyManager, SessionFilterConfig.defaults()), null, java.util.Map.of(), new TestApp());
                 WebServer tomcat = TomcatServer.start(new SessionFilter(tomcatManager, SessionFilterConfig.defaults()), null, java.util.Map.of(), new TestApp())) {
                Browser browser = new Browser();
                assertThat(browser.get(jetty.uri("/set?name=cart&value=apple")).statusCode()).isEqualTo(200);
                String id = browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME).orElseThrow();

                // Cookies ignore ports, so the same jar presents the session to the other container, as behind one host name.
                HttpResponse<String> onTomcat = browser.get(tomcat.uri("/get?name=cart"));
                assertThat(onTomcat.body()).isEqualTo("apple");
                assertThat(onTomcat.headers().allValues("Set-Cookie")).isEmpty();

                assertThat(browser.get(tomcat.uri("/set?name=user&value=bob")).statusCode()).isEqualTo(200);
                assertThat(browser.get(jetty.uri("/get?name=user")).body()).isEqualTo("bob");
                assertThat(browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME)).contains(id);

                String rotated = browser.post(tomcat.uri("/login?user=carol")).body();
                assertThat(rotated).isNotEqualTo(id);
                assertThat(browser.get(jetty.uri("/get?name=user")).body()).isEqualTo("carol");
                assertThat(browser.get(jetty.uri("/get?name=cart")).body()).isEqualTo("apple");

                assertThat(browser.get(jetty.uri("/invalidate")).body()).isEqualTo("invalidated");
                Browser replay = new Browser();
                assertThat(replay.get(tomcat.uri("/get?name=cart"), "Cookie", "SESSION=" + rotated).body()).isEqualTo("no-session");
            }
        }
    }
}
