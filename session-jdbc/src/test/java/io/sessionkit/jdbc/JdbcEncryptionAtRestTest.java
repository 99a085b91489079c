package io.sessionkit.jdbc;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.testing.EncryptedStores;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * With {@code sessionkit.encryption.keys} set, the sessions table on PostgreSQL ({@code SELECT *}, every column as
 * text) shows neither an attribute value nor the principal, while the manager reads both back and finds the session
 * by its principal.
 */
class JdbcEncryptionAtRestTest {

    @Test
    void rawRowsHoldNeitherAttributeValuesNorThePrincipal() throws Exception {
        String table = "enc_" + Long.toHexString(System.nanoTime());
        SessionKitConfig config = SessionKitConfig.of(Map.of(
                "sessionkit.store",
                "jdbc",
                "sessionkit.jdbc.url",
                TestServers.postgresUrl(),
                "sessionkit.jdbc.table",
                table,
                "sessionkit.jdbc.create-schema",
                "true",
                "sessionkit.encryption.keys",
                EncryptedStores.randomKeySetting()));
        try (var pool = TestJdbc.pool(TestServers.postgresUrl(), 1)) {
            try (SessionManager manager = SessionManager.open(config)) {
                EncryptedStores.assertSealedAtRest(manager, "the rows", () -> dump(pool, table));
            } finally {
                try (Connection c = pool.getConnection()) {
                    TestJdbc.dropTable(c, table);
                }
            }
        }
    }

    /** Every row of {@code table}, every column as text. */
    private static String dump(DataSource pool, String table) {
        StringBuilder dump = new StringBuilder();
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    dump.append(md.getColumnName(i))
                            .append('=')
                            .append(rs.getString(i))
                            .append(' ');
                }
                dump.append('\n');
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + table + ": " + e.getMessage(), e);
        }
        return dump.toString();
    }
}
