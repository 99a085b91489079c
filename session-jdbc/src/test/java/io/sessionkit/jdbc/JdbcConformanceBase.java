package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.SessionStore;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInfo;

/**
 * The whole conformance kit on one database. Every test gets its own table ({@code tck_<namespace>}), created by the
 * store's own {@code createSchema}, so the backdoor's dump is exactly that test's rows. One pool per class is shared
 * by the tests' stores (the store borrows a DataSource and does not close it); the tables are dropped at the end.
 */
abstract class JdbcConformanceBase extends SessionStoreConformanceKit {
    private static final Map<Class<?>, HikariDataSource> POOLS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Queue<String>> TABLES = new ConcurrentHashMap<>();

    /** The JDBC URL of the database under test. */
    abstract String url();

    abstract Dialect dialect();

    private HikariDataSource pool() {
        return POOLS.computeIfAbsent(getClass(), c -> TestJdbc.pool(url(), 8));
    }

    @Override
    protected SessionStore createStore(TckContext context) {
        String table = "tck_" + context.namespace();
        TABLES.computeIfAbsent(getClass(), c -> new ConcurrentLinkedQueue<>()).add(table);
        return JdbcSessionStore.builder()
                .dataSource(pool())
                .table(table)
                .createSchema(true)
                .sweepInterval(Duration.ZERO)
                .clock(context.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        JdbcSessionStore jdbc = (JdbcSessionStore) store;
        return Optional.of(new JdbcBackdoor(pool(), jdbc.dialect(), jdbc.table()));
    }

    @AfterAll
    static void dropTablesAndClosePool(TestInfo info) throws SQLException {
        Class<?> testClass = info.getTestClass().orElseThrow();
        HikariDataSource pool = POOLS.remove(testClass);
        Queue<String> tables = TABLES.remove(testClass);
        if (pool == null) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            for (String table : tables == null ? new ConcurrentLinkedQueue<String>() : tables) {
                TestJdbc.dropTable(c, table);
            }
        } finally {
            pool.close();
        }
    }
}
