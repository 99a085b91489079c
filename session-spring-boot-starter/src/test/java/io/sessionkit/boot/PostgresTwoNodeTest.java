package io.sessionkit.boot;

import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * {@link TwoNodeContract} over the real PostgreSQL: no {@code sessionkit.store}, the store inferred from the app's
 * {@code DataSource} ({@code spring.datasource.url}), in a table unique to the run.
 */
class PostgresTwoNodeTest extends TwoNodeContract {
    private final String url = TestServers.postgresUrl();
    private final String table = "sk_boot_2n_" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    Map<String, Object> storeProperties() {
        return Map.of(
                "spring.datasource.url", url,
                "sessionkit.jdbc.table", table,
                "sessionkit.jdbc.create-schema", "true");
    }

    @Override
    void cleanUp() {
        try (Connection c = DriverManager.getConnection(url);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
