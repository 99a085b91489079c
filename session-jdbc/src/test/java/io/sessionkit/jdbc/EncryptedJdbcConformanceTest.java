package io.sessionkit.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.EncryptedStores;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3), on PostgreSQL only
 * (the SQL is the same with encryption on; one dialect keeps the run short): the store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor reading the rows the backend really holds (ciphertext). Tables and
 * pool as in {@link JdbcConformanceTest}.
 */
class EncryptedJdbcConformanceTest extends SessionStoreConformanceKit {
    private static @Nullable HikariDataSource pool;
    private static final Queue<String> TABLES = new ConcurrentLinkedQueue<>();

    private static synchronized HikariDataSource pool() {
        if (pool == null) {
            pool = TestJdbc.pool(TestServers.postgresUrl(), 8);
        }
        return pool;
    }

    @Override
    protected SessionStore createStore(TckContext context) {
        String table = "tck_enc_" + context.namespace();
        TABLES.add(table);
        return TestJdbc.store(pool(), table, context.clock()).build();
    }

    @Override
    protected UnaryOperator<SessionStore> layer() {
        return EncryptedStores.ENCRYPTION::wrap;
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        JdbcSessionStore jdbc = (JdbcSessionStore) store;
        return Optional.of(new JdbcBackdoor(pool(), jdbc.dialect(), jdbc.table()));
    }

    @AfterAll
    static synchronized void dropTablesAndClosePool() throws SQLException {
        HikariDataSource p = pool;
        pool = null;
        if (p == null) {
            return;
        }
        try (Connection c = p.getConnection()) {
            for (String table : TABLES) {
                TestJdbc.dropTable(c, table);
            }
        } finally {
            TABLES.clear();
            p.close();
        }
    }
}
