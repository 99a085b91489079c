package io.sessionkit.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionId;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.tck.InterceptingSessionStore.Call;
import io.sessionkit.testing.ForwardingSessionStore;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.LogCapture;
import io.sessionkit.testing.RunNamespace;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bulk copier between real stores: Redis and PostgreSQL, each on a private key prefix or table. */
class BulkCopierTest {
    private final Instant now = Instant.now();

    private RunNamespace redisNs;
    private RunNamespace pgNs;
    private SessionStore redis;
    private SessionStore postgres;

    @BeforeEach
    void open() {
        redisNs = RunNamespace.redis("sk:bulk");
        pgNs = RunNamespace.postgres("bulk");
        Map<String, String> r = new HashMap<>();
        r.put("sessionkit.store", "redis");
        r.put("sessionkit.redis.uri", redisNs.server());
        r.put("sessionkit.redis.key-prefix", redisNs.name());
        redis = SessionStores.open(SessionKitConfig.of(r));
        Map<String, String> p = new HashMap<>();
        p.put("sessionkit.store", "jdbc");
        p.put("sessionkit.jdbc.url", pgNs.server());
        p.put("sessionkit.jdbc.table", pgNs.name());
        p.put("sessionkit.jdbc.create-schema", "true");
        p.put("sessionkit.jdbc.pool.max-size", "4");
        postgres = SessionStores.open(SessionKitConfig.of(p));
    }

    @AfterEach
    void close() {
        redis.close();
        postgres.close();
        redisNs.cleanUp();
        pgNs.cleanUp();
    }

    /** Sessions of every shape: with and without a principal, versions above 1, nested attributes. */
    private List<SessionRecord> sessions(int n) {
        List<SessionRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant created = now.minusSeconds(600 + i);
            Instant touched = now.minusSeconds(i % 300);
            Duration idle = Duration.ofMinutes(30 + i % 5);
            out.add(new SessionRecord(
                    SessionId.generate().key(),
                    1 + i % 7,
                    created,
                    touched,
                    idle,
                    touched.plus(idle),
                    i % 3 == 0 ? null : "user-" + (i % 11),
                    "{\"n\":" + i + ",\"cart\":[\"apple\",{\"sku\":\"p-" + i
                            + "\",\"qty\":2}],\"ok\":true,\"z\":null}"));
        }
        return out;
    }

    private static void store(SessionStore store, List<SessionRecord> records) {
        records.forEach(r -> assertThat(store.create(r)).as("create %s", r).isTrue());
    }

    private static void assertSameEverywhere(List<SessionRecord> records, SessionStore target) {
        for (SessionRecord r : records) {
            SessionRecord copy = target.load(r.key()).orElseThrow(() -> new AssertionError("missing " + r));
            assertThat(copy.version()).isEqualTo(r.version());
            assertThat(copy.createdAt()).isEqualTo(r.createdAt());
            assertThat(copy.lastAccessedAt()).isEqualTo(r.lastAccessedAt());
            assertThat(copy.maxIdle()).isEqualTo(r.maxIdle());
            assertThat(copy.expiresAt()).isEqualTo(r.expiresAt());
            assertThat(copy.principal()).isEqualTo(r.principal());
            assertThat(BulkCopier.sameSession(r, copy)).as("same session %s", r).isTrue();
        }
    }

    @Test
    void copiesRedisToPostgresWholeAndVerifiesClean() {
        List<SessionRecord> records = sessions(230);
        store(redis, records);
        List<BulkCopier.Progress> seen = new ArrayList<>();

        BulkCopier.Result result = BulkCopier.builder(redis, postgres)
                .pageSize(40)
                .progress(seen::add)
                .build()
                .copy();

        assertThat(result.complete()).isTrue();
        assertThat(result.copied()).isEqualTo(230);
        assertThat(result.skipped()).isZero();
        assertThat(result.failed()).isZero();
        assertThat(seen).isNotEmpty();
        assertThat(seen.get(seen.size() - 1).cursor()).isNull();
        assertSameEverywhere(records, postgres);
        BulkCopier.Verification v = BulkCopier.verify(redis, postgres, 100);
        assertThat(v.clean()).as("%s", v).isTrue();
        assertThat(v.checked()).isEqualTo(230);
    }

    @Test
    void copiesPostgresToRedisWholeAndVerifiesClean() {
        List<SessionRecord> records = sessions(230);
        store(postgres, records);

        BulkCopier.Result result =
                BulkCopier.builder(postgres, redis).pageSize(33).build().copy();

        assertThat(result.copied()).isEqualTo(230);
        assertSameEverywhere(records, redis);
        assertThat(BulkCopier.verify(postgres, redis, 50).clean()).isTrue();
    }

    @Test
    void skipsWhatTheTargetHoldsAndNeverOverwritesIt() {
        List<SessionRecord> records = sessions(50);
        store(redis, records);
        SessionRecord newer = records.get(0).withVersion(records.get(0).version() + 5);
        assertThat(postgres.create(newer)).isTrue();

        BulkCopier.Result result =
                BulkCopier.builder(redis, postgres).pageSize(10).build().copy();

        assertThat(result.copied()).isEqualTo(49);
        assertThat(result.skipped()).isEqualTo(1);
        assertThat(postgres.load(newer.key()).orElseThrow().version()).isEqualTo(newer.version());
        BulkCopier.Verification v = BulkCopier.verify(redis, postgres, 10);
        assertThat(v.different()).isEqualTo(1);
        assertThat(v.differentKeys()).containsExactly(newer.key().shortForm());
        assertThat(v.missing()).isZero();
        assertThat(v.extra()).isZero();
    }

    /** Runs {@code builder}'s copy, telling {@code seen} each page's progress, and stops it after {@code pages} pages. */
    private static BulkCopier.Result copyStoppedAfter(
            BulkCopier.Builder builder, int pages, Consumer<BulkCopier.Progress> seen) {
        AtomicReference<BulkCopier> copier = new AtomicReference<>();
        copier.set(builder.progress(p -> {
                    seen.accept(p);
                    if (p.pages() == pages) {
                        copier.get().stop();
                    }
                })
                .build());
        return copier.get().copy();
    }

    @Test
    void aStoppedCopyResumesFromItsCheckpointAndCopiesEverythingOnce() {
        List<SessionRecord> records = sessions(300);
        store(redis, records);
        AtomicReference<String> checkpoint = new AtomicReference<>();
        BulkCopier.Result stopped =
                copyStoppedAfter(BulkCopier.builder(redis, postgres).pageSize(25), 3, p -> checkpoint.set(p.cursor()));

        assertThat(stopped.complete()).isFalse();
        assertThat(stopped.cursor()).isNotNull().isEqualTo(checkpoint.get());
        assertThat(stopped.pages()).isEqualTo(3);
        assertThat(stopped.copied()).isLessThan(300);
        BulkCopier.Result resumed = BulkCopier.builder(redis, postgres)
                .pageSize(25)
                .resumeFrom(checkpoint.get())
                .build()
                .copy();
        assertThat(resumed.complete()).isTrue();
        assertThat(stopped.copied() + resumed.copied()).isEqualTo(300);
        assertSameEverywhere(records, postgres);
        assertThat(BulkCopier.verify(redis, postgres, 100).clean()).isTrue();
    }

    @Test
    void countsAndLogsFailedCreatesByShortKeyAndGoesOn() {
        List<SessionRecord> records = sessions(20);
        store(redis, records);
        ForwardingSessionStore target = new ForwardingSessionStore(postgres);
        target.fail(Call.CREATE);
        BulkCopier.Result result;
        try (LogCapture log = LogCapture.of(BulkCopier.class.getName())) {
            result = BulkCopier.builder(redis, target)
                    .pageSize(7)
                    .parallelism(1)
                    .build()
                    .copy();
            assertThat(log.warnings()).hasSize(20);
            assertThat(log.warnings().get(0))
                    .contains("not copied")
                    .doesNotContain(records.get(0).key().value());
        }
        assertThat(result.failed()).isEqualTo(20);
        assertThat(result.complete()).isTrue();
        target.recover();
        BulkCopier.Verification v = BulkCopier.verify(redis, postgres, 7);
        assertThat(v.missing()).isEqualTo(20);
        assertThat(BulkCopier.builder(redis, postgres).build().copy().copied()).isEqualTo(20);
    }

    /** A real target whose create fails once for each key it is given, as a briefly unreachable backend would. */
    private static final class FailingOnce extends ForwardingSessionStore {
        private final Set<SessionKey> failOnce = ConcurrentHashMap.newKeySet();

        FailingOnce(SessionStore delegate, Collection<SessionKey> keys) {
            super(delegate);
            failOnce.addAll(keys);
        }

        @Override
        public boolean create(SessionRecord record) {
            if (failOnce.remove(record.key())) {
                throw new SessionStoreUnavailableException("test store: create timed out");
            }
            return super.create(record);
        }
    }

    @Test
    void aResumedCopyRetriesTheSessionsWhoseCreateFailedThenScansOn() {
        List<SessionRecord> records = sessions(120);
        store(postgres, records);
        List<SessionKey> all = records.stream().map(SessionRecord::key).toList();
        // PostgreSQL as the source: keyset pages hold exactly pageSize records. Every create fails the first time: the
        // first run's pages all fail, the resumed run's retries all succeed.
        FailingOnce target = new FailingOnce(redis, all);
        AtomicReference<BulkCopier.Checkpoint> checkpoint = new AtomicReference<>();
        BulkCopier.Result stopped = copyStoppedAfter(
                BulkCopier.builder(postgres, target).pageSize(25), 2, p -> checkpoint.set(p.checkpoint()));

        assertThat(stopped.complete()).isFalse();
        assertThat(stopped.failed()).isEqualTo(50);
        assertThat(stopped.copied()).isZero();
        assertThat(stopped.failedKeys()).hasSize(50).doesNotHaveDuplicates().isSubsetOf(all);
        assertThat(checkpoint.get()).isEqualTo(stopped.checkpoint());
        assertThat(checkpoint.get().pending()).isTrue();

        BulkCopier.Result resumed = BulkCopier.builder(postgres, target)
                .pageSize(25)
                .resumeFrom(checkpoint.get())
                .build()
                .copy();

        assertThat(resumed.complete()).isTrue();
        assertThat(resumed.copied()).as("the 50 retried").isEqualTo(50);
        assertThat(resumed.failed())
                .as("the 70 scanned after the cursor, each failing once")
                .isEqualTo(70);
        assertThat(resumed.failedKeys()).hasSize(70).doesNotContainAnyElementsOf(stopped.failedKeys());
        assertThat(resumed.checkpoint().cursor()).isNull();
        assertThat(resumed.checkpoint().pending()).isTrue();
        assertThat(BulkCopier.verify(postgres, redis, 50).missing()).isEqualTo(70);

        BulkCopier.Result retried = BulkCopier.builder(postgres, target)
                .resumeFrom(resumed.checkpoint())
                .build()
                .copy();

        assertThat(retried.pages())
                .as("the scan was complete: only the retries")
                .isZero();
        assertThat(retried.copied()).isEqualTo(70);
        assertThat(retried.failed()).isZero();
        assertThat(retried.checkpoint().pending()).isFalse();
        assertSameEverywhere(records, redis);
        assertThat(BulkCopier.verify(postgres, redis, 50).clean()).isTrue();
    }

    @Test
    void aRetriedSessionGoneFromTheSourceIsSkippedAndACheckpointThatLostKeysIsRefused() {
        List<SessionRecord> records = sessions(3);
        store(redis, records);
        FailingOnce target = new FailingOnce(
                postgres, List.of(records.get(0).key(), records.get(1).key()));
        BulkCopier.Result first = BulkCopier.builder(redis, target).build().copy();
        assertThat(first.failedKeys())
                .containsExactlyInAnyOrder(records.get(0).key(), records.get(1).key());
        redis.delete(records.get(0).key());

        BulkCopier.Result retried = BulkCopier.builder(redis, target)
                .resumeFrom(first.checkpoint())
                .build()
                .copy();

        assertThat(retried.copied()).isEqualTo(1);
        assertThat(retried.skipped())
                .as("deleted in the source since: nothing to copy")
                .isEqualTo(1);
        assertThat(postgres.load(records.get(0).key())).isEmpty();
        assertThat(retried.checkpoint().pending()).isFalse();

        BulkCopier.Checkpoint lost =
                new BulkCopier.Checkpoint(null, List.of(records.get(1).key()), 1);
        assertThat(lost.resumable()).isFalse();
        assertThatThrownBy(() -> BulkCopier.builder(redis, postgres).resumeFrom(lost))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("copy again from the start");
        List<SessionKey> tooMany = new ArrayList<>();
        for (int i = 0; i <= BulkCopier.Checkpoint.MAX_FAILED_KEYS; i++) {
            tooMany.add(SessionId.generate().key());
        }
        assertThatThrownBy(() -> new BulkCopier.Checkpoint(null, tooMany, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 10000");
    }

    @Test
    void verifyReportsMissingDifferentAndExtra() {
        List<SessionRecord> records = sessions(12);
        store(redis, records);
        BulkCopier.builder(redis, postgres).build().copy();
        postgres.delete(records.get(0).key());
        SessionRecord changed = records.get(1);
        assertThat(postgres.replace(
                        changed.withVersion(changed.version() + 1).withAttributes("{\"n\":-1}"), changed.version()))
                .isEqualTo(io.sessionkit.ReplaceResult.OK);
        SessionRecord extra = sessions(1).get(0);
        postgres.create(extra);

        BulkCopier.Verification v = BulkCopier.verify(redis, postgres, 5);

        assertThat(v.checked()).isEqualTo(12);
        assertThat(v.missingKeys()).containsExactly(records.get(0).key().shortForm());
        assertThat(v.differentKeys()).containsExactly(changed.key().shortForm());
        assertThat(v.extraKeys()).containsExactly(extra.key().shortForm());
        assertThat(v.clean()).isFalse();
    }

    @Test
    void expiredRecordsAreNotCopied() {
        SessionRecord live = sessions(1).get(0);
        SessionRecord expired = FreshRecords.expired(Clock.systemUTC(), 3, "gone");
        store(postgres, List.of(live, expired));

        BulkCopier.Result result = BulkCopier.builder(postgres, redis).build().copy();

        assertThat(result.copied()).isEqualTo(1);
        assertThat(redis.load(expired.key())).isEmpty();
    }

    @Test
    void refusesASourceWithoutScanAndBadSettings() {
        SessionStore local = SessionStores.open(SessionKitConfig.of(Map.of(
                "sessionkit.store",
                "memcached",
                "sessionkit.memcached.servers",
                io.sessionkit.testing.TestServers.memcachedServers())));
        try {
            assertThatThrownBy(() -> BulkCopier.builder(local, redis))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not declare SCAN");
        } finally {
            local.close();
        }
        assertThatThrownBy(() -> BulkCopier.builder(redis, redis)).hasMessageContaining("same store");
        assertThatThrownBy(() -> BulkCopier.builder(redis, postgres).pageSize(0))
                .hasMessageContaining("pageSize");
        assertThatThrownBy(() -> BulkCopier.builder(redis, postgres).parallelism(65))
                .hasMessageContaining("parallelism");
    }
}
