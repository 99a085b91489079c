package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestServers;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Restarts the local PostgreSQL cluster under a live store: the sessions survive and the pool recovers by itself.
 * The cluster is started again in a finally block whatever happens. Restart command: {@code
 * SESSIONKIT_TEST_POSTGRES_RESTART} if set, else {@code pg_ctlcluster <version> main restart} with the version found
 * in {@code /etc/postgresql}.
 */
class PostgresRestartTest {
    private static final int SESSIONS = 50;
    private static final int POOL = 4;

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void sessionsSurviveARestartAndThePoolRecovers() throws Exception {
        String url = TestServers.postgresUrl();
        String table = "sk_restart";
        JdbcSessionStore store = TestJdbc.store(url, table, Clock.systemUTC())
                .poolMaxSize(POOL)
                .connectTimeout(Duration.ofSeconds(2))
                .queryTimeout(Duration.ofSeconds(2))
                .build();
        try {
            List<SessionKey> keys = new ArrayList<>();
            Instant now = Clock.systemUTC().instant();
            for (int i = 0; i < SESSIONS; i++) {
                SessionKey key = JdbcSessionStoreTest.randomKey();
                keys.add(key);
                store.create(new SessionRecord(
                        key,
                        1,
                        now,
                        now,
                        Duration.ofMinutes(30),
                        now.plus(Duration.ofMinutes(30)),
                        "user" + i,
                        "{\"i\":" + i + "}"));
            }
            // Every pooled connection has been used, so every one of them dies with the server.
            for (int i = 0; i < POOL * 3; i++) {
                store.load(keys.get(i));
            }

            restart();

            int failed = 0;
            int consecutiveOk = 0;
            int calls = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consecutiveOk < 20 && System.nanoTime() < deadline) {
                calls++;
                try {
                    assertThat(store.load(keys.get(calls % SESSIONS))).isPresent();
                    consecutiveOk++;
                } catch (SessionStoreUnavailableException e) {
                    failed++;
                    consecutiveOk = 0;
                    TimeUnit.MILLISECONDS.sleep(100);
                }
            }
            System.out.printf(
                    "postgres restart: %d failed calls of %d before 20 consecutive successes (pool of %d)%n",
                    failed, calls, POOL);
            assertThat(consecutiveOk).as("the pool recovered").isEqualTo(20);
            assertThat(failed)
                    .as("failed calls after the restart, at most one per pooled connection")
                    .isLessThanOrEqualTo(POOL);
            for (int i = 0; i < SESSIONS; i++) {
                SessionRecord r = store.load(keys.get(i)).orElseThrow();
                assertThat(r.principal()).isEqualTo("user" + i);
                assertThat(r.attributes().replace(" ", "")).isEqualTo("{\"i\":" + i + "}");
            }
        } finally {
            try {
                ensureRunning(url);
            } finally {
                try (Connection c = store.dataSource().getConnection()) {
                    TestJdbc.dropTable(c, table);
                } finally {
                    store.close();
                }
            }
        }
    }

    private static List<String> command(String action) {
        String custom = System.getenv("SESSIONKIT_TEST_POSTGRES_" + action.toUpperCase(Locale.ROOT));
        if (custom != null && !custom.isBlank()) {
            return List.of("sh", "-c", custom);
        }
        String[] versions = new File("/etc/postgresql").list();
        if (versions == null || versions.length == 0) {
            throw new IllegalStateException("no PostgreSQL cluster in /etc/postgresql; set SESSIONKIT_TEST_POSTGRES_"
                    + action.toUpperCase(Locale.ROOT) + " to a shell command that " + action + "s the test server");
        }
        Arrays.sort(versions);
        return List.of("pg_ctlcluster", "--skip-systemctl-redirect", versions[versions.length - 1], "main", action);
    }

    private static void restart() throws Exception {
        run(command("restart"));
    }

    private static void ensureRunning(String url) throws Exception {
        DriverManager.setLoginTimeout(3);
        try {
            DriverManager.getConnection(url).close();
        } catch (Exception e) {
            run(command("start"));
        }
    }

    private static void run(List<String> cmd) {
        ServerProcess.run(Duration.ofSeconds(60), Path.of("target"), cmd);
    }
}
