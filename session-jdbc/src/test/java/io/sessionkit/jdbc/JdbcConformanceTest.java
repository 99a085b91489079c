package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole conformance kit, once per database. Every test gets its own table ({@code tck_<namespace>}), created by
 * the store's own {@code createSchema}, so the backdoor's dump is exactly that test's rows. One pool per database is
 * shared by the tests' stores (the store borrows a DataSource and does not close it); the tables are dropped and the
 * pool closed when that database's run ends.
 *
 * <p>{@code -Dsessionkit.test.jdbc.databases=POSTGRESQL} (comma-separated {@link Database} names) runs it on those
 * databases only: session-compat does, to run the kit on Spring Boot's PostgreSQL driver and HikariCP within its time.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("databases")
class JdbcConformanceTest extends SessionStoreConformanceKit {
    /** The databases the kit runs on. */
    enum Database {
        /** In-memory H2. */
        H2,
        /** H2 in file mode, under {@code target/h2}. */
        H2_FILE,
        /** PostgreSQL ({@code SESSIONKIT_TEST_POSTGRES}, else 127.0.0.1:5432 db {@code test}). */
        POSTGRESQL,
        /** MariaDB ({@code SESSIONKIT_TEST_MARIADB}, else 127.0.0.1:3306 root, db {@code test}). */
        MARIADB;

        String url() {
            return switch (this) {
                case H2 -> TestJdbc.h2MemoryUrl("conformance");
                case H2_FILE -> TestJdbc.h2FileUrl("conformance");
                case POSTGRESQL -> TestServers.postgresUrl();
                case MARIADB -> TestServers.mariadbUrl();
            };
        }
    }

    /** Every database, or those named by {@code sessionkit.test.jdbc.databases}; an unknown name fails the run. */
    static List<Database> databases() {
        String names = System.getProperty("sessionkit.test.jdbc.databases", "").trim();
        if (names.isEmpty()) {
            return List.of(Database.values());
        }
        List<Database> out = new ArrayList<>();
        for (String name : names.split(",", -1)) {
            out.add(Database.valueOf(name.trim().toUpperCase(Locale.ROOT)));
        }
        return out;
    }

    private static final Map<Database, HikariDataSource> POOLS = new EnumMap<>(Database.class);
    private static final Map<Database, Queue<String>> TABLES = new EnumMap<>(Database.class);

    @Parameter
    Database database;

    private HikariDataSource pool() {
        synchronized (POOLS) {
            return POOLS.computeIfAbsent(database, d -> TestJdbc.pool(d.url(), 8));
        }
    }

    @Override
    protected SessionStore createStore(TckContext context) {
        String table = "tck_" + context.namespace();
        synchronized (POOLS) {
            TABLES.computeIfAbsent(database, d -> new ConcurrentLinkedQueue<>()).add(table);
        }
        return TestJdbc.store(pool(), table, context.clock()).build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        JdbcSessionStore jdbc = (JdbcSessionStore) store;
        return Optional.of(new JdbcBackdoor(pool(), jdbc.dialect(), jdbc.table()));
    }

    @AfterParameterizedClassInvocation
    static void dropTablesAndClosePool(Database database) throws SQLException {
        HikariDataSource pool;
        Queue<String> tables;
        synchronized (POOLS) {
            pool = POOLS.remove(database);
            tables = TABLES.remove(database);
        }
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
