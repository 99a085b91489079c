package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.TestServers;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * JDBC pieces the tests share: H2 URLs, the URL per dialect (PostgreSQL and MariaDB come from the shared
 * {@link TestServers} lookup), a small pool, dropping a table. Not a server lookup: that lives in session-testing.
 */
final class TestJdbc {
    private static final AtomicInteger POOLS = new AtomicInteger();

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
        return pool(url, size, hc -> {});
    }

    /** A small pool for a test class, with {@code tune} applied to its configuration last; the test closes it. */
    static HikariDataSource pool(String url, int size, Consumer<HikariConfig> tune) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(5000);
        hc.setPoolName("test-pool-" + POOLS.incrementAndGet());
        tune.accept(hc);
        return new HikariDataSource(hc);
    }

    /** A store on {@code table} of {@code dataSource} as most tests want it: schema created, on {@code clock}. */
    static JdbcSessionStore.Builder store(DataSource dataSource, String table, Clock clock) {
        return asMostTestsWantIt(JdbcSessionStore.builder().dataSource(dataSource), table, clock);
    }

    /** As {@link #store(DataSource, String, Clock)}, on a pool of its own that the store builds for {@code url}. */
    static JdbcSessionStore.Builder store(String url, String table, Clock clock) {
        return asMostTestsWantIt(JdbcSessionStore.builder().url(url), table, clock);
    }

    private static JdbcSessionStore.Builder asMostTestsWantIt(JdbcSessionStore.Builder b, String table, Clock clock) {
        return b.table(table).createSchema(true).clock(clock);
    }

    static void dropTable(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        }
    }
}
