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
        assertThat(c.containerDefaults()).isTrue();
        assertThat(c.listeners()).isEmpty();
    }

    @Test
    @DisplayName("sessionkit.servlet.container-defaults is read; a bad value names the key")
    void containerDefaultsKey() {
        assertThat(SessionFilterConfig.from(
                                SessionKitConfig.of(Map.of("sessionkit.servlet.container-defaults", "false")))
                        .containerDefaults())
                .isFalse();
        assertBad("sessionkit.servlet.container-defaults", "maybe");
    }

    @Test
    @DisplayName("the container's cookie settings fill in only what was not set explicitly, by builder or key")
    void containerCookieFillsInUnsetSettings() {
        ContainerSessionConfig.Cookie container = new ContainerSessionConfig.Cookie(
                "APPSID", "/", "example.test", true, Duration.ofHours(1), "Strict", null);
        SessionFilterConfig filled = SessionFilterConfig.defaults().withContainerCookie(container);
        assertThat(filled.cookieName()).isEqualTo("APPSID");
        assertThat(filled.cookiePath()).contains("/");
        assertThat(filled.cookieDomain()).contains("example.test");
        assertThat(filled.cookieSecure()).contains(true);
        assertThat(filled.cookieMaxAge()).contains(Duration.ofHours(1));
        assertThat(filled.cookieSameSite()).contains("Strict");

        SessionFilterConfig explicit = SessionFilterConfig.from(SessionKitConfig.of(Map.of(
                        "sessionkit.servlet.cookie-name", "MINE",
                        "sessionkit.servlet.cookie-same-site", "off",
                        "sessionkit.servlet.cookie-secure", "auto")))
                .withContainerCookie(container);
        assertThat(explicit.cookieName()).isEqualTo("MINE");
        assertThat(explicit.cookieSameSite())
                .as("off, set explicitly, stays off")
                .isEmpty();
        assertThat(explicit.cookieSecure())
                .as("auto, set explicitly, stays auto")
                .isEmpty();
        assertThat(explicit.cookiePath()).contains("/");

        SessionFilterConfig off =
                SessionFilterConfig.builder().containerDefaults(false).build();
        assertThat(off.withContainerCookie(container)).isSameAs(off);
        assertThat(SessionFilterConfig.defaults()
                        .withContainerCookie(ContainerSessionConfig.Cookie.NONE)
                        .cookieName())
                .isEqualTo("SESSION");
    }

    @Test
    @DisplayName(
            "a container cookie setting SessionKit cannot use fails with a message naming it and how to override it")
    void badContainerCookieSettingIsNamed() {
        ContainerSessionConfig.Cookie bad =
                new ContainerSessionConfig.Cookie("my sid", "shop", null, null, null, "loose", null);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.defaults().withContainerCookie(bad))
                .withMessageContaining("the container's SessionCookieConfig")
                .withMessageContaining("name: cookie name must be a non-empty RFC 6265 token")
                .withMessageContaining("path: cookie path must start with /")
                .withMessageContaining("SameSite attribute: SameSite must be Lax, Strict, None or off")
                .withMessageContaining("sessionkit.servlet.container-defaults=false");
    }

    @Test
    @DisplayName("a __Host- name forces Secure and Path=/; __Secure- and Partitioned force Secure")
    void prefixedNamesForceTheirAttributes() {
        SessionFilterConfig host = SessionFilterConfig.from(
                SessionKitConfig.of(Map.of("sessionkit.servlet.cookie-name", "__Host-SESSION")));
        assertThat(host.cookieSecure()).contains(true);
        assertThat(host.cookiePath()).contains("/");
        assertThat(host.cookieDomain()).isEmpty();
        // Browsers compare the prefix ignoring case, so the rules hold for any case.
        assertThat(SessionFilterConfig.builder()
                        .cookieName("__host-sid")
                        .build()
                        .cookiePath())
                .contains("/");
        SessionFilterConfig secure =
                SessionFilterConfig.builder().cookieName("__Secure-SID").build();
        assertThat(secure.cookieSecure()).contains(true);
        assertThat(secure.cookiePath()).isEmpty();
        SessionFilterConfig partitioned =
                SessionFilterConfig.from(SessionKitConfig.of(Map.of("sessionkit.servlet.cookie-partitioned", "true")));
        assertThat(partitioned.cookiePartitioned()).isTrue();
        assertThat(partitioned.cookieSecure()).contains(true);
        assertThat(SessionFilterConfig.defaults().cookiePartitioned()).isFalse();
        assertBad("sessionkit.servlet.cookie-partitioned", "yes");
    }

    @Test
    @DisplayName(
            "settings that contradict __Host-, __Secure- or Partitioned are refused in one message naming the keys")
    void contradictingSettingsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.from(SessionKitConfig.of(Map.of(
                        "sessionkit.servlet.cookie-name", "__Host-SESSION",
                        "sessionkit.servlet.cookie-domain", "example.test",
                        "sessionkit.servlet.cookie-path", "/app",
                        "sessionkit.servlet.cookie-secure", "false"))))
                .withMessage("cookie name '__Host-SESSION' (sessionkit.servlet.cookie-name) has the __Host- prefix, "
                        + "which requires Secure, Path=/ and no Domain: sessionkit.servlet.cookie-domain must be "
                        + "unset, was 'example.test', sessionkit.servlet.cookie-path must be / or unset, was '/app', "
                        + "sessionkit.servlet.cookie-secure must be true or auto, was false");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.builder()
                        .cookieName("__Secure-SID")
                        .cookieSecure(false)
                        .build())
                .withMessage("cookie name '__Secure-SID' (sessionkit.servlet.cookie-name) has the __Secure- prefix, "
                        + "which requires Secure: sessionkit.servlet.cookie-secure must be true or auto, was false");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.from(SessionKitConfig.of(Map.of(
                        "sessionkit.servlet.cookie-partitioned", "true",
                        "sessionkit.servlet.cookie-secure", "false"))))
                .withMessage("sessionkit.servlet.cookie-partitioned=true requires Secure: "
                        + "sessionkit.servlet.cookie-secure must be true or auto, was false");
        // Path=/ is what __Host- needs, so it is accepted when set.
        assertThat(SessionFilterConfig.builder()
                        .cookieName("__Host-SID")
                        .cookiePath("/")
                        .cookieSecure(true)
                        .build()
                        .cookiePath())
                .contains("/");
    }

    @Test
    @DisplayName("container defaults and prefixes: its path is not taken for __Host-, its Domain is refused, "
            + "its Partitioned attribute is used")
    void containerSettingsAndPrefixes() {
        ContainerSessionConfig.Cookie jettyLike =
                new ContainerSessionConfig.Cookie("__Host-SESSION", "/app", null, null, null, null, "true");
        SessionFilterConfig filled = SessionFilterConfig.defaults().withContainerCookie(jettyLike);
        assertThat(filled.cookieName()).isEqualTo("__Host-SESSION");
        assertThat(filled.cookiePath()).contains("/");
        assertThat(filled.cookieSecure()).contains(true);
        assertThat(filled.cookiePartitioned()).isTrue();
        assertThat(SessionFilterConfig.defaults()
                        .withContainerCookie(new ContainerSessionConfig.Cookie(null, null, null, null, null, null, ""))
                        .cookiePartitioned())
                .as("Tomcat holds Partitioned as an empty attribute")
                .isTrue();

        ContainerSessionConfig.Cookie withDomain =
                new ContainerSessionConfig.Cookie("__Host-SESSION", null, "example.test", null, null, null, null);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.defaults().withContainerCookie(withDomain))
                .withMessage("cookie name '__Host-SESSION' (the container's SessionCookieConfig name) has the __Host- "
                        + "prefix, which requires Secure, Path=/ and no Domain: the container's SessionCookieConfig "
                        + "domain must be unset, was 'example.test'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> SessionFilterConfig.defaults()
                        .withContainerCookie(
                                new ContainerSessionConfig.Cookie(null, null, null, null, null, null, "x")))
                .withMessageContaining("Partitioned attribute: Partitioned must be empty, true or false, was 'x'");
    }

    @Test
    @DisplayName("listener(...) takes session, id and attribute listeners and refuses any other kind")
    void listenerKinds() {
        RecordingListeners.Programmatic l = new RecordingListeners.Programmatic();
        assertThat(SessionFilterConfig.builder().listener(l).build().listeners())
                .containsExactly(l);
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> SessionFilterConfig.builder().listener(new jakarta.servlet.ServletRequestListener() {}))
                .withMessageContaining(
                        "must be an HttpSessionListener, HttpSessionIdListener or HttpSessionAttributeListener");
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
