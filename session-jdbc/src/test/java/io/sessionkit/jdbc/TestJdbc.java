package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * JDBC pieces the tests share: H2 URLs, the URL per dialect (PostgreSQL and MariaDB come from the shared
 * {@link TestServers} lookup), a small pool, dropping a table. Not a server lookup: that lives in session-testing.
 */
final class TestJdbc {
    private static final java.util.concurrent.atomic.AtomicInteger POOLS =
            new java.util.concurrent.atomic.AtomicInteger();

    private TestJdbc() {}

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
            case POSTGRESQL -> TestServers.postgresUrl();
            case MARIADB -> TestServers.mariadbUrl();
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
}
