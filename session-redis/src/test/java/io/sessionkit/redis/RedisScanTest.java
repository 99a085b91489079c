package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.FreshRecords;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RedisSessionStore#scan} on a private Redis (so that its keyspace holds only what these tests write and
 * {@code INFO commandstats} counts only their commands): what it matches, the carried keys, cursors, and the commands a
 * scan of 10 000 records costs.
 */
class RedisScanTest {
    @RegisterExtension
    static final PrivateRedis REDIS = new PrivateRedis("scan");

    private static final MutableClock CLOCK = MutableClock.startingNow();

    private static RedisSessionStore store(String prefix) {
        return RedisSessionStore.builder()
                .uri(REDIS.uri())
                .keyPrefix(prefix)
                .clock(CLOCK)
                .build();
    }

    /** Every page of a full scan, checking that none exceeds {@code pageSize}. */
    private static List<ScanPage> scanAll(RedisSessionStore store, int pageSize) {
        List<ScanPage> pages = new ArrayList<>();
        String cursor = null;
        do {
            ScanPage page = store.scan(cursor, pageSize);
            assertThat(page.records().size()).isLessThanOrEqualTo(pageSize);
            pages.add(page);
            cursor = page.next();
        } while (cursor != null);
        return pages;
    }

    private static Map<SessionKey, SessionRecord> once(List<ScanPage> pages) {
        Map<SessionKey, SessionRecord> out = new HashMap<>();
        for (ScanPage p : pages) {
            for (SessionRecord r : p.records()) {
                assertThat(out.put(r.key(), r))
                        .as("returned twice: %s", r.key())
                        .isNull();
            }
        }
        return out;
    }

    @Test
    @DisplayName("[SCAN, Redis] 10 000 records, page 500: each once, and the SCAN / MGET / INFO calls counted")
    void tenThousand() {
        try (RedisSessionStore store = store("sk:scan-big:")) {
            Map<SessionKey, SessionRecord> written = new HashMap<>();
            for (int i = 0; i < 10_000; i++) {
                SessionRecord r = FreshRecords.record(CLOCK, i % 10 == 0 ? "user" + i : null, "{\"i\":" + i + "}");
                assertThat(store.create(r)).isTrue();
                written.put(r.key(), r);
            }
            CommandStats.reset(REDIS.admin());
            List<ScanPage> pages = scanAll(store, 500);
            Map<String, Long> calls = CommandStats.read(REDIS.admin());
            assertThat(once(pages)).isEqualTo(written);
            long withRecords =
                    pages.stream().filter(p -> !p.records().isEmpty()).count();
            System.out.printf(
                    "scan of 10 000 records, page 500, standalone: %d pages (%d with records), commandstats %s%n",
                    pages.size(), withRecords, calls);
            assertThat(calls.get("mget")).as("one MGET per page with keys").isEqualTo(withRecords);
            assertThat(calls.get("scan")).as("at most one SCAN per page").isLessThanOrEqualTo(pages.size());
            assertThat(calls.get("scan")).as("COUNT follows the page size").isLessThanOrEqualTo(10_000 / 500 + 3);
            // CommandStats leaves out INFO (its own read): the store sends one INFO server per SCAN, in the same
            // pipeline.
            assertThat(calls).containsOnlyKeys("scan", "mget");
        } finally {
            io.sessionkit.testing.RedisKeys.deleteAll(REDIS.admin(), "sk:scan-big:");
        }
    }

    @Test
    @DisplayName("[SCAN, Redis] only this prefix's live session keys; indexes, other prefixes, expired and undecodable"
            + " records left out; page size 1 carries the extra keys in the cursor")
    void onlySessionKeys() {
        String prefix = "sk:scan-only:";
        try (RedisSessionStore store = store(prefix);
                RedisSessionStore longer = store(prefix + "x:");
                RedisSessionStore braced = store(prefix + "{ab}s:")) {
            Map<SessionKey, SessionRecord> live = new HashMap<>();
            for (int i = 0; i < 60; i++) {
                SessionRecord r = FreshRecords.record(CLOCK, i % 3 == 0 ? "alice" : null, "{}");
                assertThat(store.create(r)).isTrue();
                live.put(r.key(), r);
            }
            SessionRecord expiring = FreshRecords.record(CLOCK, Duration.ofSeconds(5), null, "{}");
            assertThat(store.create(expiring)).isTrue();
            SessionRecord bad = FreshRecords.record(CLOCK, null, "{}");
            assertThat(store.create(bad)).isTrue();
            REDIS.admin().set(store.sessionKey(bad.key()), "{not json");
            assertThat(longer.create(FreshRecords.record(CLOCK, null, "{}"))).isTrue();
            assertThat(braced.create(FreshRecords.record(CLOCK, null, "{}"))).isTrue();
            REDIS.admin().set(prefix + "{zz}s:" + "A".repeat(SessionKey.LENGTH), "{}"); // a bucket tag no key has
            CLOCK.advance(Duration.ofSeconds(10));

            List<ScanPage> pages = scanAll(store, 1);
            assertThat(once(pages)).isEqualTo(live);
            assertThat(pages.stream()
                            .map(ScanPage::next)
                            .filter(c -> c != null && c.split(":", -1).length > 3)
                            .count())
                    .as("cursors that carry keys")
                    .isPositive();
            for (int size : List.of(7, 1000)) {
                assertThat(once(scanAll(store, size))).isEqualTo(live);
            }
        } finally {
            io.sessionkit.testing.RedisKeys.deleteAll(REDIS.admin(), prefix);
        }
    }

    @Test
    @DisplayName("[SCAN, Redis] a cursor continues on another store; foreign, malformed or restarted-server cursors are"
            + " refused with IllegalArgumentException")
    void cursors() {
        String prefix = "sk:scan-cursor:";
        try (RedisSessionStore a = store(prefix);
                RedisSessionStore b = store(prefix)) {
            Map<SessionKey, SessionRecord> live = new HashMap<>();
            for (int i = 0; i < 100; i++) {
                SessionRecord r = FreshRecords.record(CLOCK, null, "{}");
                assertThat(a.create(r)).isTrue();
                live.put(r.key(), r);
            }
            ScanPage first = a.scan(null, 30);
            assertThat(first.next()).startsWith("r1:");
            List<ScanPage> pages = new ArrayList<>(List.of(first));
            @Nullable String cursor = first.next();
            while (cursor != null) {
                ScanPage p = b.scan(cursor, 30);
                pages.add(p);
                cursor = p.next();
            }
            assertThat(once(pages)).isEqualTo(live);

            String resumable = first.next();
            String otherRun = resumable.replaceFirst("^r1:[0-9a-f]{12}:", "r1:000000000000:");
            assertThatThrownBy(() -> a.scan(otherRun, 30))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("restarted or failed over");
            for (String foreign : List.of(
                    "",
                    "0",
                    "j1:abc",
                    "r1:",
                    "r1:-:x",
                    "r1:-:99999999999999999999",
                    "r1:-:5:short",
                    "c1:AAAAAAAA:0:-:0",
                    "r1:-:5:" + "*".repeat(SessionKey.LENGTH),
                    "r1:-:5:\n")) {
                assertThatThrownBy(() -> a.scan(foreign, 30))
                        .as("cursor %s", foreign)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageNotContaining("\n");
            }
            assertThatThrownBy(() -> a.scan(null, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(a.load(live.keySet().iterator().next())).isPresent();
        } finally {
            io.sessionkit.testing.RedisKeys.deleteAll(REDIS.admin(), prefix);
        }
    }
}
