package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Statements per request on PostgreSQL, counted by the server: every autocommit statement is one transaction, so the
 * growth of {@code pg_stat_database.xact_commit} of a database that only this test uses ({@code sessionkit_stmts})
 * counts them ({@code pg_stat_statements} is not loaded on the test server). A backend reports its counts when it
 * exits, so each run opens a store (one pooled connection), serves N requests, closes the store and waits for the
 * count to settle. Fixed costs (connection set-up) cancel out between a run of N1 and a run of N2 requests.
 */
class PostgresStatementCountTest {
    private static final String DB = "sessionkit_stmts";
    private static final int N1 = 50;
    private static final int N2 = 250;
    private static final ExpiryPolicy POLICY =
            new ExpiryPolicy(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofMinutes(3));

    private final MutableClock clock = MutableClock.startingNow();
    private String adminUrl;
    private String dbUrl;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readOnlyOneModifyingTwoNewOne() throws Exception {
        adminUrl = TestServers.postgresUrl();
        dbUrl = withDatabase(adminUrl, DB);
        try (Connection c = DriverManager.getConnection(adminUrl);
                Statement st = c.createStatement()) {
            ResultSet rs = st.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DB + "'");
            if (!rs.next()) {
                st.execute("CREATE DATABASE " + DB);
            }
        }
        try (JdbcSessionStore setup = store(true)) {
            try (Connection c = setup.dataSource().getConnection();
                    Statement st = c.createStatement()) {
                st.execute("DELETE FROM sessionkit_sessions");
            }
        }
        List<String> ids = new ArrayList<>();
        run(N2, m -> {
            Session s = m.create();
            s.setAttribute("cart", List.of(1, 2));
            m.save(s);
            ids.add(s.id().value());
        });

        double newSession = perRequest("new", m -> {
            Session s = m.create();
            s.setAttribute("cart", List.of(1));
            assertThat(m.save(s)).isEqualTo(SaveResult.CREATED);
        });
        int[] next = {0};
        double readOnly = perRequest("read-only", m -> {
            Session s = m.find(ids.get(next[0]++ % ids.size())).orElseThrow();
            assertThat(s.getAttribute("cart")).isNotNull();
            assertThat(m.save(s)).isEqualTo(SaveResult.UNCHANGED);
        });
        double modifying = perRequest("modifying", m -> {
            Session s = m.find(ids.get(next[0]++ % ids.size())).orElseThrow();
            s.setAttribute("n", next[0]);
            assertThat(m.save(s)).isEqualTo(SaveResult.UPDATED);
        });
        System.out.printf(
                "statements per request on PostgreSQL (pg_stat_database.xact_commit): read-only %.3f, modifying %.3f, new %.3f%n",
                readOnly, modifying, newSession);
        assertThat(Math.round(readOnly)).as("read-only request").isEqualTo(1);
        assertThat(Math.round(modifying)).as("modifying request").isEqualTo(2);
        assertThat(Math.round(newSession)).as("new session").isEqualTo(1);
    }

    private double perRequest(String what, Consumer<SessionManager> request) throws Exception {
        long d1 = run(N1, request);
        long d2 = run(N2, request);
        double per = (double) (d2 - d1) / (N2 - N1);
        System.out.printf(
                "  %s: %d requests -> %d commits, %d requests -> %d commits: %.3f per request%n",
                what, N1, d1, N2, d2, per);
        return per;
    }

    /** Commits in {@value #DB} while a fresh store serves {@code n} requests, set-up and shutdown included. */
    private long run(int n, Consumer<SessionManager> request) throws Exception {
        long before = settledCommits();
        try (JdbcSessionStore store = store(false)) {
            SessionManager m = SessionManager.builder(store)
                    .clock(clock)
                    .expiryPolicy(POLICY)
                    .sweepInterval(Duration.ZERO)
                    .build();
            for (int i = 0; i < n; i++) {
                request.accept(m);
            }
        }
        return settledCommits() - before;
    }

    private JdbcSessionStore store(boolean createSchema) {
        return JdbcSessionStore.builder()
                .url(dbUrl)
                .poolMaxSize(1)
                .dialect(JdbcSessionStore.Dialect.POSTGRESQL)
                .createSchema(createSchema)
                .clock(clock)
                .build();
    }

    /** xact_commit of {@value #DB} once it has stopped moving (a closed backend reports on exit). */
    private long settledCommits() throws Exception {
        long last = -1;
        int stable = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection c = DriverManager.getConnection(adminUrl);
                PreparedStatement ps =
                        c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?");
                Statement clear = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                clear.execute("SELECT pg_stat_clear_snapshot()");
                ps.setString(1, DB);
                long now;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    now = rs.getLong(1);
                }
                stable = now == last ? stable + 1 : 0;
                if (stable >= 3) {
                    return now;
                }
                last = now;
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
        throw new AssertionError("pg_stat_database.xact_commit of " + DB + " did not settle within 20 s");
    }

    private static String withDatabase(String url, String db) {
        int slash = url.indexOf('/', "jdbc:postgresql://".length());
        int query = url.indexOf('?', slash);
        return url.substring(0, slash + 1) + db + (query < 0 ? "" : url.substring(query));
    }
}
