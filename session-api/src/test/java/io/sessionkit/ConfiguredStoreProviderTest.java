package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfiguredStoreProviderTest {
    private static final AtomicInteger BUILT = new AtomicInteger();

    /** Reads {@code sessionkit.t11.size}; builds a store that remembers the config. */
    static final class Sized extends ConfiguredStoreProvider {
        Sized() {
            super("t11", keys -> {
                int size = keys.integer("size", 1);
                if (size < 1) {
                    keys.invalid("size", "a number >= 1");
                }
                return () -> {
                    BUILT.incrementAndGet();
                    return new TestProviders.NamedStore("t11:" + size, SessionKitConfig.of(Map.of()));
                };
            });
        }
    }

    @Test
    void createReadsValidatesAndOnlyThenBuilds() {
        Sized provider = new Sized();
        assertThat(provider.name()).isEqualTo("t11");
        int before = BUILT.get();
        assertThatThrownBy(() -> provider.create(SessionKitConfig.of(Map.of("sessionkit.t11.size", "0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sessionkit.t11.size: '0' is not valid; expected a number >= 1");
        assertThatThrownBy(() -> provider.create(SessionKitConfig.of(Map.of("sessionkit.t11.size", "many"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.t11.size");
        assertThat(BUILT.get()).as("nothing built from bad keys").isEqualTo(before);

        SessionStore store = provider.create(SessionKitConfig.of(Map.of("sessionkit.t11.size", "5")));
        assertThat(store)
                .isInstanceOfSatisfying(
                        TestProviders.NamedStore.class,
                        named -> assertThat(named.madeBy()).isEqualTo("t11:5"));
        assertThat(BUILT.get()).isEqualTo(before + 1);
    }
}
