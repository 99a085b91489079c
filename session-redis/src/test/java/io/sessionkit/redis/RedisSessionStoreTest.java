package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.RecordEnvelope;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestServers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/** Redis-specific behaviour beyond the conformance kit, on the shared standalone Redis. */
class RedisSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final SharedRedisPrefix redis = new SharedRedisPrefix("t");
    private final String prefix = redis.prefix();
    private final RedisClient raw = redis.raw();
    private RedisSessionStore store;

    @BeforeEach
    void open() {
        store = redis.store(clock);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    static SessionKey randomKey() {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        return new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    /** A record written now by {@code clock}: created and accessed now, idle {@code idle}, expiring after it. */
    static SessionRecord written(
            Clock clock, SessionKey key, long version, Duration idle, @Nullable String principal, String attrs) {
        Instant now = clock.instant();
        return new SessionRecord(key, version, now, now, idle, now.plus(idle), principal, attrs);
    }

    SessionRecord record(SessionKey key, long version, @Nullable String principal, String attrs) {
        return written(clock, key, version, Duration.ofMinutes(30), principal, attrs);
    }

    @Test
    @DisplayName(
            "the stored value is the JSON envelope plus one writer token, with a relative native expiry expiresAt + 60 s +"
                    + " 5 min - now")
    void layout() {
        SessionKey key = randomKey();
        SessionRecord r = record(key, 1, null, "{\"cart\":[1,2]}");
        long before = System.nanoTime();
        assertThat(store.create(r)).isTrue();
        assertThat(store.sessionKey(key)).startsWith(prefix + "{").endsWith("}s:" + key.value());
        String value = raw.get(store.sessionKey(key));
        assertThat(value)
                .startsWith("{\"fmt\":1,\"v\":1,")
                .contains("\"attrs\":{\"cart\":[1,2]}")
                .matches(".*,\"w\":\"[A-Za-z0-9_-]{16}\"}");
        assertThat(RecordEnvelope.decode(key, value)).isEqualTo(r);
        assertTtl(store.sessionKey(key), r.expiresAt().toEpochMilli() + 60_000 + 300_000 - clock.millis(), before);
    }

    /** The key's remaining TTL is what the store asked for, less at most the real time elapsed since {@code sinceNanos}. */
    void assertTtl(String redisKey, long askedMillis, long sinceNanos) {
        long ttl = raw.pttl(redisKey);
        long elapsed = (System.nanoTime() - sinceNanos) / 1_000_000 + 1;
        assertThat(ttl).isBetween(askedMillis - elapsed, askedMillis);
    }

    @Test
    @DisplayName("a byte-identical write of the same version by a second writer is a conflict, never a silent success")
    void identicalWritesConflict() {
        SessionKey key = randomKey();
        SessionRecord r1 = record(key, 1, null, "{}");
        assertThat(store.create(r1)).isTrue();
        assertThat(store.create(r1)).isFalse();
        SessionRecord r2 = record(key, 2, null, "{\"n\":1}");
        assertThat(store.replace(r2, 1)).isEqualTo(ReplaceResult.OK);
        assertThat(store.replace(r2, 1))
                .as("two increments from the same base must not both succeed")
                .isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(key)).contains(r2);
    }

    @Test
    @DisplayName("EVALSHA falls back to EVAL after SCRIPT FLUSH (NOSCRIPT)")
    void noScriptFallback() {
        SessionKey key = randomKey();
        assertThat(store.create(record(key, 1, null, "{}"))).isTrue();
        raw.scriptFlush();
        assertThat(store.replace(record(key, 2, null, "{\"n\":2}"), 1)).isEqualTo(ReplaceResult.OK);
        raw.scriptFlush();
        assertThat(store.create(record(randomKey(), 1, null, "{}"))).isTrue();
    }

    @Test
    @DisplayName("an envelope in another field order (another writer) is still version-checked by the scripts")
    void foreignFieldOrder() {
        SessionKey key = randomKey();
        long e = clock.instant().plus(Duration.ofMinutes(30)).toEpochMilli();
        long now = clock.millis();
        raw.set(
                store.sessionKey(key),
                "{\"attrs\":{},\"p\":null,\"mi\":1800,\"e\":" + e + ",\"a\":" + now + ",\"c\":" + now
                        + ",\"v\":4,\"fmt\":1}");
        assertThat(store.replace(record(key, 2, null, "{}"), 1)).isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.replace(record(key, 5, null, "{}"), 4)).isEqualTo(ReplaceResult.OK);
        assertThat(store.create(record(key, 1, null, "{}"))).isFalse();
    }

    @Test
    @DisplayName(
            "the principal index is a sorted set under a hashed name; stale members are skipped on read and trimmed by score")
    void principalIndex() {
        SessionKey a = randomKey();
        SessionKey b = randomKey();
        long before = System.nanoTime();
        assertThat(store.create(record(a, 1, "alice@example.com", "{}"))).isTrue();
        assertThat(store.create(record(b, 1, "alice@example.com", "{}"))).isTrue();
        String index = store.indexKey("alice@example.com");
        assertThat(index).doesNotContain("alice").startsWith(prefix + "p:");
        assertThat(raw.zcard(index)).isEqualTo(2);
        assertTtl(index, Duration.ofMinutes(31).toMillis(), before);

        store.replace(record(b, 2, "bob", "{}"), 1);
        assertThat(store.findByPrincipal("alice@example.com"))
                .extracting(SessionRecord::key)
                .containsExactly(a);
        store.delete(a);
        assertThat(store.findByPrincipal("alice@example.com")).isEmpty();
        assertThat(raw.zcard(index))
                .as("a reader never removes members, it only skips them")
                .isEqualTo(2);

        // Once their scores are more than the grace in the past, the next write of the index trims them.
        clock.advance(Duration.ofMinutes(31).plusMillis(1));
        SessionKey c = randomKey();
        assertThat(store.create(record(c, 1, "alice@example.com", "{}"))).isTrue();
        assertThat(raw.zrange(index, 0, -1)).containsExactly(c.value());
    }

    @Test
    @DisplayName("index entries of expired sessions are removed when the index is next written")
    void indexStaysBounded() {
        String p = "carol";
        for (int i = 0; i < 20; i++) {
            assertThat(store.create(record(randomKey(), 1, p, "{}"))).isTrue();
        }
        clock.advance(Duration.ofMinutes(31));
        assertThat(store.create(record(randomKey(), 1, p, "{}"))).isTrue();
        assertThat(raw.zcard(store.indexKey(p))).isEqualTo(1);
    }

    @Test
    @DisplayName("a client passed in is used and left open")
    void suppliedClient() {
        try (UnifiedJedis client = RedisClient.create(TestServers.redisUri())) {
            RedisSessionStore s = RedisSessionStore.builder()
                    .client(client)
                    .keyPrefix(prefix)
                    .clock(clock)
                    .build();
            SessionKey key = randomKey();
            assertThat(s.create(record(key, 1, null, "{}"))).isTrue();
            s.close();
            assertThat(client.exists(store.sessionKey(key))).isTrue();
        }
    }

    @Test
    @DisplayName(
            "a Redis that is not there fails load and ping fast with SessionStoreUnavailableException naming server and"
                    + " operation; a Redis that is there answers ping")
    void downServer() {
        store.ping();
        int port = ServerProcess.freePortWithBusPort();
        try (RedisSessionStore s = RedisSessionStore.builder()
                .uri("redis://127.0.0.1:" + port)
                .connectTimeout(Duration.ofMillis(500))
                .readTimeout(Duration.ofMillis(500))
                .build()) {
            SessionKey key = randomKey();
            long start = System.nanoTime();
            assertThatThrownBy(() -> s.load(key))
                    .isInstanceOf(SessionStoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("load of session " + key.shortForm())
                    .hasMessageNotContaining(key.value());
            System.out.printf("down server: load failed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThatThrownBy(s::ping)
                    .isInstanceOf(SessionStoreUnavailableException.class)
                    .hasMessageContaining("ping");
        }
    }

    @Test
    @DisplayName("unreachable Sentinel or cluster seed nodes fail the build with SessionStoreUnavailableException")
    void unreachableTopology() {
        String nowhere = "127.0.0.1:" + ServerProcess.freePortWithBusPort();
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .cluster(List.of(nowhere))
                        .connectTimeout(Duration.ofMillis(300))
                        .build())
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining(nowhere);
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .sentinel("mymaster", List.of(nowhere))
                        .connectTimeout(Duration.ofMillis(300))
                        .build())
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("mymaster");
    }

    @Test
    @DisplayName("the builder refuses infinite timeouts and unsafe prefixes")
    void builderChecks() {
        assertThatThrownBy(() -> RedisSessionStore.builder().keyPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisSessionStore.builder().readTimeout(Duration.ZERO))
                .hasMessageContaining("never infinite");
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .cluster(List.of("127.0.0.1:7000"))
                        .uri("redis://h/3")
                        .build())
                .hasMessageContaining("database 0");
    }
}
