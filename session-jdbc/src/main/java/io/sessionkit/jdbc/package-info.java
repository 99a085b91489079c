/**
 * The JDBC {@link io.sessionkit.SessionStore}: {@link io.sessionkit.jdbc.JdbcSessionStore} on H2, PostgreSQL and
 * MySQL/MariaDB, and its provider {@link io.sessionkit.jdbc.JdbcSessionStoreProvider} ({@code sessionkit.store=jdbc}).
 *
 * <p>Everything in this package is non-null unless its Javadoc says otherwise.
 */
package io.sessionkit.jdbc;
