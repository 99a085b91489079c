package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.MutableClock;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14 item 8: a DataSource whose connections come with autocommit off (HikariCP {@code setAutoCommit(false)}, a
 * common Spring tuning) must keep every write. HikariCP rolls back a connection's open transaction when it goes back
 * to the pool, so a store that ran its statements in that transaction reported CREATED and kept nothing. Every write
 * is checked from a separate connection of its own (a new JDBC connection, not the pool), and no connection of the
 * pool may be left inside a transaction.
 */
class ManualCommitPoolTest {
    private static final String APP = "sk-manual-commit";

    private final MutableClock clock = MutableClock.startingNow();

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    @DisplayName(
            "14.8 a pool with autocommit off keeps create, replace, delete, sweeps and claims, and is left in no transaction")
    void item8_poolWithAutocommitOffKeepsEveryWrite(Dialect dialect) throws Exception {
        String url = TestJdbc.url(dialect);
        String table = "sk_manual_commit_" + dialect.fileName();
        try (HikariDataSource pool = manualCommitPool(url, dialect);
                JdbcSessionStore store = TestJdbc.store(pool, table, clock).build()) {
            assertThat(pool.isAutoCommit()).isFalse();
            try (Connection fresh = fresh(url)) {
                // createSchema ran DDL: PostgreSQL rolls DDL back with the transaction, so the table proves the commit.
                assertThat(count(fresh, table, "1 = 1")).isZero();

                Instant now = clock.instant();
                SessionKey a = JdbcSessionStoreTest.randomKey();
                SessionKey b = JdbcSessionStoreTest.randomKey();
                SessionKey c = JdbcSessionStoreTest.randomKey();
                SessionKey old = JdbcSessionStoreTest.randomKey();
                assertThat(store.create(record(a, 1, now, Duration.ofMinutes(30), "alice", "{\"n\":1}")))
                        .isTrue();
                assertThat(store.create(record(b, 1, now, Duration.ofMinutes(30), "alice", "{}")))
                        .isTrue();
                assertThat(store.create(record(c, 1, now, Duration.ofMinutes(30), null, "{}")))
                        .isTrue();
                assertThat(store.create(record(old, 1, now, Duration.ofSeconds(10), null, "{}")))
                        .isTrue();
                assertThat(count(fresh, table, "1 = 1"))
                        .as("rows created, seen from a new connection")
                        .isEqualTo(4);

                assertThat(store.replace(record(a, 2, now, Duration.ofMinutes(30), "alice", "{\"n\":2}"), 1))
                        .isEqualTo(ReplaceResult.OK);
                assertThat(count(fresh, table, "version = 2"))
                        .as("replaced row")
                        .isEqualTo(1);
                assertThat(store.replace(record(a, 2, now, Duration.ofMinutes(30), "alice", "{\"n\":3}"), 1))
                        .isEqualTo(ReplaceResult.CONFLICT);

                assertThat(store.findByPrincipal("alice")).hasSize(2);
                assertThat(store.load(a).orElseThrow().attributes()).contains("2");

                store.delete(b);
                assertThat(count(fresh, table, "1 = 1")).as("after delete").isEqualTo(3);
                assertThat(store.delete(c, 1)).isEqualTo(ReplaceResult.OK);
                assertThat(count(fresh, table, "1 = 1"))
                        .as("after compare-and-set delete")
                        .isEqualTo(2);

                clock.advance(Duration.ofSeconds(10).plus(JdbcSessionStore.DEFAULT_EXPIRY_GRACE));
                assertThat(store.purgeExpired()).isEqualTo(1);
                assertThat(count(fresh, table, "1 = 1"))
                        .as("after purgeExpired")
                        .isEqualTo(1);

                // Claims and their removal are sweeps too: each claim must be kept, or another node reports it again.
                SessionKey swept = JdbcSessionStoreTest.randomKey();
                store.create(record(swept, 1, clock.instant(), Duration.ofSeconds(1), "bob", "{}"));
                clock.advance(Duration.ofSeconds(1).plus(JdbcSessionStore.DEFAULT_EXPIRY_GRACE));
                List<ExpiredSession> claimed = store.claimExpired(10, Duration.ofMinutes(2));
                assertThat(claimed).extracting(ExpiredSession::key).containsExactly(swept);
                assertThat(count(fresh, table, "claimed_until IS NOT NULL"))
                        .as("the claim, seen from a new connection")
                        .isEqualTo(1);
                store.removeExpired(claimed);
                assertThat(count(fresh, table, "1 = 1"))
                        .as("after removeExpired")
                        .isEqualTo(1);
                assertThat(store.load(a)).isPresent();

                assertNoOpenTransaction(fresh, dialect);
                // Every connection goes back to the pool as the pool hands it out.
                try (Connection borrowed = pool.getConnection()) {
                    assertThat(borrowed.getAutoCommit()).isFalse();
                }
            } finally {
                try (Connection fresh = fresh(url)) {
                    TestJdbc.dropTable(fresh, table);
                }
            }
        }
    }

    private static HikariDataSource manualCommitPool(String url, Dialect dialect) {
        return TestJdbc.pool(url, 3, hc -> {
            hc.setAutoCommit(false);
            hc.setMinimumIdle(3);
            hc.setPoolName("manual-commit-" + dialect.fileName());
            if (dialect == Dialect.POSTGRESQL) {
                hc.addDataSourceProperty("ApplicationName", APP);
            }
        });
    }

    private SessionRecord record(
            SessionKey key, long version, Instant now, Duration ttl, String principal, String attributes) {
        return new SessionRecord(key, version, now, now, Duration.ofMinutes(30), now.plus(ttl), principal, attributes);
    }

    private static Connection fresh(String url) throws SQLException {
        Connection c = DriverManager.getConnection(url, new Properties());
        c.setAutoCommit(true);
        return c;
    }

    private static long count(Connection c, String table, String where) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE " + where);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Asks the server itself whether any session holds an open transaction (H2 and PostgreSQL say so). */
    private static void assertNoOpenTransaction(Connection c, Dialect dialect) throws SQLException {
        String query = switch (dialect) {
            case POSTGRESQL ->
                "SELECT COUNT(*) FROM pg_stat_activity WHERE application_name = '" + APP
                        + "' AND (state LIKE 'idle in transaction%' OR xact_start IS NOT NULL AND state <> 'active')";
            case H2 -> "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CONTAINS_UNCOMMITTED";
            case MARIADB -> null;
        };
        if (query == null) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(query);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getLong(1))
                    .as("sessions of the pool inside a transaction")
                    .isZero();
        }
    }
}
