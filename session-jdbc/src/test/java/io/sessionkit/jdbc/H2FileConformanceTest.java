package io.sessionkit.jdbc;

import io.sessionkit.jdbc.JdbcSessionStore.Dialect;

/** The whole kit on H2 in file mode, under {@code target/h2}. */
class H2FileConformanceTest extends JdbcConformanceBase {
    @Override
    String url() {
        return TestJdbc.h2FileUrl("conformance");
    }

    @Override
    Dialect dialect() {
        return Dialect.H2;
    }
}
