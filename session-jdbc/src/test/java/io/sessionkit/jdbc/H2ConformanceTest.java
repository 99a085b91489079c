package io.sessionkit.jdbc;

import io.sessionkit.jdbc.JdbcSessionStore.Dialect;

/** The whole kit on in-memory H2. */
class H2ConformanceTest extends JdbcConformanceBase {
    @Override
    String url() {
        return TestJdbc.h2MemoryUrl("conformance");
    }

    @Override
    Dialect dialect() {
        return Dialect.H2;
    }
}
