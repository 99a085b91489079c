package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fresh table per test on one small pool per dialect, for a test class that runs on several dialects: the class
 * holds one in a static field, names a table with {@link #next} in each test, drops the test's tables in
 * {@code @AfterEach} ({@link #dropTables}) and closes the pools in {@code @AfterAll} ({@link #closePools}). Tests of
 * one class run one at a time, so this needs no locking.
 */
final class TablePerTest {
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

    /** Drops every table named since the last call. */
    void dropTables() throws SQLException {
        for (Map.Entry<String, HikariDataSource> e : created.entrySet()) {
            try (Connection c = e.getValue().getConnection()) {
                TestJdbc.dropTable(c, e.getKey());
            }
        }
        created.clear();
    }

    /** Closes every pool. */
    void closePools() {
        pools.values().forEach(HikariDataSource::close);
        pools.clear();
    }
}
