package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.RedisClient;

/**
 * Issue 14 on standalone Redis: the compare-and-set delete (item 3's primitive), idempotent writes (item 6, the
 * deterministic half; the fault test on a paused Cluster node is in {@link RedisClusterFaultTest}), clock skew between
 * nodes (item 11) and hostile stored metadata (item 13).
 */
class RedisCorrectnessTest {
    private static final Duration GRACE = RedisSessionStore.DEFAULT_EXPIRY_GRACE;
    private static final Duration IDLE = Duration.ofMinutes(2);

    private final SharedRedisPrefix redis = new SharedRedisPrefix("c");
    private final RedisClient raw = redis.raw();

    @AfterEach
    void close() {
        redis.close();
    }

    private RedisSessionStore store(MutableClock clock) {
        return redis.store(clock);
    }

    private static SessionManager manager(RedisSessionStore store, MutableClock clock) {
        return SessionManager.builder(store)
                .clock(clock)
                .expiryPolicy(ExpiryPolicy.of(IDLE, Duration.ofHours(12)))
                .build();
    }

    private static SessionRecord record(MutableClock clock, SessionKey key, long version, String principal) {
        return RedisSessionStoreTest.written(
                clock, key, version, Duration.ofMinutes(30), principal, "{\"v\":" + version + "}");
    }

    // ---- item 3: the compare-and-set delete rotation needs ----

    @Test
    void item3_deleteWithVersionRemovesOnlyThatVersionOfALiveRecord() {
        MutableClock clock = MutableClock.startingNow();
        RedisSessionStore store = store(clock);
        SessionKey key = RedisSessionStoreTest.randomKey();
        assertThat(store.create(record(clock, key, 1, "alice"))).isTrue();
        assertThat(store.replace(record(clock, key, 2, "alice"), 1)).isEqualTo(ReplaceResult.OK);

        assertThat(store.delete(key, 1)).as("another version is live").isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(key)).map(SessionRecord::version).contains(2L);

        assertThat(store.delete(key, 2)).isEqualTo(ReplaceResult.OK);
        assertThat(store.load(key)).isEmpty();
        assertThat(store.findByPrincipal("alice")).isEmpty();
        assertThat(store.replace(record(clock, key, 3, "alice"), 2))
                .as("never resurrected")
                .isEqualTo(ReplaceResult.GONE);
        assertThat(store.delete(key, 2)).isEqualTo(ReplaceResult.GONE);
        assertThat(store.delete(key, 3))
                .as("the tombstone is not a live record of any version")
                .isEqualTo(ReplaceResult.GONE);
        assertThat(store.delete(RedisSessionStoreTest.randomKey(), 1)).isEqualTo(ReplaceResult.GONE);
        assertThat(store.purgeExpired())
                .as("a tombstone is not counted as a purged record")
                .isZero();

        long ttl = raw.pttl(store.sessionKey(key));
        assertThat(ttl)
                .as("the tombstone expires by itself, within seconds")
                .isPositive()
                .isLessThanOrEqualTo(60_000);
    }

    @Test
    void item3_deleteWithVersionOfARecordExpiredByTheStoreClockIsGone() {
        MutableClock clock = MutableClock.startingNow();
        RedisSessionStore store = store(clock);
        SessionKey key = RedisSessionStoreTest.randomKey();
        assertThat(store.create(record(clock, key, 1, null))).isTrue();
        clock.advance(Duration.ofMinutes(30));
        assertThat(raw.exists(store.sessionKey(key))).as("still held by Redis").isTrue();
        assertThat(store.delete(key, 1)).isEqualTo(ReplaceResult.GONE);
    }

    // ---- item 6, deterministic half: the same write sent twice is applied once and answered the same ----

    @Test
    void item6_aWriteSentTwiceIsAppliedOnceAndAnsweredAsApplied() {
        MutableClock clock = MutableClock.startingNow();
        RedisSessionStore store = store(clock);
        SessionKey key = RedisSessionStoreTest.randomKey();
        String create = RedisSessionStore.newToken();
        assertThat(store.create(record(clock, key, 1, null), create)).isTrue();
        assertThat(store.create(record(clock, key, 1, null), create))
                .as("the same create again: already applied")
                .isTrue();
        assertThat(store.create(record(clock, key, 1, null), RedisSessionStore.newToken()))
                .as("another writer's create")
                .isFalse();

        String replace = RedisSessionStore.newToken();
        SessionRecord v2 = record(clock, key, 2, null);
        assertThat(store.replace(v2, 1, replace)).isEqualTo(ReplaceResult.OK);
        assertThat(store.replace(v2, 1, replace)).as("the same replace again").isEqualTo(ReplaceResult.OK);
        assertThat(store.replace(v2, 1, RedisSessionStore.newToken()))
                .as("another writer from the same base")
                .isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(key)).contains(v2);

        // Other writers followed: the late copy is still recognised while fewer than KEPT_TOKENS writes came after it.
        for (int v = 3; v < 2 + RedisScripts.KEPT_TOKENS; v++) {
            assertThat(store.replace(record(clock, key, v, null), v - 1)).isEqualTo(ReplaceResult.OK);
        }
        assertThat(store.replace(v2, 1, replace)).isEqualTo(ReplaceResult.OK);
        assertThat(store.load(key)).map(SessionRecord::version).contains(1L + RedisScripts.KEPT_TOKENS);

        long last = 1L + RedisScripts.KEPT_TOKENS;
        String delete = RedisSessionStore.newToken();
        assertThat(store.delete(key, last, delete)).isEqualTo(ReplaceResult.OK);
        assertThat(store.delete(key, last, delete))
                .as("the same delete again: OK, not GONE")
                .isEqualTo(ReplaceResult.OK);
        assertThat(store.delete(key, last, RedisSessionStore.newToken())).isEqualTo(ReplaceResult.GONE);
        assertThat(store.load(key)).isEmpty();
    }

    // ---- item 11: clock skew between nodes ----

    /**
     * Two nodes whose clocks differ by {@code skewSeconds} (within the grace), both 5 minutes behind the Redis server
     * (with {@code PXAT} on the writer's clock, everything they wrote with a 2-minute idle timeout was already expired
     * for Redis).
     */
    @ParameterizedTest(name = "node B is {0} s off node A")
    @ValueSource(longs = {59, -59})
    void item11_skewWithinTheGraceLosesNothingAndEndsNoSessionEarlyByMoreThanTheSkew(long skewSeconds) {
        Duration skew = Duration.ofSeconds(skewSeconds);
        assertThat(skew.abs()).isEqualTo(GRACE.minusSeconds(1));
        MutableClock a = MutableClock.startingNow();
        a.advance(Duration.ofMinutes(-5));
        MutableClock b = MutableClock.startingNow();
        b.set(a.instant().plus(skew));
        RedisSessionStore storeA = store(a);
        RedisSessionStore storeB = store(b);
        SessionManager managerA = manager(storeA, a);
        SessionManager managerB = manager(storeB, b);
        MutableClock aheadClock = skewSeconds > 0 ? b : a;
        MutableClock behindClock = skewSeconds > 0 ? a : b;
        SessionManager ahead = skewSeconds > 0 ? managerB : managerA;
        SessionManager behind = skewSeconds > 0 ? managerA : managerB;

        Session s = managerA.create();
        s.setPrincipal("alice");
        s.setAttribute("cart", List.of("apple"));
        assertThat(managerA.save(s)).isEqualTo(SaveResult.CREATED);
        Session seenByB =
                managerB.find(s.id()).orElseThrow(() -> new AssertionError("B lost the session A just created"));
        seenByB.setAttribute("cart", List.of("apple", "pear"));
        long beforeSave = System.nanoTime();
        assertThat(managerB.save(seenByB)).isEqualTo(SaveResult.UPDATED);
        Session seenByA =
                managerA.find(s.id()).orElseThrow(() -> new AssertionError("A lost the session B just saved"));
        assertThat(seenByA.getAttribute("cart")).isEqualTo(List.of("apple", "pear"));

        // The native expiry comes after the expiry by either clock: Redis never removes what a node considers live.
        Instant expiresAt = seenByA.expiresAt();
        long ttl = raw.pttl(storeB.sessionKey(s.id().key()));
        long elapsed = (System.nanoTime() - beforeSave) / 1_000_000 + 1;
        assertThat(ttl)
                .isGreaterThanOrEqualTo(
                        Duration.between(behindClock.instant(), expiresAt).toMillis() - elapsed);

        // Until just before its expiry by the faster clock both nodes see it; the faster one stops seeing it at most
        // `skew` before the slower one.
        Duration left = Duration.between(aheadClock.instant(), expiresAt).minusMillis(1);
        a.advance(left);
        b.advance(left);
        assertThat(ahead.find(s.id())).isPresent();
        assertThat(behind.find(s.id())).isPresent();
        a.advance(Duration.ofMillis(1));
        b.advance(Duration.ofMillis(1));
        assertThat(ahead.find(s.id())).as("expired by the faster clock").isEmpty();
        assertThat(behind.find(s.id()))
                .as("still live by the slower clock, which is `skew` behind")
                .isPresent();
        (skewSeconds > 0 ? storeB : storeA).purgeExpired();
        assertThat(behind.find(s.id()))
                .as("the faster node's purge keeps what the slower node considers live")
                .isPresent();

        // The faster node writes alice's index now: by its clock her first session has expired, by the slower node's
        // it has not, and trimming (by score, with the grace) must keep it.
        Session other = ahead.create();
        other.setPrincipal("alice");
        assertThat(ahead.save(other)).isEqualTo(SaveResult.CREATED);
        assertThat(behind.findByPrincipal("alice")).extracting(SessionInfo::key).contains(s.id().key());
        assertThat(behind.invalidateAll("alice")).isEqualTo(2);
        assertThat(behind.find(s.id())).isEmpty();
        assertThat(behind.find(other.id())).isEmpty();
    }

    /**
     * Beyond the grace, what the store documents happens, and nothing worse: the native expiry and the index trim may
     * act up to {@code skew - grace} before a slower node's clock says the session expires.
     */
    @Test
    void item11_skewBeyondTheGraceEndsSessionsAtMostSkewMinusGraceEarlyOnTheSlowerNode() {
        Duration skew = GRACE.plusSeconds(30);
        Duration early = skew.minus(GRACE);
        MutableClock slow = MutableClock.startingNow();
        slow.advance(Duration.ofMinutes(-5));
        MutableClock fast = MutableClock.startingNow();
        fast.set(slow.instant().plus(skew));
        SessionManager slowManager = manager(store(slow), slow);
        RedisSessionStore fastStore = store(fast);
        SessionManager fastManager = manager(fastStore, fast);

        // A record written by the fast node: Redis keeps it `early` less than the slow node expects.
        Session byFast = fastManager.create();
        byFast.setAttribute("n", 1);
        long before = System.nanoTime();
        assertThat(fastManager.save(byFast)).isEqualTo(SaveResult.CREATED);
        assertThat(slowManager.find(byFast.id()))
                .as("readable at once: nothing is lost at write time")
                .isPresent();
        long ttl = raw.pttl(fastStore.sessionKey(byFast.id().key()));
        long elapsed = (System.nanoTime() - before) / 1_000_000 + 1;
        long slowExpects = Duration.between(slow.instant(), byFast.expiresAt()).toMillis();
        // Records are kept expiredRetention longer than the grace alone (for the sweep), which shortens the loss.
        long retention = RedisSessionStore.DEFAULT_EXPIRED_RETENTION.toMillis();
        assertThat(slowExpects - ttl).isBetween(early.toMillis() - retention, early.toMillis() - retention + elapsed);

        // An index member the slow node still considers live for 20 s is trimmed by a write of the fast node.
        Session bySlow = slowManager.create();
        bySlow.setPrincipal("bob");
        assertThat(slowManager.save(bySlow)).isEqualTo(SaveResult.CREATED);
        Duration toExpiry = Duration.between(slow.instant(), bySlow.expiresAt()).minusSeconds(20);
        slow.advance(toExpiry);
        fast.advance(toExpiry);
        Session another = fastManager.create();
        another.setPrincipal("bob");
        assertThat(fastManager.save(another)).isEqualTo(SaveResult.CREATED);
        assertThat(slowManager.find(bySlow.id()))
                .as("live for 20 s more by the slow clock")
                .isPresent();
        assertThat(slowManager.findByPrincipal("bob"))
                .extracting(SessionInfo::key)
                .as(
                        "documented: beyond the grace, log-out-everywhere may miss a session within skew - grace of its expiry")
                .doesNotContain(bySlow.id().key())
                .contains(another.id().key());
    }

    // ---- item 13: hostile stored metadata ----

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '=',
            value = {"mi=1000000000000000", "mi=0", "e=100000000000000000", "a=-5", "c=9223372036854775807"})
    void item13_absurdStoredMetadataIsUndecodableNeverADateTimeExceptionAtSave(String field, String absurd) {
        MutableClock clock = MutableClock.startingNow();
        RedisSessionStore store = store(clock);
        SessionManager manager = SessionManager.builder(store)
                .clock(clock)
                .decodeFailurePolicy(DecodeFailurePolicy.DROP_SESSION)
                .build();
        SessionId id = SessionId.generate();
        long now = clock.millis();
        java.util.Map<String, String> fields = new java.util.LinkedHashMap<>();
        fields.put("c", Long.toString(now));
        fields.put("a", Long.toString(now));
        fields.put("e", Long.toString(now + 1_800_000));
        fields.put("mi", "1800");
        fields.put(field, absurd);
        StringBuilder envelope = new StringBuilder("{\"fmt\":1,\"v\":1");
        fields.forEach((k, v) -> envelope.append(",\"").append(k).append("\":").append(v));
        envelope.append(",\"p\":null,\"attrs\":{\"cart\":[1]}}");
        raw.set(store.sessionKey(id.key()), envelope.toString());

        assertThatThrownBy(() -> store.load(id.key())).isInstanceOf(SessionCodecException.class);
        assertThat(manager.find(id)).isEmpty();
        assertThat(manager.update(id.value(), x -> x.setAttribute("n", 1))).isEmpty();

        Session next = manager.create();
        next.setAttribute("cart", List.of("pear"));
        assertThat(manager.save(next)).isEqualTo(SaveResult.CREATED);
        Session found = manager.find(next.id()).orElseThrow();
        found.setAttribute("n", 2);
        assertThat(manager.save(found)).isEqualTo(SaveResult.UPDATED);
    }
}
