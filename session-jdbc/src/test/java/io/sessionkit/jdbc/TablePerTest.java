package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh table per test on one small pool per dialect, for a test class that runs on several dialects: a JUnit
 * extension the class registers in a static field ({@code @RegisterExtension}); each test names a table with
 * {@link #next}; after each test (after the class's own {@code @AfterEach}, which closes its stores) the test's tables
 * are dropped, and after the class the pools are closed. Tests of one class run one at a time, so this needs no
 * locking.
 */
final class TablePerTest implements AfterEachCallback, AfterAllCallback {
    private static final AtomicInteger TABLES = new AtomicInteger();

    private final String prefix;
    private final Map<Dialect, HikariDataSource> pools = new EnumMap<>(Dialect.class);
    private final Map<String, HikariDataSource> created = new LinkedHashMap<>();

    /** Table names start with {@code prefix}, which must be unique among the test classes. */
    TablePerTest(String prefix) {
        this.prefix = prefix;
    }

    /** The shared pool of {@code dialect}'s test database, opened on first use. */
    HikariDataSource pool(Dialect dialect) {
        return pools.computeIfAbsent(dialect, d -> TestJdbc.pool(TestJdbc.url(d), 4));
    }

    /** A table name not used before on {@code dialect}, dropped by the next {@link #dropTables}. */
    String next(Dialect dialect) {
        String table = prefix + "_" + dialect.fileName() + "_" + TABLES.incrementAndGet();
        created.put(table, pool(dialect));
        return table;
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        dropTables();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closePools();
    }

    /** Drops every table named since the last call. */
    private void dropTables() throws SQLException {
        for (Map.Entry<String, HikariDataSource> e : created.entrySet()) {
            try (Connection c = e.getValue().getConnection()) {
                TestJdbc.dropTable(c, e.getKey());
            }
        }
        created.clear();
    }

    /** Closes every pool. */
    private void closePools() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
