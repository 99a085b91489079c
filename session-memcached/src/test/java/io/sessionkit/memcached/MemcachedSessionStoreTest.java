package io.sessionkit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.RecordEnvelope;
import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the memcached store does beyond the TCK, on a real memcached: keys, exptimes, sizes, the item format, CAS ids. */
class MemcachedSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final String prefix = "skt:" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
    private MemcachedSessionStore store;

    @BeforeEach
    void open() {
        store = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix).clock(clock).build();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SessionRecord record(Duration ttl, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(SessionId.generate().key(), 1, now, now, Duration.ofMinutes(30), now.plus(ttl), "alice", attributes);
    }

    @Test
    @DisplayName("exptime is whole seconds to expiresAt + grace, rounded up, at least 1")
    void exptimeRelative() {
        Instant now = Instant.ofEpochMilli(1_800_000_000_123L);
        assertThat(MemcachedSessionStore.exptime(now.plusSeconds(1800), Duration.ofSeconds(60), now)).isEqualTo(1860);
        assertThat(MemcachedSessionStore.exptime(now.plusMillis(1), Duration.ZERO, now)).isEqualTo(1);
        assertThat(MemcachedSessionStore.exptime(now.plusMillis(1001), Duration.ZERO, now)).isEqualTo(2);
        assertThat(MemcachedSessionStore.exptime(now.minusSeconds(10), Duration.ZERO, now)).as("never 0, which means forever").isEqualTo(1);
    }

    @Test
    @DisplayName("exptime above 30 days becomes an absolute Unix time, as memcached requires")
    void exptimeAbsolute() {
        Instant now = Instant.ofEpochMilli(1_800_000_000_123L);
        Duration thirtyDays = Duration.ofDays(30);
        assertThat(MemcachedSessionStore.exptime(now.plus(thirtyDays), Duration.ZERO, now)).isEqualTo(2_592_000);
        Instant later = now.plus(thirtyDays).plusMillis(1);
        assertThat(MemcachedSessionStore.exptime(later, Duration.ZERO, now)).isEqualTo((int) (later.getEpochSecond() + 1));
    }

    @Test
    @DisplayName("a 40-day record gets an absolute exptime that memcached reads as 40 days away")
    void longLivedItemOnServer() {
        SessionRecord r = record(Duration.ofDays(40), "{}");
        assertThat(store.create(r)).isTrue();
        long ttl = MemcachedText.ttlSeconds(store.serverFor(r.key()), store.itemKey(r.key())).orElseThrow();
        long expected = Duration.ofDays(40).plus(MemcachedSessionStore.DEFAULT_EXPIRY_GRACE).toSeconds();
        // The server's clock ticks in whole seconds; the exptime is rounded up.
        assertThat(ttl).isBetween(expected - 2, expected + 2);
    }

    @Test
    @DisplayName("a 30-minute record gets a relative exptime of 30 minutes + grace")
    void shortItemOnServer() {
        SessionRecord r = record(Duration.ofMinutes(30), "{}");
        assertThat(store.create(r)).isTrue();
        long ttl = MemcachedText.ttlSeconds(store.serverFor(r.key()), store.itemKey(r.key())).orElseThrow();
        assertThat(ttl).isBetween(1860L - 2, 1860L + 1);
    }

    @Test
    @DisplayName("item keys are prefix + hashed key: under 250 bytes, printable, no spaces")
    void keyShape() {
        SessionKey key = SessionId.generate().key();
        assertThat(store.itemKey(key)).isEqualTo(prefix + key.value()).hasSizeLessThan(250).matches("[\\x21-\\x7e]+");
        String longest = "p".repeat(MemcachedSessionStore.MAX_PREFIX_LENGTH);
        try (MemcachedSessionStore s = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(longest).build()) {
            assertThat(s.itemKey(key)).hasSizeLessThan(250);
        }
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("p".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("é")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the item is the plain UTF-8 JSON envelope, readable by any memcached client")
    void itemFormat() {
        SessionRecord r = record(Duration.ofMinutes(30), "{\"cart\":[1,2],\"name\":\"Zoë\"}");
        store.create(r);
        String raw = new String(MemcachedText.get(store.serverFor(r.key()), store.itemKey(r.key())).orElseThrow(), StandardCharsets.UTF_8);
        assertThat(raw).startsWith("{\"fmt\":1,\"v\":1,").contains("\"attrs\":{\"cart\":[1,2],\"name\":\"Zoë\"}");
    }

    @Test
    @DisplayName("a record over max-item-size is refused before any write, on create and on replace")
    void maxItemSize() {
        try (MemcachedSessionStore small = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix)
                .clock(clock).maxItemSize(1024).build()) {
            SessionRecord big = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(1024) + "\"}");
            assertThatThrownBy(() -> small.create(big)).isInstanceOf(SessionTooLargeException.class)
                    .hasMessageContaining(big.key().shortForm()).hasMessageNotContaining(big.key().value());
            assertThat(MemcachedText.get(small.serverFor(big.key()), small.itemKey(big.key()))).isEmpty();

            SessionRecord ok = record(Duration.ofMinutes(30), "{\"x\":1}");
            assertThat(small.create(ok)).isTrue();
            SessionRecord tooBig = new SessionRecord(ok.key(), 2, ok.createdAt(), ok.lastAccessedAt(), ok.maxIdle(), ok.expiresAt(),
                    ok.principal(), big.attributes());
            assertThatThrownBy(() -> small.replace(tooBig, 1)).isInstanceOf(SessionTooLargeException.class);
            assertThat(small.load(ok.key()).orElseThrow().version()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a stale remembered CAS id (another node wrote) ends in CONFLICT, not a lost update")
    void staleCasIdFromOtherNode() {
        try (MemcachedSessionStore other = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix)
                .clock(clock).build()) {
            SessionRecord r = record(Duration.ofMinutes(30), "{\"n\":0}");
            store.create(r);
            assertThat(store.load(r.key())).isPresent();
            assertThat(other.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(store.replace(r.withVersion(3), 2)).isEqualTo(ReplaceResult.OK);
            assertThat(other.load(r.key()).orElseThrow().version()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("a remembered CAS id never revives a record another node deleted")
    void staleCasIdAfterDelete() {
        try (MemcachedSessionStore other = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix)
                .clock(clock).build()) {
            SessionRecord r = record(Duration.ofMinutes(30), "{}");
            store.create(r);
            store.load(r.key());
            other.delete(r.key());
            assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.GONE);
            assertThat(other.load(r.key())).isEmpty();
        }
    }

    @Test
    @DisplayName("a remembered CAS id of a record that has since expired gives GONE")
    void rememberedButExpired() {
        SessionRecord r = record(Duration.ofMinutes(30), "{}");
        store.create(r);
        store.load(r.key());
        clock.advance(Duration.ofMinutes(30));
        assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.GONE);
    }

    @Test
    @DisplayName("with the CAS-id cache off, replace still works (gets + cas)")
    void noCasCache() {
        try (MemcachedSessionStore plain = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix)
                .clock(clock).casCacheSize(0).build()) {
            SessionRecord r = record(Duration.ofMinutes(30), "{}");
            assertThat(plain.create(r)).isTrue();
            assertThat(plain.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(plain.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(plain.rememberedCasIds()).isZero();
        }
    }

    @Test
    @DisplayName("writes remember the CAS id memcached returned, so a write after a write needs no gets")
    void writesRememberCas() {
        SessionRecord r = record(Duration.ofMinutes(30), "{}");
        store.create(r);
        assertThat(store.rememberedCasIds()).isEqualTo(1);
        assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
        assertThat(store.rememberedCasIds()).isEqualTo(1);
        store.delete(r.key());
        assertThat(store.rememberedCasIds()).isZero();
    }

    @Test
    @DisplayName("with max-item-size = the server's -I, the largest value the store accepts is one the server stores")
    void maxItemSizeMatchesServerLimit() {
        try (MemcachedProcess tiny = MemcachedProcess.startOnFreePort("-I", "2048", "-o", "slab_chunk_max=1024");
             MemcachedSessionStore s = MemcachedSessionStore.builder().servers(List.of(tiny.address())).clock(clock)
                     .maxItemSize(2048).build()) {
            SessionRecord probe = record(Duration.ofMinutes(30), "{\"x\":\"\"}");
            int envelope = RecordEnvelope.encode(probe).length();
            int room = 2048 - s.itemKey(probe.key()).length() - MemcachedSessionStore.ITEM_OVERHEAD - envelope;
            SessionRecord largest = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(room) + "\"}");
            assertThat(s.create(largest)).isTrue();
            assertThat(s.load(largest.key()).orElseThrow().attributes()).isEqualTo(largest.attributes());
            SessionRecord over = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(room + 1) + "\"}");
            assertThatThrownBy(() -> s.create(over)).isInstanceOf(SessionTooLargeException.class);
            assertThat(s.load(over.key())).isEmpty();
        }
    }

    @Test
    @DisplayName("an add the server refuses as too large (-I below max-item-size) is SessionTooLargeException, not 'exists'")
    void serverRefusesAdd() {
        try (MemcachedProcess tiny = MemcachedProcess.startOnFreePort("-I", "2048", "-o", "slab_chunk_max=1024");
             MemcachedSessionStore s = MemcachedSessionStore.builder().servers(List.of(tiny.address())).clock(clock).build()) {
            SessionRecord big = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(3000) + "\"}");
            assertThatThrownBy(() -> s.create(big)).isInstanceOf(SessionTooLargeException.class).hasMessageContaining("-I");
            assertThat(s.load(big.key())).isEmpty();
        }
    }

    @Test
    @DisplayName("two app instances (two stores, two CAS-id caches) x 4 threads x 100 increments = exactly 800")
    void noLostUpdatesAcrossInstances() throws Exception {
        try (MemcachedSessionStore other = MemcachedSessionStore.builder().servers(MemcachedTestServers.servers()).keyPrefix(prefix)
                .clock(clock).build()) {
            SessionManager a = SessionManager.builder(store).clock(clock).build();
            SessionManager b = SessionManager.builder(other).clock(clock).build();
            Session s = a.create();
            s.setAttribute("n", 0);
            a.save(s);
            String id = s.id().value();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    SessionManager m = t % 2 == 0 ? a : b;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 100; i++) {
                            m.update(id, x -> x.setAttribute("n", ((Number) x.getAttribute("n")).intValue() + 1)).orElseThrow();
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get(90, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(b.find(id).orElseThrow().getAttribute("n")).isEqualTo(800);
        }
    }
}
