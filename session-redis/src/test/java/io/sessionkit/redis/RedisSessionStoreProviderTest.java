package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.ConfiguredStores;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.TestServers;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

class RedisSessionStoreProviderTest {

    private static SessionStore open(Map<String, String> keys) {
        return ConfiguredStores.open("redis", keys);
    }

    @Test
    @DisplayName("sessionkit.store=redis finds the provider through ServiceLoader")
    void discovered() {
        var provider = SessionStores.select(
                SessionKitConfig.of(Map.of("sessionkit.store", "redis")),
                getClass().getClassLoader());
        assertThat(provider).isInstanceOf(RedisSessionStoreProvider.class);
    }

    @Test
    @DisplayName("the provider builds a working store from sessionkit.redis.* keys and uses config.clock()")
    void buildsFromKeys() {
        MutableClock clock = MutableClock.startingNow();
        Map<String, String> keys = Map.of(
                "sessionkit.store",
                "redis",
                "sessionkit.redis.uri",
                TestServers.redisUri().toString(),
                "sessionkit.redis.key-prefix",
                "sk:prov:",
                "sessionkit.redis.connect-timeout",
                "1s",
                "sessionkit.redis.read-timeout",
                "750ms",
                "sessionkit.redis.pool.max-total",
                "4",
                "sessionkit.redis.expiry-grace",
                "30s",
                "sessionkit.redis.expired-retention",
                "2m");
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(keys).withClock(clock));
                RedisClient raw = RedisClient.create(TestServers.redisUri())) {
            assertThat(store).isInstanceOf(RedisSessionStore.class);
            assertThat(store.toString()).contains("sk:prov:");
            assertThat(store.features()).as("every feature there is").containsExactlyInAnyOrder(StoreFeature.values());
            assertThat(store.findByPrincipal("nobody")).isEmpty();
            // Native expiry = expiresAt + expiry-grace + expired-retention - now.
            SessionRecord r = FreshRecords.record(clock, null, "{}");
            assertThat(store.create(r)).isTrue();
            String key = ((RedisSessionStore) store).sessionKey(r.key());
            assertThat(raw.pttl(key))
                    .isPositive()
                    .isLessThanOrEqualTo(
                            FreshRecords.MAX_IDLE.plusSeconds(30).plusMinutes(2).toMillis());
            store.delete(r.key());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "redis://app:s3cr3tPw d@redis.internal:6380/0",
                "redis://app:s3cr3tPw%zz@redis.internal:6380",
                "redis://app:s3cr3tPw@redis internal:6380",
                "redis://:s3cr3tPw@[::1:6380",
                "redis://s3cr3tPw@h:1/x"
            })
    void item15_aMalformedUriNeverCarriesThePasswordInTheExceptionChain(String uri) {
        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(() -> open(Map.of("sessionkit.redis.uri", uri)));
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sessionkit.redis.uri");
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        collect(thrown, chain);
        for (Throwable t : chain) {
            assertThat(String.valueOf(t))
                    .as("%s in the chain of %s", t.getClass().getName(), thrown)
                    .doesNotContain("s3cr3tPw");
            assertThat(t).isNotInstanceOf(java.net.URISyntaxException.class);
        }
        Throwable direct = org.assertj.core.api.Assertions.catchThrowable(
                () -> RedisSessionStore.builder().uri(uri));
        java.util.List<Throwable> directChain = new java.util.ArrayList<>();
        collect(direct, directChain);
        assertThat(directChain)
                .isNotEmpty()
                .allSatisfy(t -> assertThat(String.valueOf(t)).doesNotContain("s3cr3tPw"));
    }

    private static void collect(Throwable t, java.util.List<Throwable> out) {
        if (t == null || out.contains(t)) {
            return;
        }
        out.add(t);
        collect(t.getCause(), out);
        for (Throwable s : t.getSuppressed()) {
            collect(s, out);
        }
    }

    @Test
    @DisplayName("a typo such as sessionkit.redis.url is warned about once, with the key that was meant")
    void aTypoIsNamedWithTheNearestKey() {
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger config = java.util.logging.Logger.getLogger("io.sessionkit.config");
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        config.addHandler(handler);
        try {
            Map<String, String> keys = Map.of(
                    "sessionkit.redis.uri",
                    TestServers.redisUri().toString(),
                    "sessionkit.redis.url",
                    "redis://typo:6379",
                    "sessionkit.redis.key-prefix",
                    "sk:typo:");
            open(keys).close();
            open(keys).close();
            assertThat(warnings)
                    .containsExactly("Unknown SessionKit configuration key ignored: sessionkit.redis.url"
                            + " (did you mean sessionkit.redis.uri?)");
        } finally {
            config.removeHandler(handler);
        }
    }

    @ParameterizedTest(name = "{0}={1}")
    @DisplayName("a bad value is refused with the full key name")
    @CsvSource({
        "sessionkit.redis.uri, http://h:1",
        "sessionkit.redis.read-timeout, 0s",
        "sessionkit.redis.connect-timeout, soon",
        "sessionkit.redis.pool.max-total, 0",
        "sessionkit.redis.pool.max-wait, -1s",
        "sessionkit.redis.key-prefix, a b",
        "sessionkit.redis.cluster.nodes, h:notaport",
        "sessionkit.redis.expiry-grace, -5s",
        "sessionkit.redis.expired-retention, 0s"
    })
    void badValueNamesTheKey(String key, String value) {
        assertThatThrownBy(() -> open(Map.of(key, value))).hasMessageStartingWith(key);
    }

    @Test
    @DisplayName("bad values never echo a password; an incomplete or double mode names the other key")
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> open(Map.of("sessionkit.redis.uri", "redis://u:s3cret@h:1/x")))
                .hasMessageStartingWith("sessionkit.redis.uri")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> open(Map.of("sessionkit.redis.sentinel.master", "m")))
                .hasMessageContaining("sessionkit.redis.sentinel.nodes");
        assertThatThrownBy(() -> open(Map.of(
                        "sessionkit.redis.sentinel.master",
                        "m",
                        "sessionkit.redis.sentinel.nodes",
                        "h:26379",
                        "sessionkit.redis.cluster.nodes",
                        "h:7000")))
                .hasMessageContaining("choose one mode");
    }
}
