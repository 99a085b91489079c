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
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.AttributeLimits;
import io.sessionkit.testing.DeleteReplaceRace;
import io.sessionkit.testing.FaultProxy;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.HostileMetadata;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestServers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What the memcached store does beyond the TCK, on a real memcached: keys, exptimes, sizes, the item format, CAS ids. */
class MemcachedSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final String prefix =
            "skt:" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
    private MemcachedSessionStore store;

    @BeforeEach
    void open() {
        store = sameItems(clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private SessionRecord record(Duration ttl, String attributes) {
        return FreshRecords.record(clock, ttl, "alice", attributes);
    }

    @Test
    @DisplayName("exptime is whole seconds to expiresAt + grace, rounded up, at least 1")
    void exptimeRelative() {
        Instant now = Instant.ofEpochMilli(1_800_000_000_123L);
        assertThat(MemcachedSessionStore.exptime(now.plusSeconds(1800), Duration.ofSeconds(60), now))
                .isEqualTo(1860);
        assertThat(MemcachedSessionStore.exptime(now.plusMillis(1), Duration.ZERO, now))
                .isEqualTo(1);
        assertThat(MemcachedSessionStore.exptime(now.plusMillis(1001), Duration.ZERO, now))
                .isEqualTo(2);
        assertThat(MemcachedSessionStore.exptime(now.minusSeconds(10), Duration.ZERO, now))
                .as("never 0, which means forever")
                .isEqualTo(1);
    }

    @Test
    @DisplayName("exptime above 30 days becomes an absolute Unix time, as memcached requires")
    void exptimeAbsolute() {
        Instant now = Instant.ofEpochMilli(1_800_000_000_123L);
        Duration thirtyDays = Duration.ofDays(30);
        assertThat(MemcachedSessionStore.exptime(now.plus(thirtyDays), Duration.ZERO, now))
                .isEqualTo(2_592_000);
        Instant later = now.plus(thirtyDays).plusMillis(1);
        assertThat(MemcachedSessionStore.exptime(later, Duration.ZERO, now))
                .isEqualTo((int) (later.getEpochSecond() + 1));
    }

    @Test
    @DisplayName("a 40-day record gets an absolute exptime that memcached reads as 40 days away")
    void longLivedItemOnServer() {
        SessionRecord r = record(Duration.ofDays(40), "{}");
        assertThat(store.create(r)).isTrue();
        InetSocketAddress server = store.serverFor(r.key());
        // An absolute exptime is counted down on memcached's clock, not ours: that clock ticks once a second on a
        // timer, so it lags the wall clock by up to a second and by more when the timer runs late under load. So
        // the expected TTL is measured from the server's own time, read on each side of the mg.
        long before = serverTime(server);
        long ttl = MemcachedText.ttlSeconds(server, store.itemKey(r.key())).orElseThrow();
        long after = serverTime(server);
        long until =
                r.expiresAt().plus(MemcachedSessionStore.DEFAULT_EXPIRY_GRACE).toEpochMilli();
        long absolute = -Math.floorDiv(-until, 1000); // rounded up to a whole second
        assertThat(ttl).as("read as an absolute Unix time").isBetween(absolute - after, absolute - before);
    }

    /** The server's current Unix time in seconds, the clock it counts absolute exptimes on ({@code stats time}). */
    private static long serverTime(InetSocketAddress server) {
        return Long.parseLong(MemcachedText.stats(server).get("time"));
    }

    @Test
    @DisplayName("a 30-minute record gets a relative exptime of 30 minutes + grace")
    void shortItemOnServer() {
        SessionRecord r = record(Duration.ofMinutes(30), "{}");
        assertThat(store.create(r)).isTrue();
        long ttl = MemcachedText.ttlSeconds(store.serverFor(r.key()), store.itemKey(r.key()))
                .orElseThrow();
        assertThat(ttl).isBetween(1860L - 2, 1860L + 1);
    }

    @Test
    @DisplayName("item keys are prefix + hashed key: under 250 bytes, printable, no spaces")
    void keyShape() {
        SessionKey key = SessionId.generate().key();
        assertThat(store.itemKey(key))
                .isEqualTo(prefix + key.value())
                .hasSizeLessThan(250)
                .matches("[\\x21-\\x7e]+");
        String longest = "p".repeat(MemcachedSessionStore.MAX_PREFIX_LENGTH);
        try (MemcachedSessionStore s =
                SharedMemcached.store(longest, Clock.systemUTC()).build()) {
            assertThat(s.itemKey(key)).hasSizeLessThan(250);
        }
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("p".repeat(201)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("a b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("a\nb"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MemcachedSessionStore.builder().keyPrefix("é"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("the item is the plain UTF-8 JSON envelope, readable by any memcached client")
    void itemFormat() {
        SessionRecord r = record(Duration.ofMinutes(30), "{\"cart\":[1,2],\"name\":\"Zoë\"}");
        store.create(r);
        String raw = new String(
                MemcachedText.get(store.serverFor(r.key()), store.itemKey(r.key()))
                        .orElseThrow(),
                StandardCharsets.UTF_8);
        assertThat(raw).startsWith("{\"fmt\":1,\"v\":1,").contains("\"attrs\":{\"cart\":[1,2],\"name\":\"Zoë\"}");
    }

    @Test
    @DisplayName("a record over max-item-size is refused before any write, on create and on replace")
    void maxItemSize() {
        try (MemcachedSessionStore small = onSameItems(clock).maxItemSize(1024).build()) {
            SessionRecord big = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(1024) + "\"}");
            assertThatThrownBy(() -> small.create(big))
                    .isInstanceOf(SessionTooLargeException.class)
                    .hasMessageContaining(big.key().shortForm())
                    .hasMessageNotContaining(big.key().value());
            assertThat(MemcachedText.get(small.serverFor(big.key()), small.itemKey(big.key())))
                    .isEmpty();

            SessionRecord ok = record(Duration.ofMinutes(30), "{\"x\":1}");
            assertThat(small.create(ok)).isTrue();
            SessionRecord tooBig = ok.withVersion(2).withAttributes(big.attributes());
            assertThatThrownBy(() -> small.replace(tooBig, 1)).isInstanceOf(SessionTooLargeException.class);
            assertThat(small.load(ok.key()).orElseThrow().version()).isEqualTo(1);
        }
    }

    /**
     * A record this store created and then loaded, so that it remembers the record's CAS id, and another node (another
     * store, another CAS-id cache) on the same items.
     */
    @Nested
    class RememberedCasId {
        private MemcachedSessionStore other;
        private SessionRecord r;

        @BeforeEach
        void createAndLoad() {
            r = record(Duration.ofMinutes(30), "{}");
            store.create(r);
            assertThat(store.load(r.key())).isPresent();
            other = sameItems(clock);
        }

        @AfterEach
        void closeOther() {
            other.close();
        }

        @Test
        @DisplayName("a stale remembered CAS id (another node wrote) ends in CONFLICT, not a lost update")
        void staleCasIdFromOtherNode() {
            assertThat(other.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(store.replace(r.withVersion(3), 2)).isEqualTo(ReplaceResult.OK);
            assertThat(other.load(r.key()).orElseThrow().version()).isEqualTo(3);
        }

        @Test
        @DisplayName("a remembered CAS id never revives a record another node deleted")
        void staleCasIdAfterDelete() {
            other.delete(r.key());
            assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.GONE);
            assertThat(other.load(r.key())).isEmpty();
        }

        @Test
        @DisplayName("a remembered CAS id of a record that has since expired gives GONE")
        void rememberedButExpired() {
            clock.advance(Duration.ofMinutes(30));
            assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.GONE);
        }

        @Test
        void item4_casDeleteRemovesOnlyTheExpectedVersionAndNeverAnotherNodesWrite() {
            assertThat(other.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(store.delete(r.key(), 1))
                    .as("our CAS id is stale: the server refuses it, the gets sees v2")
                    .isEqualTo(ReplaceResult.CONFLICT);
            assertThat(other.load(r.key()))
                    .as("nothing removed")
                    .get()
                    .extracting(SessionRecord::version)
                    .isEqualTo(2L);
            assertThat(other.delete(r.key(), 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(store.delete(r.key(), 2)).isEqualTo(ReplaceResult.OK);
            assertThat(MemcachedText.get(store.serverFor(r.key()), store.itemKey(r.key())))
                    .as("gone from the server")
                    .isEmpty();
            assertThat(store.delete(r.key(), 2)).isEqualTo(ReplaceResult.GONE);
            assertThat(other.delete(SessionId.generate().key(), 1))
                    .as("never existed")
                    .isEqualTo(ReplaceResult.GONE);
        }
    }

    @Test
    @DisplayName("with the CAS-id cache off, replace still works (gets + cas)")
    void noCasCache() {
        try (MemcachedSessionStore plain = onSameItems(clock).casCacheSize(0).build()) {
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
        try (ServerProcess tiny = ServerProcess.memcached("-I", "2048", "-o", "slab_chunk_max=1024");
                MemcachedSessionStore s = MemcachedSessionStore.builder()
                        .servers(List.of(tiny.address()))
                        .clock(clock)
                        .maxItemSize(2048)
                        .build()) {
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
    @DisplayName(
            "an add the server refuses as too large (-I below max-item-size) is SessionTooLargeException, not 'exists'")
    void serverRefusesAdd() {
        try (ServerProcess tiny = ServerProcess.memcached("-I", "2048", "-o", "slab_chunk_max=1024");
                MemcachedSessionStore s = MemcachedSessionStore.builder()
                        .servers(List.of(tiny.address()))
                        .clock(clock)
                        .build()) {
            SessionRecord big = record(Duration.ofMinutes(30), "{\"x\":\"" + "x".repeat(3000) + "\"}");
            assertThatThrownBy(() -> s.create(big))
                    .isInstanceOf(SessionTooLargeException.class)
                    .hasMessageContaining("-I");
            assertThat(s.load(big.key())).isEmpty();
        }
    }

    @Test
    @DisplayName("two app instances (two stores, two CAS-id caches) x 4 threads x 100 increments = exactly 800")
    void noLostUpdatesAcrossInstances() throws Exception {
        try (MemcachedSessionStore other = sameItems(clock)) {
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
                            assertThat(m.update(
                                            id,
                                            x -> x.setAttribute("n", ((Number) x.getAttribute("n")).intValue() + 1)))
                                    .isPresent();
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
    // ---- issue 14 ----

    /** A builder for a store on the same servers and items as {@code store}, on clock {@code c}. */
    private MemcachedSessionStore.Builder onSameItems(Clock c) {
        return SharedMemcached.store(prefix, c);
    }

    private MemcachedSessionStore sameItems(Clock c) {
        return onSameItems(c).build();
    }

    @Test
    void item4_casDeleteWithoutACasIdAndOfAnExpiredRecord() {
        try (MemcachedSessionStore plain = onSameItems(clock).casCacheSize(0).build()) {
            SessionRecord r = record(Duration.ofMinutes(30), "{}");
            plain.create(r);
            assertThat(plain.delete(r.key(), 2)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(plain.delete(r.key(), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(plain.load(r.key())).isEmpty();
        }
        SessionRecord expiring = record(Duration.ofMinutes(30), "{}");
        store.create(expiring);
        clock.advance(Duration.ofMinutes(30));
        assertThat(MemcachedText.get(store.serverFor(expiring.key()), store.itemKey(expiring.key())))
                .as("memcached still holds it (its exptime runs the grace past, on its own clock)")
                .isPresent();
        assertThat(store.delete(expiring.key(), 1))
                .as("expired by the store's clock")
                .isEqualTo(ReplaceResult.GONE);
    }

    @Test
    void item4_casDeleteRacingReplaceOnAnotherNodeHasExactlyOneWinner() throws Exception {
        try (MemcachedSessionStore other = sameItems(clock)) {
            DeleteReplaceRace.assertExactlyOneWinner(
                    200,
                    round -> {
                        SessionRecord v1 = record(Duration.ofMinutes(30), "{\"round\":" + round + "}");
                        store.create(v1);
                        other.load(v1.key()); // the replacing node needs the item's CAS id, as after a real load
                        return v1;
                    },
                    other,
                    store);
        }
    }

    /**
     * Two nodes on the same items, the second one's clock {@code skew} ahead of the first's (behind when negative).
     * Each writes a session; the exptime it sends is relative, so memcached keeps the item {@code idle + grace} from the
     * write on its own clock, whatever the writer's clock says; a reader serves it until its own clock reaches
     * {@code expiresAt}. Returns, per writer, how much longer the other node serves it than memcached keeps it.
     */
    private List<Duration> skewed(Duration skew) {
        Duration grace = MemcachedSessionStore.DEFAULT_EXPIRY_GRACE;
        Duration idle = Duration.ofMinutes(2);
        MutableClock otherClock = MutableClock.startingNow();
        otherClock.set(clock.instant().plus(skew));
        List<Duration> servedPastTheItem = new ArrayList<>();
        try (MemcachedSessionStore other = sameItems(otherClock)) {
            for (boolean otherWrites : new boolean[] {false, true}) {
                MemcachedSessionStore writer = otherWrites ? other : store;
                MemcachedSessionStore reader = otherWrites ? store : other;
                MutableClock writerClock = otherWrites ? otherClock : clock;
                MutableClock readerClock = otherWrites ? clock : otherClock;
                Instant t0 = writerClock.instant();
                SessionRecord r =
                        new SessionRecord(SessionId.generate().key(), 1, t0, t0, idle, t0.plus(idle), null, "{}");
                long wrote = System.nanoTime();
                assertThat(writer.create(r)).isTrue();
                long ttl = MemcachedText.ttlSeconds(store.serverFor(r.key()), store.itemKey(r.key()))
                        .orElseThrow();
                long elapsed = Duration.ofNanos(System.nanoTime() - wrote).toSeconds() + 1;
                long sent = MemcachedSessionStore.exptime(r.expiresAt(), grace, t0);
                assertThat(sent)
                        .as("relative, counted from the write on memcached's clock")
                        .isEqualTo(idle.plus(grace).toSeconds());
                // memcached's clock ticks in whole seconds: the item holds what was sent, minus the time since.
                assertThat(ttl).isBetween(sent - elapsed - 1, sent);
                assertThat(writer.load(r.key())).isPresent();
                Duration readerServes = Duration.between(readerClock.instant(), r.expiresAt());
                if (!readerServes.isNegative() && !readerServes.isZero()) {
                    assertThat(reader.load(r.key())).isPresent();
                }
                servedPastTheItem.add(readerServes.minusSeconds(sent));
                // The node ahead ends it early by exactly the skew: move both clocks to its end.
                boolean writerAhead = Duration.between(writerClock.instant(), readerClock.instant())
                        .isNegative();
                MutableClock aheadClock = writerAhead ? writerClock : readerClock;
                MemcachedSessionStore ahead = writerAhead ? writer : reader;
                MemcachedSessionStore behind = writerAhead ? reader : writer;
                Duration toAheadEnd = Duration.between(aheadClock.instant(), r.expiresAt());
                clock.advance(toAheadEnd);
                otherClock.advance(toAheadEnd);
                assertThat(ahead.load(r.key())).isEmpty();
                if (skew.abs().compareTo(idle) < 0) {
                    assertThat(behind.load(r.key()))
                            .as("the node behind still serves it for the skew")
                            .isPresent();
                }
                clock.set(clock.instant().minus(toAheadEnd));
                otherClock.set(otherClock.instant().minus(toAheadEnd));
            }
        }
        return servedPastTheItem;
    }

    @Test
    void item11_withinTheGraceMemcachedKeepsEveryItemWhileAnyNodeServesIt() {
        for (Duration skew : List.of(Duration.ofSeconds(59), Duration.ofSeconds(-59))) {
            assertThat(skewed(skew))
                    .as("skew %s", skew)
                    .allSatisfy(past -> assertThat(past).isLessThanOrEqualTo(Duration.ZERO));
        }
    }

    @Test
    void item11_beyondTheGraceANodeBehindTheWriterLosesTheSessionEarlyBySkewMinusGrace() {
        Duration skew = Duration.ofSeconds(61);
        // Writer = first node, reader ahead by 61 s: reader stops early, nothing lost. Writer = second node (ahead),
        // reader behind by 61 s: memcached drops the item 1 s before the reader would stop serving it.
        assertThat(skewed(skew)).containsExactly(Duration.ofSeconds(-61 - 180 + 120), Duration.ofSeconds(1));
        assertThat(skewed(skew.negated())).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(-61 - 180 + 120));
    }

    @Test
    void item11_aNodeFiveMinutesBehindWritesItemsMemcachedKeeps() {
        // The defect of issue 14: a node 5 min behind with a 2 min idle timeout. Its exptime is relative, so memcached
        // keeps the item 3 min from the write; the node serves its own session, and nodes with the right time see it
        // expired (beyond the grace, by design: keep clocks within the grace with NTP).
        MutableClock behindClock = MutableClock.startingNow();
        behindClock.set(clock.instant().minus(Duration.ofMinutes(5)));
        try (MemcachedSessionStore behind = sameItems(behindClock)) {
            Instant t0 = behindClock.instant();
            SessionRecord r = new SessionRecord(
                    SessionId.generate().key(), 1, t0, t0, Duration.ofMinutes(2), t0.plusSeconds(120), null, "{}");
            assertThat(behind.create(r)).isTrue();
            assertThat(MemcachedText.ttlSeconds(store.serverFor(r.key()), store.itemKey(r.key()))
                            .orElseThrow())
                    .isBetween(178L, 180L);
            assertThat(behind.load(r.key())).isPresent();
            assertThat(store.load(r.key())).isEmpty();
        }
    }

    @Test
    void item13_outOfRangeMetadataWrittenByHandIsUndecodableAndDroppedNeverAFailureAtSave() {
        long now = clock.millis();
        long e = now + 1_800_000;
        List<String> hostile = List.of(
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + e + ",\"mi\":" + Long.MAX_VALUE
                        + ",\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + e
                        + ",\"mi\":0,\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + e
                        + ",\"mi\":-5,\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + Long.MAX_VALUE
                        + ",\"mi\":1800,\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + Long.MIN_VALUE + ",\"a\":" + now + ",\"e\":" + e
                        + ",\"mi\":1800,\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":-1000,\"e\":" + e + ",\"mi\":1800,\"p\":null,\"attrs\":{}}",
                "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + e
                        + ",\"mi\":1e400,\"p\":null,\"attrs\":{}}");
        Map<String, Consumer<SessionKey>> damage = new LinkedHashMap<>();
        for (String envelope : hostile) {
            damage.put(
                    envelope,
                    key -> MemcachedText.set(
                            store.serverFor(key), store.itemKey(key), envelope.getBytes(StandardCharsets.UTF_8), 600));
        }
        HostileMetadata.assertUndecodableUnderEveryPolicy(store, clock, damage);
    }

    @Test
    void item10_valuesAtTheSetAttributeLimitsRoundTrip() {
        SessionManager manager = SessionManager.builder(store).clock(clock).build();
        Session s = manager.create();
        java.util.Map<String, Object> limits = AttributeLimits.values();
        limits.forEach(s::setAttribute);
        manager.save(s);

        AttributeLimits.assertHeldBy(manager.find(s.id()).orElseThrow(), limits);
    }

    @Test
    void item17_declaresNoExpiryEventsAndPingsEveryServer() {
        assertThat(store.features()).doesNotContain(StoreFeature.EXPIRY_EVENTS);
        assertThatThrownBy(() -> store.claimExpired(10, Duration.ofMinutes(2)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("EXPIRY_EVENTS");
        assertThatThrownBy(() -> store.removeExpired(List.of())).isInstanceOf(UnsupportedOperationException.class);
        store.ping();
        store.close();
        assertThatThrownBy(store::ping)
                .as("a closed store")
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("ping");
    }

    @Test
    @DisplayName("a half-open connection (peer gone without FIN) is dropped after reconnect-after-timeouts timeouts")
    void halfOpenConnectionIsReplacedAfterConsecutiveTimeouts() {
        InetSocketAddress server = TestServers.memcachedAddresses().get(0);
        try (FaultProxy proxy = FaultProxy.start(server);
                MemcachedSessionStore viaProxy = MemcachedSessionStore.builder()
                        .servers(proxy.hostAndPort())
                        .keyPrefix(prefix)
                        .clock(clock)
                        .operationTimeout(Duration.ofMillis(300))
                        .maxReconnectDelay(Duration.ofSeconds(1))
                        .reconnectAfterTimeouts(3)
                        .build()) {
            SessionRecord r = record(Duration.ofMinutes(30), "{}");
            assertThat(viaProxy.create(r)).isTrue();
            assertThat(proxy.halfOpen()).isEqualTo(1);
            int timeouts = 0;
            int otherFailures = 0;
            // spymemcached's own threshold (about 1 000 timeouts) would fail every call here for minutes.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try {
                    assertThat(viaProxy.load(r.key())).isPresent();
                    break;
                } catch (SessionStoreUnavailableException e) {
                    if (String.valueOf(e.getMessage()).contains("no answer within")) {
                        timeouts++;
                    } else {
                        otherFailures++; // the connection is being reopened: calls fail at once meanwhile
                        ServerProcess.sleepMillis(50); // bounded poll: the reconnect is at most 1 s away
                    }
                    assertThat(System.nanoTime()).as("recovered within 15 s").isLessThan(deadline);
                }
            }
            assertThat(timeouts)
                    .as("calls that timed out on the dead connection")
                    .isEqualTo(3);
            assertThat(proxy.connectionsAccepted())
                    .as("a new connection replaced it")
                    .isEqualTo(2);
            System.out.printf(
                    "[memcached half-open] %d timeouts of 300 ms, then %d fast failures while reconnecting%n",
                    timeouts, otherFailures);
        }
    }
}
