package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.servlet.SessionFilterConfig.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SessionFilterConfigTest {

    @Test
    @DisplayName("defaults: both transports, SESSION cookie, auto Secure, Lax, no Domain/Path/Max-Age, X-Session-Token")
    void defaults() {
        SessionFilterConfig c = SessionFilterConfig.from(SessionKitConfig.of(Map.of()));
        assertThat(c.transports()).containsExactlyInAnyOrder(Transport.COOKIE, Transport.HEADER);
        assertThat(c.cookieName()).isEqualTo("SESSION");
        assertThat(c.cookieSecure()).isEmpty();
        assertThat(c.cookieSameSite()).contains("Lax");
        assertThat(c.cookieDomain()).isEmpty();
        assertThat(c.cookiePath()).isEmpty();
        assertThat(c.cookieMaxAge()).isEmpty();
        assertThat(c.headerName()).isEqualTo("X-Session-Token");
    }

    @Test
    @DisplayName("every sessionkit.servlet.* key is read")
    void everyKey() {
        SessionFilterConfig c = SessionFilterConfig.from(SessionKitConfig.of(Map.of(
                "sessionkit.servlet.transport", "header",
                "sessionkit.servlet.cookie-name", "SID",
                "sessionkit.servlet.cookie-secure", "true",
                "sessionkit.servlet.cookie-same-site", "off",
                "sessionkit.servlet.cookie-domain", "example.com",
                "sessionkit.servlet.cookie-path", "/shop",
                "sessionkit.servlet.cookie-max-age", "7d",
                "sessionkit.servlet.header-name", "X-Auth-Session")));
        assertThat(c.transports()).isEqualTo(Set.of(Transport.HEADER));
        assertThat(c.cookieName()).isEqualTo("SID");
        assertThat(c.cookieSecure()).contains(true);
        assertThat(c.cookieSameSite()).isEmpty();
        assertThat(c.cookieDomain()).contains("example.com");
        assertThat(c.cookiePath()).contains("/shop");
        assertThat(c.cookieMaxAge()).contains(Duration.ofDays(7));
        assertThat(c.headerName()).isEqualTo("X-Auth-Session");
    }

    @Test
    @DisplayName("a bad value names its key")
    void badValuesNameTheKey() {
        assertBad("sessionkit.servlet.transport", "url");
        assertBad("sessionkit.servlet.cookie-name", "my cookie");
        assertBad("sessionkit.servlet.cookie-secure", "sometimes");
        assertBad("sessionkit.servlet.cookie-same-site", "loose");
        assertBad("sessionkit.servlet.cookie-domain", "a;b");
        assertBad("sessionkit.servlet.cookie-path", "shop");
        assertBad("sessionkit.servlet.cookie-max-age", "500ms");
        assertBad("sessionkit.servlet.header-name", "X Session");
    }

    private static void assertBad(String key, String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.from(SessionKitConfig.of(Map.of(key, value))))
                .withMessageContaining(key);
    }
}
