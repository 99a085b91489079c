package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.testing.EncryptedStores;
import io.sessionkit.testing.TestServers;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.Base64;
import java.util.Map;
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
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
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
                "rest1=" + Base64.getEncoder().encodeToString(key)));
        try (var pool = TestJdbc.pool(TestServers.postgresUrl(), 1)) {
            try (SessionManager manager = SessionManager.open(config)) {
                Session s = manager.create();
                s.setAttribute("note", "secret-value-123");
                s.setPrincipal("alice@example.com");
                manager.save(s);

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
                }
                assertThat(dump.toString()).as("the rows").contains(s.id().key().value());
                for (String form : EncryptedStores.readableForms("secret-value-123")) {
                    assertThat(dump.toString()).as("the rows").doesNotContain(form);
                }
                for (String form : EncryptedStores.readableForms("alice@example.com")) {
                    assertThat(dump.toString()).as("the rows").doesNotContain(form);
                }
                assertThat(manager.find(s.id().value()).orElseThrow().getAttribute("note"))
                        .isEqualTo("secret-value-123");
                assertThat(manager.findByPrincipal("alice@example.com"))
                        .extracting(SessionInfo::key)
                        .containsExactly(s.id().key());
            } finally {
                try (Connection c = pool.getConnection()) {
                    TestJdbc.dropTable(c, table);
                }
            }
        }
    }
}
