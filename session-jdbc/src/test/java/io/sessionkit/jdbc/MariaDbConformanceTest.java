package io.sessionkit.jdbc;

import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.TestServers;

/** The whole kit on MariaDB ({@code SESSIONKIT_TEST_MARIADB}, else 127.0.0.1:3306 root, db {@code test}). */
class MariaDbConformanceTest extends JdbcConformanceBase {
    @Override
    String url() {
        return TestServers.mariadbUrl();
    }

    @Override
    Dialect dialect() {
        return Dialect.MARIADB;
    }
}
