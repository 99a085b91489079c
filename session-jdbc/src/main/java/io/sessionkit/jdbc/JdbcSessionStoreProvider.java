package io.sessionkit.jdbc;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import java.util.Set;

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
public final class JdbcSessionStoreProvider implements SessionStoreProvider {
    /** The provider name, the value of {@code sessionkit.store}. */
    public static final String NAME = "jdbc";

    /**
     * The keys besides the common {@code connect-timeout} and {@code expiry-grace} ({@link ProviderConfig#common});
     * {@code sweep-interval} only to refuse it with a pointer to {@code sessionkit.sweep.interval}. Public for
     * code that builds the store on a connection of its own and reads the same keys (the Spring Boot starter).
     */
    public static final Set<String> KEYS = Set.of(
            "url",
            "user",
            "password",
            "dialect",
            "table",
            "create-schema",
            "pool.max-size",
            "query-timeout",
            "sweep-interval",
            "sweep-batch-size",
            "synchronous-commit");

    public JdbcSessionStoreProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming every bad key, if {@code sessionkit.jdbc.url} is missing or a value is bad
     */
    @Override
    public SessionStore create(SessionKitConfig config) {
        return builderFrom(config).build();
    }

    /** The builder {@link #create} would build, with every key read and checked. */
    static JdbcSessionStore.Builder builderFrom(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, KEYS);
        JdbcSessionStore.Builder b = JdbcSessionStore.builder();
        c.common(b::clock, b::connectTimeout, b::expiryGrace);
        String url = c.secret("url").map(String::trim).orElse("");
        if (url.isEmpty()) {
            c.problem(c.key("url") + " is required, e.g. jdbc:postgresql://localhost:5432/app");
        } else if (!url.startsWith("jdbc:")) {
            c.invalid("url", "a JDBC URL starting with jdbc:");
        } else {
            b.url(url);
        }
        c.string("user", b::user);
        c.secret("password").ifPresent(b::password);
        c.string("dialect", name -> b.dialect(JdbcSessionStore.Dialect.of(name)));
        c.string("table", b::table);
        c.bool("create-schema", b::createSchema);
        c.bool("synchronous-commit", b::synchronousCommit);
        c.integer("pool.max-size", b::poolMaxSize);
        c.duration("query-timeout", b::queryTimeout);
        c.string("sweep-interval")
                .ifPresent(unused -> c.problem(c.key("sweep-interval")
                        + " is no longer read: the session manager sweeps now, every sessionkit.sweep.interval (default"
                        + " 1m, 0s turns it off); set sessionkit.sweep.interval instead"));
        c.integer("sweep-batch-size", b::sweepBatchSize);
        c.validate();
        return b;
    }
}
