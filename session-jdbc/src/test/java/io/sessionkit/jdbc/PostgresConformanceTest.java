package io.sessionkit.jdbc;

import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.TestServers;

/** The whole kit on PostgreSQL ({@code SESSIONKIT_TEST_POSTGRES}, else 127.0.0.1:5432 db {@code test}). */
class PostgresConformanceTest extends JdbcConformanceBase {
    @Override
    String url() {
        return TestServers.postgresUrl();
    }

    @Override
    Dialect dialect() {
        return Dialect.POSTGRESQL;
    }
}
