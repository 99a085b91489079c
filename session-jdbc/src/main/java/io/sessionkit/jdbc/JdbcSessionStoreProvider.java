package io.sessionkit.jdbc;

import io.sessionkit.ConfiguredStoreProvider;

/**
 * The {@code jdbc} provider: builds a {@link JdbcSessionStore} on a HikariCP pool from {@code sessionkit.jdbc.*} keys.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code sessionkit.jdbc.url}</td><td>required</td><td>JDBC URL</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.user}, {@code .password}</td><td>none</td><td>credentials</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.dialect}</td><td>detected</td><td>{@code h2}, {@code postgresql}, {@code mariadb}/{@code mysql}</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.table}</td><td>{@code sessionkit_sessions}</td><td>plain SQL identifier</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.create-schema}</td><td>{@code false}</td><td>run the shipped DDL at start-up</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.pool.max-size}</td><td>10</td><td>pool connections</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.connect-timeout}</td><td>5s</td><td>wait for a connection</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.query-timeout}</td><td>5s</td><td>per statement, whole seconds</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.sweep-batch-size}</td><td>1000</td><td>rows per {@code purgeExpired} statement</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.expiry-grace}</td><td>60s</td><td>how long past expiry a row is kept before a sweep may
 *       take it (tolerated clock skew between nodes)</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.synchronous-commit}</td><td>{@code true}</td><td>PostgreSQL: wait for WAL flush on each write</td></tr>
 * </table>
 *
 * The store runs no sweeper of its own: {@code sessionkit.sweep.interval} (the manager's) sets how often expired rows
 * are collected, and the removed {@code sessionkit.jdbc.sweep-interval} fails the build with a message that says so.
 * Every bad key is reported at once; the URL and the password are never shown (a URL may carry a password); an
 * undeclared {@code sessionkit.jdbc.*} key is warned about once. The constructor does nothing; {@link #create} opens
 * the pool.
 */
public final class JdbcSessionStoreProvider extends ConfiguredStoreProvider {
    /** The provider name, the value of {@code sessionkit.store}. */
    public static final String NAME = "jdbc";

    public JdbcSessionStoreProvider() {
        super(NAME, JdbcSessionStore.Builder::fromKeys);
    }
}
