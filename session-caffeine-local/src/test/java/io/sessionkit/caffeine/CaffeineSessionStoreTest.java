package io.sessionkit.caffeine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.AttributeLimits;
import io.sessionkit.testing.DeleteReplaceRace;
import io.sessionkit.testing.FreshRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
}
