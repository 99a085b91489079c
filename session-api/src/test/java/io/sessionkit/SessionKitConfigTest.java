package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SessionKitConfigTest {
    private static SessionKitConfig of(String key, String value) {
        return SessionKitConfig.of(Map.of(key, value));
    }

    @Test
    void durations() {
        assertThat(of("k", "500ms").duration("k", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(of("k", "10s").duration("k", null)).isEqualTo(Duration.ofSeconds(10));
        assertThat(of("k", "30m").duration("k", null)).isEqualTo(Duration.ofMinutes(30));
        assertThat(of("k", "12h").duration("k", null)).isEqualTo(Duration.ofHours(12));
        assertThat(of("k", "7d").duration("k", null)).isEqualTo(Duration.ofDays(7));
        assertThat(of("k", "PT30M").duration("k", null)).isEqualTo(Duration.ofMinutes(30));
        assertThat(SessionKitConfig.of(Map.of()).duration("k", Duration.ofSeconds(3)))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> of("sessionkit.max-idle", "30").duration("sessionkit.max-idle", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.max-idle")
                .hasMessageContaining("'30'");
        assertThatThrownBy(() -> of("n", "many").integer("n", 1)).hasMessageContaining("n: 'many'");
        assertThatThrownBy(() -> of("b", "yes").bool("b", true)).hasMessageContaining("true or false");
        assertThatThrownBy(() -> of("s", "lots").bytes("s", 1)).hasMessageContaining("256KiB");
        assertThatThrownBy(() -> of("e", "sometimes").enumValue("e", DecodeFailurePolicy.class, null))
                .hasMessageContaining("drop-session");
    }

    @Test
    void sizesListsEnums() {
        assertThat(of("s", "256KiB").bytes("s", 0)).isEqualTo(262_144);
        assertThat(of("s", "1MiB").bytes("s", 0)).isEqualTo(1_048_576);
        assertThat(of("s", "1000").bytes("s", 0)).isEqualTo(1000);
        assertThat(of("l", " a:1 , b:2,, ").list("l")).isEqualTo(List.of("a:1", "b:2"));
        assertThat(of("e", "drop-attribute").enumValue("e", DecodeFailurePolicy.class, null))
                .isEqualTo(DecodeFailurePolicy.DROP_ATTRIBUTE);
    }

    @Test
    void propertiesAndFallback() {
        Properties p = new Properties();
        p.setProperty("sessionkit.store", "redis");
        SessionKitConfig c = SessionKitConfig.of(p).orElse(of("sessionkit.max-idle", "5m"));
        assertThat(c.string("sessionkit.store")).contains("redis");
        assertThat(c.duration("sessionkit.max-idle", null)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void validateChecksManagerKeys() {
        assertThat(of("sessionkit.max-idle", "10m").validate()).isNotNull();
        assertThatThrownBy(() -> SessionKitConfig.of(
                                Map.of("sessionkit.max-idle", "2h", "sessionkit.absolute-timeout", "1h"))
                        .validate())
                .hasMessageContaining("sessionkit.absolute-timeout");
        assertThatThrownBy(() -> of("sessionkit.codec", "xml").validate()).hasMessageContaining("sessionkit.codec");
        assertThatThrownBy(() -> of("sessionkit.max-session-size", "10").validate())
                .hasMessageContaining("sessionkit.max-session-size");
        assertThatThrownBy(() -> of("sessionkit.on-decode-failure", "ignore").validate())
                .hasMessageContaining("sessionkit.on-decode-failure");
    }
}
