package io.sessionkit.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStores;
import io.sessionkit.redis.RedisSessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Store creation on a Jedis outside the supported range (7.0.0 to before 8.0) fails at once, before connecting, with
 * one line that names the Jedis found and the range needed. Run only by this module's {@code jedis-too-old} and
 * {@code jedis-too-new} surefire executions, which swap the class path's Jedis for such a release and name it in
 * {@code sessionkit.compat.jedis-out-of-range}.
 */
class JedisOutOfRangeTest {
    private static String found;

    @BeforeAll
    static void jedisOnTheClassPath() {
        found = System.getProperty("sessionkit.compat.jedis-out-of-range", "");
        assertThat(found)
                .as("sessionkit.compat.jedis-out-of-range: this class runs only with a Jedis swapped in by the POM")
                .isNotBlank();
    }

    private String expected() {
        return "session-redis needs Jedis 7.0.0 or a later 7.x (redis.clients:jedis), but found Jedis " + found
                + " on the class path";
    }

    @Test
    @DisplayName("the builder fails with one line naming the Jedis found and the range needed")
    void builder() {
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .uri("redis://127.0.0.1:6379")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(expected())
                .hasNoCause();
    }

    @Test
    @DisplayName("it fails before connecting: a Sentinel nobody answers on still gets the version error")
    void beforeConnecting() {
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .sentinel("mymaster", List.of("127.0.0.1:1"))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage(expected());
    }

    @Test
    @DisplayName("sessionkit.store=redis reports the same line")
    void provider() {
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "redis"))))
                .satisfies(e -> assertThat(messages(e)).contains(expected()));
    }

    private static List<String> messages(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.add(String.valueOf(t.getMessage()));
        }
        return out;
    }
}
