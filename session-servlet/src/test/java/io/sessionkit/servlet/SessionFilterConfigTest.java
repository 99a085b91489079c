package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.servlet.SessionFilterConfig.Transport;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
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

    @Test
    @DisplayName("every bad key is named at once, in one error")
    void everyBadKeyAtOnce() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.from(SessionKitConfig.of(Map.of(
                        "sessionkit.servlet.transport", "url",
                        "sessionkit.servlet.cookie-secure", "sometimes",
                        "sessionkit.servlet.cookie-max-age", "later",
                        "sessionkit.servlet.header-name", "X Session"))))
                .withMessageContaining("sessionkit.servlet.transport")
                .withMessageContaining("sessionkit.servlet.cookie-secure")
                .withMessageContaining("sessionkit.servlet.cookie-max-age")
                .withMessageContaining("sessionkit.servlet.header-name");
    }

    @Test
    @DisplayName("an unknown sessionkit.servlet.* key is warned about once, with the nearest known key")
    void unknownKeyIsWarnedOnce() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger config = Logger.getLogger("io.sessionkit.config");
        config.addHandler(capture);
        try {
            SessionKitConfig typo = SessionKitConfig.of(Map.of("sessionkit.servlet.cookie-nmae", "SID"));
            assertThat(SessionFilterConfig.from(typo).cookieName()).isEqualTo("SESSION");
            SessionFilterConfig.from(typo);
            assertThat(warnings)
                    .containsExactly("Unknown SessionKit configuration key ignored: sessionkit.servlet.cookie-nmae "
                            + "(did you mean sessionkit.servlet.cookie-name?)");
        } finally {
            config.removeHandler(capture);
        }
    }

    private static void assertBad(String key, String value) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.from(SessionKitConfig.of(Map.of(key, value))))
                .withMessageContaining(key);
    }
}
