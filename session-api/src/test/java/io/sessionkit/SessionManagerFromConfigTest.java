package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link SessionManager#builder(SessionKitConfig)}: the policy keys of a configuration over a store built elsewhere. */
class SessionManagerFromConfigTest {
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
    private final EnvelopeMapStore store = new EnvelopeMapStore(clock);

    @Test
    void readsThePolicyKeysAndTakesTheStoreItIsGiven() {
        SessionKitConfig config = SessionKitConfig.of(Map.of(
                        "sessionkit.store", "not-looked-at",
                        "sessionkit.max-idle", "10m",
                        "sessionkit.absolute-timeout", "1h",
                        "sessionkit.max-session-size", "2KiB"))
                .withClock(clock);
        try (SessionManager sessions =
                SessionManager.builder(config).store(store).build()) {
            assertThat(sessions.expiryPolicy().maxIdle()).isEqualTo(Duration.ofMinutes(10));
            assertThat(sessions.expiryPolicy().absoluteTimeout()).isEqualTo(Duration.ofHours(1));
            assertThat(sessions.maxSessionSize()).isEqualTo(2048);
            assertThat(sessions.clock()).isSameAs(clock);
            assertThat(sessions.store()).isSameAs(store);
        }
    }

    @Test
    void aBadValueIsReportedUnderItsKey() {
        assertThatThrownBy(() -> SessionManager.builder(SessionKitConfig.of(Map.of("sessionkit.max-retries", "many"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.max-retries");
    }
}
