package io.sessionkit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Discovery and configuration of the {@code memcached} provider. */
class MemcachedSessionStoreProviderTest {

    private static Map<String, String> base() {
        Map<String, String> m = new HashMap<>();
        m.put("sessionkit.store", "memcached");
        m.put("sessionkit.memcached.servers", TestServers.memcachedServers());
        return m;
    }

    @Test
    void discoveredByNameAndUsesTheConfigClock() {
        MutableClock clock = MutableClock.startingNow();
        Map<String, String> m = base();
        m.put("sessionkit.memcached.operation-timeout", "250ms");
        m.put("sessionkit.memcached.key-prefix", "skp:");
        m.put("sessionkit.memcached.max-item-size", "64KiB");
        m.put("sessionkit.memcached.expiry-grace", "30s");
        m.put("sessionkit.memcached.max-reconnect-delay", "1s");
        m.put("sessionkit.memcached.cas-cache-size", "100");
        m.put("sessionkit.memcached.connect-timeout", "2s");
        m.put("sessionkit.memcached.principal-index.max-sessions", "50");
        m.put("sessionkit.memcached.principal-index.refresh", "10m");
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(m).withClock(clock))) {
            assertThat(store).isInstanceOf(MemcachedSessionStore.class);
            assertThat(store.features()).containsExactly(StoreFeature.PRINCIPAL_INDEX);
            MemcachedSessionStore mc = (MemcachedSessionStore) store;
            assertThat(mc.keyPrefix()).isEqualTo("skp:");
            assertThat(mc.principalIndexMaxSessions()).isEqualTo(50);
            assertThat(mc.coverSeconds(Instant.ofEpochSecond(601))).isEqualTo(1200);
            Instant now = clock.instant();
            SessionRecord r = new SessionRecord(
                    SessionId.generate().key(), 1, now, now, Duration.ofMinutes(1), now.plusSeconds(60), null, "{}");
            assertThat(store.create(r)).isTrue();
            assertThat(store.load(r.key())).isPresent();
            clock.advance(Duration.ofSeconds(60));
            assertThat(store.load(r.key()))
                    .as("expiry judged by the config's clock")
                    .isEmpty();
        }
    }

    @Test
    void defaultsApplyWhenKeysAreUnset() {
        try (MemcachedSessionStore store = (MemcachedSessionStore) new MemcachedSessionStoreProvider()
                .create(SessionKitConfig.of(Map.of("sessionkit.memcached.servers", TestServers.memcachedServers())))) {
            assertThat(store.keyPrefix()).isEqualTo(MemcachedSessionStore.DEFAULT_KEY_PREFIX);
            assertThat(store.principalIndexMaxSessions())
                    .isEqualTo(MemcachedSessionStore.DEFAULT_PRINCIPAL_INDEX_MAX_SESSIONS);
        }
        assertThat(new MemcachedSessionStoreProvider().name()).isEqualTo("memcached");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "servers|localhost",
                "servers|localhost:99999",
                "servers|localhost:abc",
                "servers|' , '",
                "operation-timeout|0ms",
                "operation-timeout|soon",
                "connect-timeout|0s",
                "key-prefix|a b",
                "key-prefix|caf\u00e9",
                "max-item-size|0",
                "max-item-size|1000",
                "max-item-size|lots",
                "expiry-grace|-1s",
                "max-reconnect-delay|10ms",
                "cas-cache-size|-1",
                "cas-cache-size|many",
                "principal-index.max-sessions|0",
                "principal-index.max-sessions|100000",
                "principal-index.refresh|0s",
                "principal-index.refresh|1500ms",
                "principal-index.refresh|31d",
            })
    void badValuesNameTheKey(String key, String value) {
        Map<String, String> m = base();
        m.put("sessionkit.memcached." + key, value);
        assertThatThrownBy(() -> new MemcachedSessionStoreProvider().create(SessionKitConfig.of(m)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.memcached." + key);
    }
}
