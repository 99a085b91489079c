/**
 * The JDBC {@link io.sessionkit.SessionStore}: {@link io.sessionkit.jdbc.JdbcSessionStore} on H2, PostgreSQL and
 * MySQL/MariaDB, and its provider {@link io.sessionkit.jdbc.JdbcSessionStoreProvider} ({@code sessionkit.store=jdbc}).
 *
 * <p>Nullness is declared with JSpecify and checked by NullAway: see {@link org.jspecify.annotations.NullMarked}.
 */
@NullMarked
package io.sessionkit.jdbc;

import org.jspecify.annotations.NullMarked;
