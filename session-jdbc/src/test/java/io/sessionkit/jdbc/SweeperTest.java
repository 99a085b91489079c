package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.MutableClock;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three nodes sweeping one table at once, while a fourth keeps writing live sessions: every expired row goes, exactly
 * once (purged, or claimed by one node and removed), every live row stays, and nobody sees an error or a deadlock.
 */
class SweeperTest {
    private static final int EXPIRED = 12_000;
    private static final int LIVE = 6_000;
    private static final int SWEEPERS = 3;
    private static final int BATCH = 500;

    /** How the nodes sweep: purging, or claiming and removing as the manager's sweeper does. */
    enum Mode {
        PURGE,
        CLAIM
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"POSTGRESQL,PURGE", "MARIADB,PURGE", "POSTGRESQL,CLAIM", "MARIADB,CLAIM", "H2,CLAIM"})
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void threeNodesSweepAtOnceWithoutDeadlockOrLoss(Dialect dialect, Mode mode) throws Exception {
        String url = TestJdbc.url(dialect);
        String table = "sk_sweep_" + dialect.fileName() + "_" + mode.name().toLowerCase(java.util.Locale.ROOT);
        MutableClock clock = MutableClock.startingNow();
        List<JdbcSessionStore> nodes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(SWEEPERS + 1);
        try {
            for (int i = 0; i < SWEEPERS + 1; i++) {
                nodes.add(JdbcSessionStore.builder()
                        .url(url)
                        .poolMaxSize(2)
                        // Four pools opening at once on a loaded 2-core CI machine: more than the 5 s default.
                        .connectTimeout(Duration.ofSeconds(30))
                        .table(table)
                        .createSchema(i == 0)
                        .sweepBatchSize(BATCH)
                        .clock(clock)
                        .build());
            }
            try (Connection c = nodes.get(0).dataSource().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DELETE FROM " + table);
            }
            Instant now = clock.instant();
            List<SessionKey> live = new ArrayList<>();
            List<SessionRecord> rows = new ArrayList<>();
            for (int i = 0; i < EXPIRED + LIVE; i++) {
                SessionKey key = JdbcSessionStoreTest.randomKey();
                // Interleave expired and live rows across the key and expiry ranges.
                boolean expired = i % 3 != 2;
                Duration ttl = expired
                        ? Duration.ofSeconds(1 + i % 60)
                        : Duration.ofMinutes(30).plusSeconds(i % 60);
                rows.add(new SessionRecord(
                        key,
                        1,
                        now,
                        now,
                        Duration.ofMinutes(30),
                        now.plus(ttl),
                        i % 7 == 0 ? "user" + i % 50 : null,
                        "{\"i\":" + i + "}"));
                if (!expired) {
                    live.add(key);
                }
            }
            insertAll(nodes.get(0), rows);
            assertThat(live).hasSize(LIVE);
            clock.advance(Duration.ofMinutes(2));

            CountDownLatch start = new CountDownLatch(1);
            Set<SessionKey> reported = ConcurrentHashMap.newKeySet();
            List<Future<Integer>> sweeps = new ArrayList<>();
            for (int i = 0; i < SWEEPERS; i++) {
                JdbcSessionStore node = nodes.get(i);
                sweeps.add(pool.submit(() -> {
                    start.await();
                    return mode == Mode.PURGE ? node.purgeExpired() : claimAndRemove(node, reported);
                }));
            }
            JdbcSessionStore writer = nodes.get(SWEEPERS);
            Future<Integer> writes = pool.submit((Callable<Integer>) () -> {
                start.await();
                int ok = 0;
                for (int i = 0; i < 300; i++) {
                    SessionRecord r = writer.load(live.get(i)).orElseThrow();
                    Instant t = clock.instant();
                    SessionRecord next = new SessionRecord(
                            r.key(),
                            r.version() + 1,
                            r.createdAt(),
                            t,
                            r.maxIdle(),
                            t.plus(r.maxIdle()),
                            r.principal(),
                            "{\"touched\":" + i + "}");
                    if (writer.replace(next, r.version()) == ReplaceResult.OK) {
                        ok++;
                    }
                }
                return ok;
            });
            long t0 = System.nanoTime();
            start.countDown();
            int deleted = 0;
            List<Integer> perSweeper = new ArrayList<>();
            for (Future<Integer> f : sweeps) {
                int n = f.get(150, TimeUnit.SECONDS);
                perSweeper.add(n);
                deleted += n;
            }
            long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(writes.get(150, TimeUnit.SECONDS)).isEqualTo(300);
            long retries =
                    nodes.stream().mapToLong(JdbcSessionStore::sweepRetries).sum();
            System.out.printf(
                    "sweeper figures [%s %s]: %d expired + %d live rows, %d sweepers x batch %d: deleted %s = %d in %d ms,"
                            + " %d batch retries after lock contention, 300 concurrent replaces OK%n",
                    dialect, mode, EXPIRED, LIVE, SWEEPERS, BATCH, perSweeper, deleted, elapsedMs, retries);

            assertThat(deleted).as("each expired row deleted exactly once").isEqualTo(EXPIRED);
            if (mode == Mode.CLAIM) {
                assertThat(reported).as("each expired row claimed by one node").hasSize(EXPIRED);
            }
            assertThat(retries)
                    .as("sweep batches that hit a deadlock or lock timeout")
                    .isZero();
            Set<String> remaining = new HashSet<>();
            try (Connection c = writer.dataSource().getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT session_id, expires_at FROM " + table)) {
                while (rs.next()) {
                    remaining.add(rs.getString(1));
                    assertThat(rs.getLong(2)).isGreaterThan(clock.millis());
                }
            }
            Set<String> liveIds = new HashSet<>();
            live.forEach(k -> liveIds.add(k.value()));
            assertThat(remaining).isEqualTo(liveIds);
            assertThat(nodes.get(0).purgeExpired()).isZero();
        } finally {
            pool.shutdownNow();
            try (Connection c =
                    nodes.isEmpty() ? null : nodes.get(0).dataSource().getConnection()) {
                if (c != null) {
                    TestJdbc.dropTable(c, table);
                }
            }
            nodes.forEach(JdbcSessionStore::close);
        }
    }

    /** Claims and removes until nothing is left, as the manager's sweeper does; how many this node claimed. */
    private static int claimAndRemove(JdbcSessionStore node, Set<SessionKey> reported) {
        int n = 0;
        for (List<ExpiredSession> c = node.claimExpired(BATCH, Duration.ofMinutes(2));
                !c.isEmpty();
                c = node.claimExpired(BATCH, Duration.ofMinutes(2))) {
            for (ExpiredSession e : c) {
                assertThat(reported.add(e.key()))
                        .as("claimed twice: " + e.key())
                        .isTrue();
            }
            node.removeExpired(c);
            n += c.size();
        }
        return n;
    }

    /** Inserts {@code rows} in batches with the store's own INSERT, bypassing {@code create}'s checks. */
    private static void insertAll(JdbcSessionStore store, List<SessionRecord> rows) throws Exception {
        try (Connection c = store.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(store.sql.insert)) {
                int n = 0;
                for (SessionRecord r : rows) {
                    store.bindInsert(ps, 1, r);
                    ps.addBatch();
                    if (++n % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        }
    }
}
