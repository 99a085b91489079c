package io.sessionkit.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the conformance kit does not pin down for the in-process store: the compare-and-set delete and value limits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CaffeineSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final CaffeineSessionStore store =
            CaffeineSessionStore.builder().clock(clock).build();

    @AfterEach
    void close() {
        store.close();
    }

    private SessionRecord record(long version, String principal) {
        Instant now = clock.instant();
        return new SessionRecord(
                SessionId.generate().key(),
                version,
                now,
                now,
                Duration.ofMinutes(30),
                now.plus(Duration.ofMinutes(30)),
                principal,
                "{\"a\":1}");
    }

    @Test
    void item4_casDeleteRemovesOnlyTheExpectedVersion() {
        SessionRecord v1 = record(1, "alice");
        store.create(v1);
        assertThat(store.replace(v1.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);

        assertThat(store.delete(v1.key(), 1)).as("stale version").isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(v1.key()))
                .as("a conflicting delete removes nothing")
                .get()
                .extracting(SessionRecord::version)
                .isEqualTo(2L);
        assertThat(store.findByPrincipal("alice")).hasSize(1);

        assertThat(store.delete(v1.key(), 2)).isEqualTo(ReplaceResult.OK);
        assertThat(store.load(v1.key())).isEmpty();
        assertThat(store.findByPrincipal("alice"))
                .as("the principal index forgets it")
                .isEmpty();
        assertThat(store.delete(v1.key(), 2)).as("already deleted").isEqualTo(ReplaceResult.GONE);
        assertThat(store.delete(SessionId.generate().key(), 1))
                .as("never existed")
                .isEqualTo(ReplaceResult.GONE);
    }

    @Test
    void item3_casDeleteOfAnExpiredRecordIsGoneAndRemovesIt() {
        SessionRecord r = record(1, null);
        store.create(r);
        clock.advance(Duration.ofMinutes(30));
        assertThat(store.delete(r.key(), 1)).isEqualTo(ReplaceResult.GONE);
        assertThat(store.delete(r.key(), 7))
                .as("expired is GONE whatever the version")
                .isEqualTo(ReplaceResult.GONE);
        assertThat(store.cache().asMap()).doesNotContainKey(r.key());
    }

    @Test
    void item4_casDeleteRacingReplaceHasExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 500; round++) {
                SessionRecord v1 = record(1, null);
                store.create(v1);
                CountDownLatch start = new CountDownLatch(1);
                Future<ReplaceResult> replace = pool.submit(() -> {
                    start.await();
                    return store.replace(v1.withVersion(2), 1);
                });
                Future<ReplaceResult> delete = pool.submit(() -> {
                    start.await();
                    return store.delete(v1.key(), 1);
                });
                start.countDown();
                ReplaceResult replaced = replace.get(10, TimeUnit.SECONDS);
                ReplaceResult deleted = delete.get(10, TimeUnit.SECONDS);
                if (replaced == ReplaceResult.OK) {
                    assertThat(deleted).as("round %d", round).isEqualTo(ReplaceResult.CONFLICT);
                    assertThat(store.load(v1.key()))
                            .get()
                            .extracting(SessionRecord::version)
                            .isEqualTo(2L);
                } else {
                    assertThat(deleted).as("round %d", round).isEqualTo(ReplaceResult.OK);
                    assertThat(replaced).as("round %d", round).isEqualTo(ReplaceResult.GONE);
                    assertThat(store.load(v1.key())).isEmpty();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void item13_outOfRangeMetadataCannotEvenBeHeld() {
        // The store holds SessionRecord objects, never bytes, so the only way to hold hostile metadata would be a
        // record
        // built with it, and SessionRecord refuses to be built so. Nothing here can fail later at save.
        Instant now = clock.instant();
        assertThatThrownBy(() -> new SessionRecord(
                        SessionId.generate().key(),
                        1,
                        now,
                        now,
                        Duration.ofSeconds(Long.MAX_VALUE / 2),
                        now,
                        null,
                        "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxIdle");
        assertThatThrownBy(() -> new SessionRecord(
                        SessionId.generate().key(),
                        1,
                        now,
                        now,
                        Duration.ofMinutes(1),
                        Instant.ofEpochMilli(Long.MAX_VALUE),
                        null,
                        "{}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expiresAt");
    }

    @Test
    void item10_valuesAtTheLimitsRoundTrip() {
        SessionManager manager = SessionManager.builder(store).clock(clock).build();
        Session s = manager.create();
        Object deep = nested(20);
        // The limits setAttribute enforces (ValueLimits): 34 significant digits, 400 digits in plain form.
        BigInteger nines = new BigInteger("9".repeat(34));
        BigDecimal widest = new BigDecimal("9".repeat(34) + "E+366");
        BigDecimal finest = new BigDecimal("0." + "0".repeat(365) + "1".repeat(34));
        BigDecimal huge = new BigDecimal("1E+399");
        BigDecimal tiny = new BigDecimal("1E-399");
        Map<String, Object> oddKeys = new LinkedHashMap<>();
        oddKeys.put("a.b", 1);
        oddKeys.put("$x", 2);
        oddKeys.put("nul\u0000", 3);
        oddKeys.put("%2E", 4);
        s.setAttribute("deep", deep);
        s.setAttribute("nines", nines);
        s.setAttribute("widest", widest);
        s.setAttribute("finest", finest);
        s.setAttribute("huge", huge);
        s.setAttribute("tiny", tiny);
        s.setAttribute("keys", oddKeys);
        manager.save(s);

        Session back = manager.find(s.id()).orElseThrow();
        assertThat(back.getAttribute("deep")).isEqualTo(deep);
        assertThat(back.getAttribute("nines")).isEqualTo(nines);
        assertThat((BigDecimal) back.getAttribute("widest")).isEqualByComparingTo(widest);
        assertThat((BigDecimal) back.getAttribute("finest")).isEqualByComparingTo(finest);
        assertThat((BigDecimal) back.getAttribute("huge")).isEqualByComparingTo(huge);
        assertThat((BigDecimal) back.getAttribute("tiny")).isEqualByComparingTo(tiny);
        assertThat(back.getAttribute("keys")).isEqualTo(oddKeys);
    }

    /** Maps and lists nested {@code depth} levels deep, the innermost holding a string. */
    static Object nested(int depth) {
        Object value = "leaf";
        for (int level = depth; level >= 1; level--) {
            if (level % 2 == 0) {
                List<Object> list = new ArrayList<>();
                list.add(level);
                list.add(value);
                value = list;
            } else {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("level" + level, value);
                value = map;
            }
        }
        return value;
    }
}
