package io.sessionkit.sample;

import io.sessionkit.testing.TestServers;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;

/**
 * {@link TwoInstanceContract} on the real PostgreSQL, switched with the README's {@code postgres} profile (the app's
 * DataSource from {@code spring.datasource.*}, the table created at start-up), pointed at the test server and at a
 * table of this run's own.
 */
class PostgresTwoInstanceTest extends TwoInstanceContract {
    private final String url = TestServers.postgresUrl();
    private final String table = "sk_sample_" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    Map<String, String> storeProperties() {
        return Map.of(
                "spring.profiles.active", "postgres",
                "spring.datasource.url", url,
                "sessionkit.jdbc.table", table);
    }

    @Override
    void cleanUp() throws Exception {
        try (var connection = DriverManager.getConnection(url)) {
            connection.createStatement().execute("DROP TABLE " + table);
        }
    }
}
