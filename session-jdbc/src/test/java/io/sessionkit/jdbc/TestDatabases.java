package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Where the test databases are, resolved as DESIGN.md says: an address from the environment, then the server at its
 * standard local port, else a failure that says how to start one. (Testcontainers is not used: no Docker here.)
 */
final class TestDatabases {
    static final String POSTGRES_ENV = "SESSIONKIT_TEST_POSTGRES";
    static final String MARIADB_ENV = "SESSIONKIT_TEST_MARIADB";
    static final String POSTGRES_DEFAULT = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String MARIADB_DEFAULT = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    private static final java.util.concurrent.atomic.AtomicInteger POOLS = new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.Map<String, String> RESOLVED = new java.util.concurrent.ConcurrentHashMap<>();

    private TestDatabases() {
    }

    static String postgresUrl() {
        return resolve(POSTGRES_ENV, POSTGRES_DEFAULT, "PostgreSQL",
                "start it (e.g. `pg_ctlcluster 15 main start`, trust auth, database `test`) or set " + POSTGRES_ENV
                        + "=jdbc:postgresql://host:5432/db?user=...&password=...");
    }

    static String mariadbUrl() {
        return resolve(MARIADB_ENV, MARIADB_DEFAULT, "MariaDB",
                "start it (e.g. `service mariadb start`, user root with an empty password, database `test`) or set "
                        + MARIADB_ENV + "=jdbc:mariadb://host:3306/db?user=...&password=...");
    }

    static String h2MemoryUrl(String name) {
        return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    }

    static String h2FileUrl(String name) {
        Path file = Path.of("target", "h2", name).toAbsolutePath();
        return "jdbc:h2:file:" + file + ";DB_CLOSE_DELAY=-1";
    }

    static String url(Dialect dialect) {
        return switch (dialect) {
            case H2 -> h2MemoryUrl("sessionkit-tests");
            case POSTGRESQL -> postgresUrl();
            case MARIADB -> mariadbUrl();
        };
    }

    /** A small pool for a test class; the test closes it. */
    static HikariDataSource pool(String url, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5000);
        hc.setPoolName("test-pool-" + POOLS.incrementAndGet());
        return new HikariDataSource(hc);
    }

    static void dropTable(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private static String resolve(String env, String fallback, String what, String howToStart) {
        return RESOLVED.computeIfAbsent(env, k -> probe(env, fallback, what, howToStart));
    }

    private static String probe(String env, String fallback, String what, String howToStart) {
        String fromEnv = System.getenv(env);
        String url = fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : fallback;
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url, new Properties())) {
            if (!c.isValid(5)) {
                throw new SQLException("connection not valid");
            }
            return url;
        } catch (SQLException e) {
            throw new IllegalStateException(what + " for the tests is not reachable at " + JdbcSessionStore.sanitize(url)
                    + " (" + e.getMessage() + "); " + howToStart, e);
        }
    }
}
