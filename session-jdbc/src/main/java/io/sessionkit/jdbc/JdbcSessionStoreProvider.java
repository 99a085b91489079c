package io.sessionkit.jdbc;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.EnumSet;
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
 *   <tr><td>{@code sessionkit.jdbc.sweep-interval}</td><td>1m</td><td>background sweep, {@code 0s} = off</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.sweep-batch-size}</td><td>1000</td><td>rows per sweep statement</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.expiry-grace}</td><td>60s</td><td>how long past expiry a row is kept before a sweep may
 *       delete it (tolerated clock skew between nodes)</td></tr>
 *   <tr><td>{@code sessionkit.jdbc.synchronous-commit}</td><td>{@code true}</td><td>PostgreSQL: wait for WAL flush on each write</td></tr>
 * </table>
 *
 * The constructor does nothing; {@link #create} opens the pool.
 */
public final class JdbcSessionStoreProvider implements SessionStoreProvider {
    /** The provider name, the value of {@code sessionkit.store}. */
    public static final String NAME = "jdbc";

    private static final String P = SessionKitConfig.PREFIX + NAME + ".";

    public JdbcSessionStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreFeature> features() {
        return EnumSet.of(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming the key, if {@code sessionkit.jdbc.url} is missing or a value is bad
     */
    @Override
    public SessionStore create(SessionKitConfig config) {
        return builderFrom(config).build();
    }

    /** The builder {@link #create} would build, with every key read and checked. */
    static JdbcSessionStore.Builder builderFrom(SessionKitConfig config) {
        JdbcSessionStore.Builder b = JdbcSessionStore.builder().clock(config.clock());
        String url = config.string(P + "url").orElseThrow(() -> new IllegalArgumentException(
                P + "url is required, e.g. jdbc:postgresql://localhost:5432/app"));
        if (!url.startsWith("jdbc:")) {
            throw SessionKitConfig.invalid(P + "url", url, "a JDBC URL starting with jdbc:");
        }
        b.url(url);
        config.string(P + "user").ifPresent(b::user);
        String password = config.get(P + "password");
        if (password != null) {
            b.password(password);
        }
        config.string(P + "dialect").ifPresent(d -> {
            try {
                b.dialect(JdbcSessionStore.Dialect.of(d));
            } catch (IllegalArgumentException e) {
                throw SessionKitConfig.invalid(P + "dialect", d, "h2, postgresql, mariadb or mysql");
            }
        });
        String table = config.string(P + "table", JdbcSessionStore.DEFAULT_TABLE);
        try {
            b.table(table);
        } catch (IllegalArgumentException e) {
            throw SessionKitConfig.invalid(P + "table", table, "a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 48 characters)");
        }
        b.createSchema(config.bool(P + "create-schema", false));
        b.synchronousCommit(config.bool(P + "synchronous-commit", true));
        int poolSize = config.integer(P + "pool.max-size", JdbcSessionStore.DEFAULT_POOL_MAX_SIZE);
        if (poolSize < 1) {
            throw SessionKitConfig.invalid(P + "pool.max-size", String.valueOf(poolSize), "a number >= 1");
        }
        b.poolMaxSize(poolSize);
        Duration connect = config.duration(P + "connect-timeout", JdbcSessionStore.DEFAULT_CONNECT_TIMEOUT);
        if (connect.toMillis() < 250) {
            throw SessionKitConfig.invalid(P + "connect-timeout", config.get(P + "connect-timeout"), "a duration >= 250ms");
        }
        b.connectTimeout(connect);
        Duration query = config.duration(P + "query-timeout", JdbcSessionStore.DEFAULT_QUERY_TIMEOUT);
        if (query.isZero() || query.isNegative()) {
            throw SessionKitConfig.invalid(P + "query-timeout", config.get(P + "query-timeout"), "a duration > 0 (never infinite)");
        }
        b.queryTimeout(query);
        Duration sweep = config.duration(P + "sweep-interval", JdbcSessionStore.DEFAULT_SWEEP_INTERVAL);
        if (sweep.isNegative()) {
            throw SessionKitConfig.invalid(P + "sweep-interval", config.get(P + "sweep-interval"), "a duration >= 0 (0 turns the sweeper off)");
        }
        b.sweepInterval(sweep);
        int batch = config.integer(P + "sweep-batch-size", JdbcSessionStore.DEFAULT_SWEEP_BATCH_SIZE);
        if (batch < 1) {
            throw SessionKitConfig.invalid(P + "sweep-batch-size", String.valueOf(batch), "a number >= 1");
        }
        b.sweepBatchSize(batch);
        Duration grace = config.duration(P + "expiry-grace", JdbcSessionStore.DEFAULT_EXPIRY_GRACE);
        if (grace.isNegative() || grace.compareTo(SessionRecord.MAX_IDLE) > 0) {
            throw SessionKitConfig.invalid(P + "expiry-grace", config.get(P + "expiry-grace"), "a duration >= 0 (at most 100 years)");
        }
        b.expiryGrace(grace);
        return b;
    }
}
