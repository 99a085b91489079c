package io.sessionkit.boot;

import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.TestServers;
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
        Cleanup.sqlTable(url, table);
    }
}
