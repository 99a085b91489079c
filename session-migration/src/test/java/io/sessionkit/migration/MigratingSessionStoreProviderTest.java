package io.sessionkit.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionStore;
import io.sessionkit.testing.ConfiguredStores;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code sessionkit.store=migrating}: each side opened from its own keys; a bad pair fails at start naming the keys. */
class MigratingSessionStoreProviderTest {

    private static SessionStore open(Map<String, String> settings) {
        return ConfiguredStores.open("migrating", settings);
    }

    @Test
    void opensTheOldAndTheNewStoreFromTheirOwnKeys() {
        try (SessionStore store = open(Map.of(
                "sessionkit.migrating.from", "local",
                "sessionkit.migrating.to", " Redis ",
                "sessionkit.redis.uri",
                        io.sessionkit.testing.TestServers.redisUri().toString(),
                "sessionkit.local.maximum-size", "10"))) {
            MigratingSessionStore migrating = (MigratingSessionStore) store;
            assertThat(migrating.from().getClass().getSimpleName()).isEqualTo("CaffeineSessionStore");
            assertThat(migrating.to().getClass().getSimpleName()).isEqualTo("RedisSessionStore");
        }
    }

    @Test
    void namesEveryMissingSideAtOnce() {
        assertThatThrownBy(() -> open(Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.migrating.from is not set")
                .hasMessageContaining("sessionkit.migrating.to is not set");
    }

    @Test
    void refusesTwoStoresOfOneKindAndItself() {
        assertThatThrownBy(() -> open(Map.of("sessionkit.migrating.from", "redis", "sessionkit.migrating.to", "REDIS")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both name 'redis'")
                .hasMessageContaining("MigratingSessionStore.of");
        assertThatThrownBy(() ->
                        open(Map.of("sessionkit.migrating.from", "migrating", "sessionkit.migrating.to", "local")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.migrating.from")
                .hasMessageContaining("a store other than migrating");
    }

    @Test
    void anUnknownStoreNameIsTheUsualError() {
        assertThatThrownBy(
                        () -> open(Map.of("sessionkit.migrating.from", "postgres", "sessionkit.migrating.to", "local")))
                .hasMessageContaining("jdbc");
    }
}
