package io.sessionkit.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.AttributeLimits;
import io.sessionkit.testing.DeleteReplaceRace;
import io.sessionkit.testing.FreshRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the conformance kit does not pin down for the in-process store: the compare-and-set delete, value limits, and
 * where its expired events come from (Caffeine's removal listener: expiry yes, size eviction and extension no).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CaffeineSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final CaffeineSessionStore store =
            CaffeineSessionStore.builder().clock(clock).build();

    @AfterEach
    void close() {
        store.close();
    }

    private SessionRecord record(@Nullable String principal) {
        return FreshRecords.record(clock, principal, "{\"a\":1}");
    }

    @Test
    void item4_casDeleteRemovesOnlyTheExpectedVersion() {
        SessionRecord v1 = record("alice");
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
        SessionRecord r = record(null);
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
        DeleteReplaceRace.assertExactlyOneWinner(
                500,
                round -> {
                    SessionRecord v1 = FreshRecords.record(clock, null, "{\"a\":1}");
                    store.create(v1);
                    return v1;
                },
                store,
                store);
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
        Map<String, Object> limits = AttributeLimits.values();
        limits.forEach(s::setAttribute);
        manager.save(s);

        AttributeLimits.assertHeldBy(manager.find(s.id()).orElseThrow(), limits);
    }

    // ---- issue 17 ----

    private static final Duration LEASE = Duration.ofMinutes(2);

    /** Past the expiry of a record written now, and past the grace. */
    private void pastExpiryAndGrace() {
        clock.advance(FreshRecords.MAX_IDLE
                .plus(CaffeineSessionStore.DEFAULT_EXPIRY_GRACE)
                .plusSeconds(1));
    }

    private static List<SessionKey> keys(List<ExpiredSession> claimed) {
        return claimed.stream().map(ExpiredSession::key).toList();
    }

    @Test
    void item17_declaresExactlyWhatItImplements() {
        assertThat(store.features()).as("every feature there is").containsExactlyInAnyOrder(StoreFeature.values());
        store.ping();
    }

    @Test
    void item17_liveSessionsEvictedForSizeAreNeverReportedAsExpired() {
        CaffeineSessionStore small =
                CaffeineSessionStore.builder().clock(clock).maximumSize(2).build();
        try {
            for (int i = 0; i < 6; i++) {
                assertThat(small.create(record("u" + i))).isTrue();
            }
            small.cache().cleanUp();
            Set<SessionKey> kept = Set.copyOf(small.cache().asMap().keySet());
            assertThat(kept).as("evicted for size while live").hasSizeLessThanOrEqualTo(2);
            assertThat(small.claimExpired(100, LEASE)).as("nothing expired yet").isEmpty();
            pastExpiryAndGrace();
            assertThat(keys(small.claimExpired(100, LEASE)))
                    .as("only the sessions that stayed and then expired")
                    .containsExactlyInAnyOrderElementsOf(kept);
        } finally {
            small.close();
        }
    }

    @Test
    void item17_anExtendedSessionIsReportedOnceFromItsNewExpiryOnly() {
        SessionRecord r = record("ext");
        store.create(r);
        clock.advance(Duration.ofMinutes(20));
        Instant later = clock.instant().plus(FreshRecords.MAX_IDLE);
        SessionRecord extended = new SessionRecord(
                r.key(), 2, r.createdAt(), clock.instant(), r.maxIdle(), later, r.principal(), r.attributes());
        assertThat(store.replace(extended, 1)).isEqualTo(ReplaceResult.OK);
        clock.advance(Duration.ofMinutes(10)
                .plus(CaffeineSessionStore.DEFAULT_EXPIRY_GRACE)
                .plusSeconds(1));
        assertThat(store.claimExpired(100, LEASE))
                .as("past the old expiry and grace")
                .isEmpty();
        clock.advance(Duration.ofMinutes(20));
        assertThat(store.claimExpired(100, LEASE)).containsExactly(new ExpiredSession(r.key(), "ext", later));
    }

    @Test
    void item17_anExpiredSessionAReplaceFindsGoneIsStillReportedAfterTheGrace() {
        SessionRecord r = record("gone");
        store.create(r);
        clock.advance(FreshRecords.MAX_IDLE.plusSeconds(1));
        assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.GONE);
        assertThat(store.load(r.key())).isEmpty();
        assertThat(store.claimExpired(100, LEASE)).as("inside the grace").isEmpty();
        clock.advance(CaffeineSessionStore.DEFAULT_EXPIRY_GRACE);
        assertThat(store.claimExpired(100, LEASE)).containsExactly(new ExpiredSession(r.key(), "gone", r.expiresAt()));
    }

    @Test
    void item17_aClaimNeverRemovedComesBackAfterItsLeaseAndRemoveExpiredAcknowledgesIt() {
        SessionRecord r = record(null);
        store.create(r);
        pastExpiryAndGrace();
        List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
        assertThat(keys(claimed)).containsExactly(r.key());
        assertThat(store.claimExpired(10, LEASE)).as("while the lease holds").isEmpty();
        clock.advance(LEASE);
        assertThat(store.claimExpired(10, LEASE))
                .as("the sweeper died: not lost")
                .isEqualTo(claimed);
        store.removeExpired(claimed);
        store.removeExpired(claimed);
        clock.advance(LEASE);
        assertThat(store.claimExpired(10, LEASE)).as("acknowledged").isEmpty();
    }

    @Test
    void item17_oldestFirstAtMostMaxAndAtMostMaximumSizeWaitWhenNobodyClaims() {
        CaffeineSessionStore small =
                CaffeineSessionStore.builder().clock(clock).maximumSize(3).build();
        try {
            List<SessionKey> created = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SessionRecord r = record(null);
                assertThat(small.create(r)).isTrue();
                created.add(r.key());
                // Each expires on its own; at most 3 are in the cache at once.
                clock.advance(FreshRecords.MAX_IDLE.plusSeconds(1));
                small.cache().cleanUp();
            }
            clock.advance(CaffeineSessionStore.DEFAULT_EXPIRY_GRACE);
            List<ExpiredSession> first = small.claimExpired(2, LEASE);
            assertThat(keys(first))
                    .as("the oldest of the newest three")
                    .containsExactlyElementsOf(created.subList(3, 5));
            assertThat(keys(small.claimExpired(10, LEASE))).containsExactly(created.get(5));
        } finally {
            small.close();
        }
    }

    @Test
    void item17_theGraceIsAKeyAndZeroReportsRightAfterExpiry() {
        CaffeineSessionStore configured = (CaffeineSessionStore) new CaffeineSessionStoreProvider()
                .create(SessionKitConfig.of(Map.of("sessionkit.local.expiry-grace", "0s"))
                        .withClock(clock));
        try {
            SessionRecord r = record(null);
            configured.create(r);
            clock.advance(FreshRecords.MAX_IDLE.plusMillis(1));
            assertThat(keys(configured.claimExpired(10, LEASE))).containsExactly(r.key());
        } finally {
            configured.close();
        }
        assertThatThrownBy(() -> new CaffeineSessionStoreProvider()
                        .create(SessionKitConfig.of(Map.of("sessionkit.local.expiry-grace", "-1s"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.local.expiry-grace");
    }

    @Test
    void theScanIndexForgetsDeletedRotatedAndExpiredRecords() {
        List<SessionRecord> records = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            SessionRecord r = record(null);
            assertThat(store.create(r)).isTrue();
            records.add(r);
        }
        assertThat(store.scanIndexSize()).isEqualTo(100);
        for (int i = 0; i < 30; i++) {
            store.delete(records.get(i).key());
        }
        for (int i = 30; i < 60; i++) {
            assertThat(store.delete(records.get(i).key(), 1)).isEqualTo(io.sessionkit.ReplaceResult.OK);
        }
        assertThat(store.scanIndexSize()).isEqualTo(40);
        assertThat(store.scan(null, 1000).records()).hasSize(40);
        clock.advance(Duration.ofMinutes(31));
        assertThat(store.scan(null, 1000).records()).isEmpty();
        store.purgeExpired();
        assertThat(store.scanIndexSize()).isZero();
        // A create over an expired record keeps its key in the index.
        SessionRecord again = record(null);
        store.create(again);
        assertThat(store.scan(null, 10).records())
                .extracting(SessionRecord::key)
                .containsExactly(again.key());
    }
}
