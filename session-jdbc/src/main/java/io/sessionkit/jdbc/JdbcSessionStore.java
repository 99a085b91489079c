package io.sessionkit.jdbc;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.BuilderChecks;
import io.sessionkit.ExpiredSession;
import io.sessionkit.KeysetCursor;
import io.sessionkit.ProviderConfig;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFailures;
import io.sessionkit.StoreFeature;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} on one SQL table, for H2, PostgreSQL and MySQL/MariaDB.
 *
 * <p>One row per session: {@code session_id} (the hashed key), {@code principal}, {@code created_at},
 * {@code last_accessed_at}, {@code expires_at} (all three epoch milliseconds, UTC, so no time zone of the server or
 * the JVM can shift them), {@code max_idle_seconds}, {@code version}, and {@code data}, the attributes as a JSON object
 * (PostgreSQL {@code JSONB}, MySQL/MariaDB {@code JSON}, H2 {@code JSON}), so that plain SQL can read sessions. The
 * schema of each dialect ships in this jar as {@code io/sessionkit/jdbc/schema-<dialect>.sql} and is returned by
 * {@link #schema(Dialect, String)}; {@link Builder#createSchema(boolean)} runs it at start-up.
 *
 * <p>Every operation is one autocommit statement on a pooled connection: {@code load} a {@code SELECT} filtered by
 * {@code expires_at > now}, {@code replace} an {@code UPDATE ... WHERE session_id=? AND version=? AND expires_at>now}
 * (on PostgreSQL inside a {@code WITH} that also reports whether a live row existed; on H2 and MySQL/MariaDB, only
 * when it changes no row, one more {@code SELECT} tells {@link ReplaceResult#CONFLICT} from
 * {@link ReplaceResult#GONE}), {@code create} an insert that also takes over an expired row the sweeper has not yet
 * removed (PostgreSQL {@code INSERT ... ON CONFLICT DO UPDATE ... WHERE expires_at <= now}, H2 {@code MERGE}; on
 * MySQL/MariaDB a plain {@code INSERT}, followed only after a duplicate key by a {@code DELETE} of the expired row and
 * a second {@code INSERT}), {@code delete(key, expectedVersion)} a {@code DELETE ... WHERE session_id=? AND version=?
 * AND expires_at>now} classified the same way. "Now" is always the store's {@link Clock}, never the database's. A
 * DataSource whose connections come with autocommit off is switched to autocommit for each operation and back, so
 * its writes are kept (the pool would otherwise roll them back) and no transaction is left open.
 *
 * <p>Expired rows are collected by the {@code SessionManager}'s sweeper (the store runs no thread of its own): it
 * {@linkplain #claimExpired claims} them, reports each as an expired event and {@linkplain #removeExpired removes}
 * them ({@link StoreFeature#EXPIRY_EVENTS}). A claim sets {@code claimed_until} (a column of its own; {@code expires_at}
 * is never moved, so a claimed row stays expired for {@code load} and {@code replace}) on at most {@code max} rows that
 * expired longer ago than the {@linkplain Builder#expiryGrace(Duration) expiry grace} and whose claim is absent or ran
 * out, in one statement on PostgreSQL ({@code UPDATE ... WHERE session_id IN (SELECT ... FOR UPDATE SKIP LOCKED)
 * RETURNING}) and H2 ({@code SELECT ... FROM FINAL TABLE (UPDATE ...)}), in two on MySQL/MariaDB (an {@code UPDATE}
 * that marks the rows with a random {@code claim_token} in {@code expires_at} index order, then a {@code SELECT} by that
 * token). {@link #removeExpired} deletes the claimed rows that are still expired, in key order, a few hundred per
 * statement. {@link #purgeExpired()} deletes expired rows without reporting them, in batches of
 * {@link Builder#sweepBatchSize(int)} rows. Every sweep decides by the sweeping node's clock minus the grace, so nodes
 * whose clocks differ by up to the grace never collect each other's live sessions; many nodes may sweep at once
 * (PostgreSQL {@code SKIP LOCKED}; MySQL/MariaDB in index order under {@code READ COMMITTED}), never deadlocking each
 * other and never collecting a live row.
 *
 * <p>Not provided: schema migration, multi-statement transactions across sessions, and a bound on how stale a row may
 * become before it is swept (loads never return it once expired, whether swept or not). Principals longer than
 * {@value #MAX_PRINCIPAL_LENGTH} characters are refused with {@link IllegalArgumentException}.
 */
public final class JdbcSessionStore implements SessionStore {
    /** Default table name. */
    public static final String DEFAULT_TABLE = SqlStatements.DEFAULT_TABLE;
    /** Default maximum number of pooled connections, when the store builds its own pool. */
    public static final int DEFAULT_POOL_MAX_SIZE = 10;
    /** Default time to wait for a pooled connection, including opening one. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default per-statement timeout ({@link Statement#setQueryTimeout(int)}, whole seconds, rounded up). */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Default expiry grace: claims and {@link #purgeExpired()} take only rows expired for longer than this, by
     * the sweeping node's clock, so that nodes whose clocks differ by up to the grace never delete a session that is
     * still live for the node that wrote it.
     */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(60);
    /** Default number of rows one sweep statement deletes at most. */
    public static final int DEFAULT_SWEEP_BATCH_SIZE = 1000;
    /** Longest principal the {@code principal VARCHAR(256)} column holds. */
    public static final int MAX_PRINCIPAL_LENGTH = 256;

    /** What the store's own PostgreSQL pool runs on each new connection unless synchronous commit is asked for. */
    static final String ASYNC_COMMIT_SQL = "SET synchronous_commit TO off";

    private static final System.Logger LOG = System.getLogger("io.sessionkit.jdbc");
    private static final AtomicInteger POOL_SEQUENCE = new AtomicInteger();
    private static final int MAX_SWEEP_RETRIES = 3;
    private static final int MAX_DEADLOCK_RETRIES = 2;
    /** The cursors of {@link #scan}: {@code j1:} and base64url of the last {@code session_id} read. */
    private static final KeysetCursor SCAN_CURSOR = KeysetCursor.of("j");
    /** Session ids per {@code removeExpired} statement. */
    static final int REMOVE_CHUNK = 500;

    /** The SQL dialects this store speaks. */
    public enum Dialect {
        /** H2 2.x, in memory or in a file. */
        H2("h2", "H2"),
        /** PostgreSQL 9.5 or later ({@code ON CONFLICT}, {@code SKIP LOCKED}). */
        POSTGRESQL("postgresql", "PostgreSQL"),
        /** MariaDB 10.4+ and MySQL 8.0+ (one schema and one set of statements serve both). */
        MARIADB("mariadb", "MariaDB/MySQL");

        private final String fileName;
        private final String displayName;

        Dialect(String fileName, String displayName) {
            this.fileName = fileName;
            this.displayName = displayName;
        }

        /** What this database needs that the others do not. */
        SqlDialect strategy() {
            // A switch, not a field: an enum's fields must be immutable, and the strategies are objects with code.
            return switch (this) {
                case H2 -> SqlDialect.H2;
                case POSTGRESQL -> SqlDialect.POSTGRESQL;
                case MARIADB -> SqlDialect.MARIADB;
            };
        }

        /** The name used in {@code sessionkit.jdbc.dialect} and in the schema file name. */
        public String fileName() {
            return fileName;
        }

        /**
         * The dialect named {@code name}: {@code h2}, {@code postgresql} (or {@code postgres}), {@code mariadb} (or
         * {@code mysql}), case-insensitive.
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Dialect of(String name) {
            requireNonNull(name, "name");
            return switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "h2" -> H2;
                case "postgresql", "postgres" -> POSTGRESQL;
                case "mariadb", "mysql" -> MARIADB;
                default ->
                    throw new IllegalArgumentException(
                            "unknown dialect '" + name + "'; expected h2, postgresql or mariadb");
            };
        }

        static Optional<Dialect> fromProductName(@Nullable String product) {
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.contains("postgres")) {
                return Optional.of(POSTGRESQL);
            }
            if (p.contains("mariadb") || p.contains("mysql")) {
                return Optional.of(MARIADB);
            }
            if (p.equals("h2")) {
                return Optional.of(H2);
            }
            return Optional.empty();
        }
    }

    private final DataSource dataSource;
    private final @Nullable HikariDataSource ownedPool;
    final SqlStatements sql;
    private final String server;
    /** The JDBC URL, if known (given, or an application's HikariCP pool's); null otherwise. */
    private final @Nullable String url;

    private final Clock clock;
    private final int queryTimeoutSeconds;
    private final int sweepBatchSize;
    private final long graceMillis;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong sweepRetries = new AtomicLong();
    private final AtomicBoolean manualCommitReported = new AtomicBoolean();

    private JdbcSessionStore(Builder b, DataSource dataSource, @Nullable HikariDataSource ownedPool) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.clock = b.clock;
        this.queryTimeoutSeconds = (int) Math.max(1, (b.queryTimeout.toMillis() + 999) / 1000);
        this.sweepBatchSize = b.sweepBatchSize;
        this.graceMillis = b.expiryGrace.toMillis();
        // An application's HikariCP pool knows its URL: name it, so a failure says where the store tried to go.
        String knownUrl = b.url != null
                ? b.url
                : dataSource instanceof HikariConfig hc && hc.getJdbcUrl() != null ? hc.getJdbcUrl() : null;
        String described = knownUrl != null
                ? sanitize(knownUrl)
                : "a DataSource (" + dataSource.getClass().getName() + ")";
        Dialect dialect = b.dialect;
        if (dialect == null) {
            try (Connection c = dataSource.getConnection()) {
                DatabaseMetaData md = c.getMetaData();
                String product = md.getDatabaseProductName();
                dialect = Dialect.fromProductName(product).orElse(null);
                if (dialect == null) {
                    // The one case where the dialect setting is the answer: the database answered, with a name we
                    // do not recognise.
                    throw new SessionException("Unsupported database '" + product + "' at " + described
                            + ": SessionKit JDBC speaks H2, PostgreSQL and MySQL/MariaDB; if this database speaks one of"
                            + " them, set sessionkit.jdbc.dialect (builder: dialect(...))");
                }
                if (knownUrl == null && md.getURL() != null) {
                    described = sanitize(md.getURL());
                }
            } catch (SQLException e) {
                throw new SessionStoreUnavailableException(
                        "JDBC store at " + described + ": cannot start, " + explain(e, knownUrl), e);
            }
        }
        this.server = dialect.displayName + " at " + described;
        this.url = knownUrl;
        this.sql = new SqlStatements(dialect, b.table, b.sweepBatchSize);
        if (b.createSchema) {
            createSchema();
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The DDL of the shipped schema file for {@code dialect}, with {@code table} as the table name (and as the prefix
     * of the index names).
     *
     * @throws IllegalArgumentException if {@code table} is not a plain SQL identifier of at most 48 characters
     */
    public static String schema(Dialect dialect, String table) {
        requireNonNull(dialect, "dialect");
        return SqlStatements.schemaText(dialect, table);
    }

    /** The dialect in use, detected or configured. */
    public Dialect dialect() {
        return sql.dialect;
    }

    /** The table this store uses. */
    public String table() {
        return sql.table;
    }

    @Override
    public Set<StoreFeature> features() {
        return EnumSet.of(
                StoreFeature.PRINCIPAL_INDEX,
                StoreFeature.PURGE_EXPIRED,
                StoreFeature.EXPIRY_EVENTS,
                StoreFeature.SCAN);
    }

    @Override
    public boolean create(SessionRecord record) {
        requireNonNull(record, "record");
        checkPrincipal(record.principal());
        long now = clock.millis();
        return run("create", record.key(), c -> sql.strategy.create(this, c, record, now));
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        requireNonNull(key, "key");
        long now = clock.millis();
        return run("load", key, c -> {
            try (PreparedStatement ps = prepare(c, sql.load)) {
                ps.setString(1, key.value());
                ps.setLong(2, now);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(toRecord(key, rs, 1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        requireNonNull(record, "record");
        checkPrincipal(record.principal());
        long now = clock.millis();
        return run("replace", record.key(), c -> {
            boolean classified = sql.strategy.classifiesInOneStatement();
            try (PreparedStatement ps = prepare(c, classified ? sql.replaceClassified : sql.replace)) {
                bindColumns(ps, 1, record);
                ps.setString(8, record.key().value());
                ps.setLong(9, expectedVersion);
                ps.setLong(10, now);
                if (classified) {
                    ps.setString(11, record.key().value());
                    ps.setLong(12, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 1) {
                            return ReplaceResult.OK;
                        }
                        return rs.getLong(2) == 1 ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
                    }
                }
                if (ps.executeUpdate() == 1) {
                    return ReplaceResult.OK;
                }
            }
            // Only a failed compare-and-set pays for this second statement.
            return liveRowExists(c, record.key(), now) ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
        });
    }

    @Override
    public void delete(SessionKey key) {
        requireNonNull(key, "key");
        run("delete", key, c -> {
            try (PreparedStatement ps = prepare(c, sql.delete)) {
                ps.setString(1, key.value());
                return ps.executeUpdate();
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One statement, {@code DELETE ... WHERE session_id = ? AND version = ? AND expires_at > now}. When it deletes
     * nothing, one more {@code SELECT} tells {@link ReplaceResult#CONFLICT} from {@link ReplaceResult#GONE}. On
     * PostgreSQL the {@code DELETE} runs inside a {@code WITH} that also reports whether a live row existed in its
     * snapshot, so {@code GONE} costs no second statement either; only a row that was live in the snapshot but not
     * deleted (another version, or a delete that committed while this one waited) is read again.
     */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        requireNonNull(key, "key");
        long now = clock.millis();
        return run("delete", key, c -> {
            boolean classified = sql.strategy.classifiesInOneStatement();
            try (PreparedStatement ps = prepare(c, classified ? sql.deleteClassified : sql.deleteVersion)) {
                ps.setString(1, key.value());
                ps.setLong(2, expectedVersion);
                ps.setLong(3, now);
                if (classified) {
                    ps.setString(4, key.value());
                    ps.setLong(5, now);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getLong(1) == 1) {
                            return ReplaceResult.OK;
                        }
                        if (rs.getLong(2) == 0) {
                            return ReplaceResult.GONE;
                        }
                    }
                    // Live in the statement's snapshot, yet not deleted: another version, or a delete that committed
                    // while this one waited for the row. Only a fresh read tells CONFLICT from GONE.
                } else if (ps.executeUpdate() == 1) {
                    return ReplaceResult.OK;
                }
            }
            // Only a failed compare-and-set pays for this second statement.
            return liveRowExists(c, key, now) ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
        });
    }

    private boolean liveRowExists(Connection c, SessionKey key, long now) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.liveVersion)) {
            ps.setString(1, key.value());
            ps.setLong(2, now);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keyset pagination on the primary key, one {@code SELECT} per page:
     * {@code WHERE session_id > ? AND expires_at > now ORDER BY session_id LIMIT pageSize}, so a page costs an index
     * range of {@code pageSize} rows however large the table, holds no lock and keeps nothing open between pages. The
     * cursor is {@code j1:} followed by base64url of the last {@code session_id} the page read ({@link KeysetCursor}),
     * valid on every node of the table. Every row live throughout the scan is returned exactly once, whatever is
     * written meanwhile: rows are ordered by their immutable key. A row that cannot be decoded (a malformed
     * {@code session_id}, bad metadata, data that is not a JSON object) is skipped, logged once with
     * {@link StoreFailures#skipped}, and the scan moves past it.
     */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        ScanPage.requirePageSize(pageSize);
        String after = scanPosition(cursor);
        long now = clock.millis();
        return run("scan", null, c -> {
            try (PreparedStatement ps = prepare(c, after == null ? sql.scanFirst : sql.scanAfter)) {
                int i = 1;
                if (after != null) {
                    ps.setString(i++, after);
                }
                ps.setLong(i++, now);
                ps.setInt(i, pageSize);
                List<SessionRecord> out = new ArrayList<>();
                String last = null;
                int read = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        read++;
                        last = rs.getString(1);
                        SessionKey key;
                        try {
                            key = new SessionKey(last);
                        } catch (IllegalArgumentException e) {
                            StoreFailures.skipped(LOG, server, "scan", null, e);
                            continue;
                        }
                        try {
                            out.add(toRecord(key, rs, 2));
                        } catch (SessionCodecException e) {
                            StoreFailures.skipped(LOG, server, "scan", key, e);
                        }
                    }
                }
                // A full page may be the last: the next, empty page says so. A short page always is.
                return new ScanPage(out, read == pageSize && last != null ? SCAN_CURSOR.after(last) : null);
            }
        });
    }

    /** The key a scan cursor resumes after: any non-empty value of at most the column's 64 characters. */
    private static @Nullable String scanPosition(@Nullable String cursor) {
        String after = SCAN_CURSOR.position(cursor);
        if (after != null && after.length() > 64) {
            throw new IllegalArgumentException("not a scan cursor of this store: its key is longer than session_id");
        }
        return after;
    }

    /** {@inheritDoc} One {@code SELECT} on the principal index. */
    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        requireNonNull(principal, "principal");
        long now = clock.millis();
        if (principal.length() > MAX_PRINCIPAL_LENGTH) {
            return List.of();
        }
        return run("findByPrincipal", null, c -> {
            try (PreparedStatement ps = prepare(c, sql.findByPrincipal)) {
                ps.setString(1, principal);
                ps.setLong(2, now);
                List<SessionRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        SessionKey key;
                        try {
                            key = new SessionKey(rs.getString(1));
                        } catch (IllegalArgumentException e) {
                            throw new SessionCodecException("a row of " + sql.table + " has a malformed session_id", e);
                        }
                        try {
                            out.add(toRecord(key, rs, 2));
                        } catch (SessionCodecException e) {
                            StoreFailures.skipped(LOG, server, "findByPrincipal", key, e);
                        }
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deletes rows with {@code expires_at <= now - expiryGrace} (rows expired for longer than the
     * {@linkplain Builder#expiryGrace(Duration) grace} by this node's clock) in batches of at most the sweep batch
     * size, one autocommit statement each, until a batch comes back short. Safe to call from many nodes at once. A
     * batch that loses a deadlock or lock-wait race is retried up to three times.
     */
    @Override
    public int purgeExpired() {
        ensureOpen();
        long cutoff = clock.millis() - graceMillis;
        int total = 0;
        while (true) {
            int deleted = sweep("purgeExpired", c -> {
                try (PreparedStatement ps = prepare(c, sql.purgeBatch)) {
                    sql.strategy.bindPurge(ps, cutoff);
                    return ps.executeUpdate();
                }
            });
            total += deleted;
            if (deleted < sweepBatchSize) {
                return total;
            }
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Sets {@code claimed_until = now + lease} on at most {@code max} rows with
     * {@code expires_at <= now - expiryGrace} whose {@code claimed_until} is null or has passed, and returns their key,
     * principal and {@code expires_at} (never changed by the claim). PostgreSQL and H2: one statement; MySQL/MariaDB:
     * an {@code UPDATE} that marks the rows with a random token, then a {@code SELECT} of that token's rows. A batch
     * that loses a deadlock or lock-wait race is retried up to three times.
     */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        BuilderChecks.atLeast("max", max, 1);
        long leaseMillis = BuilderChecks.positive("lease", lease).toMillis();
        ensureOpen();
        long now = clock.millis();
        long until = now > Long.MAX_VALUE - leaseMillis ? Long.MAX_VALUE : now + leaseMillis;
        SqlDialect.Claim claim = new SqlDialect.Claim(max, now - graceMillis, now, until);
        return sweep("claimExpired", c -> sql.strategy.claim(this, c, sql, claim));
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code DELETE ... WHERE session_id IN (...) AND expires_at <= now AND claimed_until IS NOT NULL}, at most
     * {@value #REMOVE_CHUNK} ids per statement, in key order (so removers on several nodes lock rows in the same
     * order and never deadlock). A row that a {@code create} took over since the claim is live and unclaimed, and
     * stays.
     */
    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        requireNonNull(claimed, "claimed");
        ensureOpen();
        List<String> keys =
                claimed.stream().map(e -> e.key().value()).distinct().sorted().toList();
        long now = clock.millis();
        for (int from = 0; from < keys.size(); from += REMOVE_CHUNK) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + REMOVE_CHUNK));
            var unused = sweep("removeExpired", c -> {
                try (PreparedStatement ps = prepare(c, sql.removeExpired(chunk.size()))) {
                    int i = 1;
                    for (String key : chunk) {
                        ps.setString(i++, key);
                    }
                    ps.setLong(i, now);
                    return ps.executeUpdate();
                }
            });
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Borrows a connection (within the connect timeout) and asks the driver whether it answers
     * ({@link Connection#isValid(int)}, within the query timeout): one small round trip ({@code PING} on MySQL/MariaDB,
     * an empty query on PostgreSQL).
     */
    @Override
    public void ping() {
        ensureOpen();
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid(queryTimeoutSeconds)) {
                throw StoreFailures.unavailable(
                        server, "ping", null, "the database did not answer within " + queryTimeoutSeconds + " s", null);
            }
        } catch (SQLException e) {
            throw failure("ping", null, e);
        }
    }

    /** If the store built the pool, closes it. A DataSource passed in stays open. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (ownedPool != null) {
            ownedPool.close();
        }
    }

    @Override
    public String toString() {
        return "JdbcSessionStore[" + server + ", table=" + sql.table + "]";
    }

    /** The DataSource in use (for tests). */
    DataSource dataSource() {
        return dataSource;
    }

    /** How long past expiry a row is kept before a sweep may delete it. */
    Duration expiryGrace() {
        return Duration.ofMillis(graceMillis);
    }

    /** How many sweep batches were retried after a deadlock or lock timeout (for tests and diagnostics). */
    long sweepRetries() {
        return sweepRetries.get();
    }

    // ---- internals ----

    @FunctionalInterface
    private interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /**
     * A connection of the DataSource in autocommit mode, for one operation. A pool that hands out connections with
     * autocommit off (a common HikariCP/Spring tuning) would otherwise run every statement in a transaction that the
     * pool rolls back when the connection returns: writes reported done, nothing kept. So the mode is switched on for
     * the operation, every statement then commits by itself exactly as on an autocommit pool (same locks, same
     * snapshots; nothing is ever left in an open transaction), and switched back before the connection returns.
     */
    private final class Lease implements AutoCloseable {
        final Connection connection;
        private final boolean restoreManualCommit;

        Lease() throws SQLException {
            Connection c = dataSource.getConnection();
            try {
                restoreManualCommit = !c.getAutoCommit();
                if (restoreManualCommit) {
                    if (manualCommitReported.compareAndSet(false, true)) {
                        LOG.log(
                                Level.INFO,
                                "{0}: the DataSource hands out connections with autocommit off; the store"
                                        + " switches it on for each operation and back afterwards (on MySQL/MariaDB that costs two"
                                        + " more round trips per operation: give the store a pool with autocommit on)",
                                server);
                    }
                    c.setAutoCommit(true);
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    c.close();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            this.connection = c;
        }

        @Override
        public void close() throws SQLException {
            try {
                if (restoreManualCommit) {
                    connection.setAutoCommit(false);
                }
            } catch (SQLException e) {
                // The operation has committed; a connection that cannot switch back is the pool's to reset or evict.
                LOG.log(
                        Level.WARNING,
                        "{0}: could not switch a connection back to autocommit off: {1}",
                        server,
                        e.getMessage());
            } finally {
                connection.close();
            }
        }
    }

    private <T> T run(String operation, @Nullable SessionKey key, SqlWork<T> work) {
        ensureOpen();
        for (int attempt = 0; ; attempt++) {
            try (Lease lease = new Lease()) {
                return work.apply(lease.connection);
            } catch (SQLException e) {
                // A deadlock victim's autocommit statement was rolled back whole, so running it again is safe.
                if (attempt < MAX_DEADLOCK_RETRIES && isDeadlock(e)) {
                    LOG.log(
                            Level.DEBUG,
                            "{0}: {1} of {2} lost a deadlock, retrying",
                            server,
                            operation,
                            key == null ? "-" : key.shortForm());
                    continue;
                }
                throw failure(operation, key, e);
            }
        }
    }

    /**
     * One batch of a sweep (purge, claim or remove) on a connection of its own, under READ COMMITTED where the dialect
     * sweeps so; retried when it loses a deadlock or lock-wait race (its statements were rolled back whole).
     */
    private <T> T sweep(String operation, SqlWork<T> work) {
        ensureOpen();
        for (int attempt = 0; ; attempt++) {
            try (Lease lease = new Lease()) {
                Connection c = lease.connection;
                if (!sql.strategy.sweepsReadCommitted()) {
                    return work.apply(c);
                }
                int isolation = c.getTransactionIsolation();
                c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                try {
                    return work.apply(c);
                } finally {
                    c.setTransactionIsolation(isolation);
                }
            } catch (SQLException e) {
                if (attempt < MAX_SWEEP_RETRIES && isLockContention(e)) {
                    sweepRetries.incrementAndGet();
                    LOG.log(
                            Level.DEBUG,
                            "{0}: {1} batch lost a lock race ({2}), retrying",
                            server,
                            operation,
                            e.getSQLState());
                    continue;
                }
                throw failure(operation, null, e);
            }
        }
    }

    /** The claimed rows of {@code rs} ({@code session_id, principal, expires_at}); a malformed id is logged, skipped. */
    List<ExpiredSession> expiredSessions(ResultSet rs) throws SQLException {
        List<ExpiredSession> out = new ArrayList<>();
        while (rs.next()) {
            String id = rs.getString(1);
            try {
                out.add(new ExpiredSession(new SessionKey(id), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3))));
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                StoreFailures.skipped(LOG, server, "claimExpired", null, e);
            }
        }
        return List.copyOf(out);
    }

    private void createSchema() {
        try (Lease lease = new Lease();
                Statement st = lease.connection.createStatement()) {
            Connection c = lease.connection;
            st.setQueryTimeout(Math.max(queryTimeoutSeconds, 30));
            for (String ddl : SqlStatements.schemaStatements(sql.dialect, sql.table)) {
                try {
                    st.execute(ddl);
                } catch (SQLException e) {
                    // Another node may create the same table at the same moment; what counts is that it exists.
                    if (!tableExists(c)) {
                        throw e;
                    }
                    LOG.log(
                            Level.DEBUG,
                            "{0}: schema statement failed but {1} exists: {2}",
                            server,
                            sql.table,
                            e.getMessage());
                }
            }
            addClaimColumns(c, st);
        } catch (SQLException e) {
            throw failure("create-schema", null, e);
        }
    }

    /**
     * Adds the claim columns that a table created by an earlier version lacks ({@code ALTER TABLE ... ADD COLUMN
     * claimed_until BIGINT}, on MySQL/MariaDB also {@code claim_token BIGINT}): nullable, so no row is rewritten.
     */
    private void addClaimColumns(Connection c, Statement st) throws SQLException {
        for (String column : sql.strategy.claimColumns()) {
            if (columnExists(c, column)) {
                continue;
            }
            try {
                st.execute(SqlStatements.addColumn(sql.table, column));
                LOG.log(Level.INFO, "{0}: added column {1} to {2}", server, column, sql.table);
            } catch (SQLException e) {
                // Another node may add it at the same moment.
                if (!columnExists(c, column)) {
                    throw e;
                }
            }
        }
    }

    private boolean tableExists(Connection c) {
        return columnExists(c, "session_id");
    }

    private boolean columnExists(Connection c, String column) {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(queryTimeoutSeconds);
            st.executeQuery("SELECT " + column + " FROM " + sql.table + " WHERE 1 = 0")
                    .close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs the plain INSERT; false on a duplicate key. */
    boolean insert(Connection c, SessionRecord record) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql.insert)) {
            bindInsert(ps, 1, record);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            if (sql.strategy.isDuplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Binds the eight INSERT columns from {@code first} on; returns the next parameter index. */
    int bindInsert(PreparedStatement ps, int first, SessionRecord r) throws SQLException {
        ps.setString(first, r.key().value());
        return bindColumns(ps, first + 1, r);
    }

    /**
     * Binds the seven columns after {@code session_id}, in the INSERT's order (principal, created_at,
     * last_accessed_at, expires_at, max_idle_seconds, version, data), from {@code first} on; returns the next index.
     */
    int bindColumns(PreparedStatement ps, int first, SessionRecord r) throws SQLException {
        int i = first;
        ps.setString(i++, r.principal());
        ps.setLong(i++, r.createdAt().toEpochMilli());
        ps.setLong(i++, r.lastAccessedAt().toEpochMilli());
        ps.setLong(i++, r.expiresAt().toEpochMilli());
        ps.setLong(i++, r.maxIdle().toSeconds());
        ps.setLong(i++, r.version());
        ps.setString(i++, sql.strategy.encode(r.attributes()));
        return i;
    }

    /** A statement with the store's query timeout. */
    PreparedStatement prepare(Connection c, String statement) throws SQLException {
        PreparedStatement ps = c.prepareStatement(statement);
        ps.setQueryTimeout(queryTimeoutSeconds);
        return ps;
    }

    /** Reads version, created_at, last_accessed_at, max_idle_seconds, expires_at, principal, data from {@code first}. */
    private SessionRecord toRecord(SessionKey key, ResultSet rs, int first) throws SQLException {
        long version = rs.getLong(first);
        long createdAt = rs.getLong(first + 1);
        long lastAccessedAt = rs.getLong(first + 2);
        long maxIdleSeconds = rs.getLong(first + 3);
        long expiresAt = rs.getLong(first + 4);
        String principal = rs.getString(first + 5);
        String data = StoredData.decode(rs.getString(first + 6));
        if (data == null) {
            throw new SessionCodecException(
                    "record " + key.shortForm() + " in " + sql.table + " has no JSON object in data");
        }
        if (version == Long.MAX_VALUE) {
            // Valid, but the next write would overflow it: undecodable now rather than an exception at save.
            throw new SessionCodecException(
                    "record " + key.shortForm() + " in " + sql.table + " has a version that cannot grow");
        }
        try {
            return new SessionRecord(
                    key,
                    version,
                    Instant.ofEpochMilli(createdAt),
                    Instant.ofEpochMilli(lastAccessedAt),
                    Duration.ofSeconds(maxIdleSeconds),
                    Instant.ofEpochMilli(expiresAt),
                    principal,
                    data);
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw new SessionCodecException(
                    "record " + key.shortForm() + " in " + sql.table + " is invalid: " + e.getMessage(), e);
        }
    }

    private static void checkPrincipal(@Nullable String principal) {
        if (principal != null && principal.length() > MAX_PRINCIPAL_LENGTH) {
            throw new IllegalArgumentException(
                    "principal longer than " + MAX_PRINCIPAL_LENGTH + " characters cannot be stored");
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    private RuntimeException failure(String operation, @Nullable SessionKey key, SQLException e) {
        String why = explain(e, url);
        return isUnavailable(e)
                ? StoreFailures.unavailable(server, operation, key, why, e)
                : StoreFailures.failed(server, operation, key, why, e);
    }

    /**
     * What went wrong, root cause first when it is a network failure: a pool's "Connection is not available, request
     * timed out" says nothing of the "Connection refused" underneath. Then the SQLState and every message of the
     * cause chain that adds something, so nothing the driver said is lost. {@code url} may be null (unknown).
     */
    static String explain(SQLException e, @Nullable String url) {
        Throwable root = e;
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        StringBuilder chain = new StringBuilder("SQLState ")
                .append(e.getSQLState())
                .append(": ")
                .append(e.getMessage());
        for (Throwable t = e.getCause(); t != null && seen.add(t); t = t.getCause()) {
            root = t;
            String m = t.getMessage();
            if (m != null && chain.indexOf(m) < 0) {
                chain.append("; caused by ")
                        .append(t.getClass().getName())
                        .append(": ")
                        .append(m);
            }
        }
        if (root != e && root instanceof java.io.IOException) {
            String where = url == null ? null : hostAndPort(url);
            return "cannot reach the database" + (where == null ? "" : " at " + where) + ": "
                    + root.getClass().getName() + ": " + root.getMessage() + " (" + chain + ")";
        }
        return chain.toString();
    }

    /** The {@code host:port} part of a JDBC URL such as {@code jdbc:postgresql://db:5432/app}, or null. */
    static @Nullable String hostAndPort(String url) {
        String s = sanitize(url);
        int scheme = s.indexOf("//");
        if (scheme < 0) {
            return null;
        }
        int end = s.length();
        for (char ch : new char[] {'/', '?', ';'}) {
            int i = s.indexOf(ch, scheme + 2);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        String authority = s.substring(scheme + 2, end);
        return authority.isEmpty() ? null : authority;
    }

    /** Connection loss, timeouts, server shutdown, lack of resources, lock contention: worth a retry later. */
    static boolean isUnavailable(SQLException e) {
        if (e instanceof SQLTransientException
                || e instanceof SQLRecoverableException
                || e instanceof SQLTimeoutException
                || e instanceof java.sql.SQLNonTransientConnectionException) {
            return true;
        }
        String state = e.getSQLState();
        if (state != null && state.length() == 5) {
            String stateClass = state.substring(0, 2);
            if (Set.of("08", "40", "53", "57").contains(stateClass)
                    || Set.of("HYT00", "HYT01", "70100").contains(state)) {
                return true;
            }
        }
        return isLockContention(e);
    }

    private static boolean isDeadlock(SQLException e) {
        return "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState()) || e.getErrorCode() == 1213;
    }

    private static boolean isLockContention(SQLException e) {
        String state = e.getSQLState();
        // 40001/40P01: serialization failure / deadlock; MySQL 1205 lock wait timeout, 1213 deadlock.
        return "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1205 || e.getErrorCode() == 1213;
    }

    /** The URL without parameters or user info, which may carry credentials. */
    static String sanitize(String url) {
        String s = url;
        int cut = s.length();
        for (char ch : new char[] {'?', ';'}) {
            int i = s.indexOf(ch);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        s = s.substring(0, cut);
        int scheme = s.indexOf("//");
        int at = s.indexOf('@');
        if (scheme >= 0 && at > scheme) {
            s = s.substring(0, scheme + 2) + s.substring(at + 1);
        }
        return s;
    }

    /**
     * Builds a {@link JdbcSessionStore}. Give either {@link #dataSource(DataSource)} (the store borrows it and never
     * closes it) or {@link #url(String)} (the store builds and owns a HikariCP pool).
     */
    public static final class Builder {
        private @Nullable DataSource dataSource;
        private @Nullable String url;
        private @Nullable String user;
        private @Nullable String password;
        private int poolMaxSize = DEFAULT_POOL_MAX_SIZE;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private @Nullable Dialect dialect;
        private String table = DEFAULT_TABLE;
        private boolean createSchema;
        private int sweepBatchSize = DEFAULT_SWEEP_BATCH_SIZE;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private Clock clock = Clock.systemUTC();
        private boolean synchronousCommit = true;

        private Builder() {}

        /** Use this DataSource (a pool, ideally); the store does not close it. Excludes {@link #url(String)}. */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The JDBC URL of the pool the store builds, e.g. {@code jdbc:postgresql://db:5432/app}. */
        public Builder url(String url) {
            this.url = requireNonNull(url, "url");
            return this;
        }

        /** The user of the pool the store builds; none by default. */
        public Builder user(@Nullable String user) {
            this.user = user;
            return this;
        }

        /** The password of the pool the store builds; none by default. */
        public Builder password(@Nullable String password) {
            this.password = password;
            return this;
        }

        /** Maximum connections of the pool the store builds; default {@value #DEFAULT_POOL_MAX_SIZE}. */
        public Builder poolMaxSize(int size) {
            this.poolMaxSize = BuilderChecks.atLeast("poolMaxSize", size, 1);
            return this;
        }

        /** How long to wait for a connection, including opening one (at least 250 ms); default 5 s. */
        public Builder connectTimeout(Duration timeout) {
            // HikariCP refuses a connection timeout below 250 ms.
            this.connectTimeout = BuilderChecks.between(
                    "connectTimeout",
                    timeout,
                    Duration.ofMillis(250),
                    BuilderChecks.MAX_TIMEOUT,
                    "(timeouts are never infinite)");
            return this;
        }

        /** Timeout of every statement, rounded up to whole seconds (JDBC's unit), never infinite; default 5 s. */
        public Builder queryTimeout(Duration timeout) {
            this.queryTimeout = BuilderChecks.positive("queryTimeout", timeout);
            return this;
        }

        /** The SQL dialect; detected from {@link DatabaseMetaData} when not set. */
        public Builder dialect(Dialect dialect) {
            this.dialect = requireNonNull(dialect, "dialect");
            return this;
        }

        /** The table name, a plain SQL identifier of at most 48 characters; default {@value #DEFAULT_TABLE}. */
        public Builder table(String table) {
            this.table = SqlStatements.requireIdentifier(requireNonNull(table, "table"));
            return this;
        }

        /**
         * Whether to run the shipped schema ({@code CREATE ... IF NOT EXISTS}) when the store starts, and add the claim
         * columns ({@code claimed_until}, on MySQL/MariaDB also {@code claim_token}) to a table an earlier version
         * created; default false.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Rows one {@link JdbcSessionStore#purgeExpired()} statement deletes at most; default
         * {@value #DEFAULT_SWEEP_BATCH_SIZE}. (Claims take the batch size the caller asks for: the manager's
         * {@code sessionkit.sweep.batch-size}.)
         */
        public Builder sweepBatchSize(int size) {
            this.sweepBatchSize = BuilderChecks.atLeast("sweepBatchSize", size, 1);
            return this;
        }

        /**
         * How long past its expiry a row is kept before a claim ({@link JdbcSessionStore#claimExpired}) or
         * {@link JdbcSessionStore#purgeExpired()} may take it; default 60 s. Every node decides expiry by its own clock, so a node whose clock runs ahead of
         * the writer's would otherwise delete sessions in their last moments. With the grace, clocks that differ by
         * up to the grace lose no session and end none early by more than the skew (a reader ahead sees a session
         * expire up to the skew early, as {@code load} filters by its own clock); beyond the grace, a node ahead by
         * {@code skew} may delete a session that is still live for its writer during the last {@code skew - grace}
         * of its life, so keep clocks in sync (NTP). The grace only delays the physical delete: {@code load},
         * {@code replace} and {@code findByPrincipal} still treat a row as absent from {@code expires_at} on.
         */
        public Builder expiryGrace(Duration grace) {
            this.expiryGrace = BuilderChecks.expiryGrace("expiryGrace", grace);
            return this;
        }

        /**
         * PostgreSQL only, and only for the pool the store builds: whether each write waits for its WAL record to reach
         * disk. Default {@code true}: full durability. {@code false} makes the pool run
         * {@code SET synchronous_commit TO off}, so a write returns (and releases its row lock) without waiting for the
         * disk: writes get several times faster, and a crash of the PostgreSQL server (not a clean restart) may lose
         * the writes of its last ~0.6 s (three {@code wal_writer_delay}s), never corrupting anything. A DataSource
         * passed in is left as it is.
         */
        public Builder synchronousCommit(boolean synchronousCommit) {
            this.synchronousCommit = synchronousCommit;
            return this;
        }

        /** The clock that decides what is expired; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /**
         * Builds the store. Unless a dialect is set, it connects once to detect the dialect.
         *
         * @throws IllegalStateException             if neither or both of a DataSource and a URL are given
         * @throws SessionStoreUnavailableException if the database cannot be reached to detect the dialect
         */
        public JdbcSessionStore build() {
            DataSource given = dataSource;
            String jdbcUrl = url;
            if ((given == null) == (jdbcUrl == null)) {
                throw new IllegalStateException("give exactly one of dataSource(...) or url(...)");
            }
            if (given != null) {
                return new JdbcSessionStore(this, given, null);
            }
            HikariDataSource pool = new HikariDataSource(poolConfig(requireNonNull(jdbcUrl, "url")));
            try {
                return new JdbcSessionStore(this, pool, pool);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        private HikariConfig poolConfig(String url) {
            HikariConfig hc = new HikariConfig();
            hc.setPoolName("sessionkit-jdbc-" + POOL_SEQUENCE.incrementAndGet());
            hc.setJdbcUrl(url);
            hc.setUsername(user);
            hc.setPassword(password);
            hc.setMaximumPoolSize(poolMaxSize);
            hc.setAutoCommit(true);
            hc.setConnectionTimeout(connectTimeout.toMillis());
            hc.setValidationTimeout(Math.max(250, connectTimeout.toMillis() / 2));
            // Start even while the database is down; detection or the first call reports it with a clear message.
            hc.setInitializationFailTimeout(-1);
            long connectSeconds = Math.max(1, (connectTimeout.toMillis() + 999) / 1000);
            long querySeconds = Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
            // The socket timeout backs up setQueryTimeout when the network, not the server, is what hangs.
            long socketSeconds = querySeconds + connectSeconds + 5;
            String lower = url.toLowerCase(Locale.ROOT);
            if (lower.startsWith("jdbc:postgresql:")) {
                if (!synchronousCommit) {
                    hc.setConnectionInitSql(ASYNC_COMMIT_SQL);
                }
                hc.addDataSourceProperty("connectTimeout", String.valueOf(connectSeconds));
                hc.addDataSourceProperty("socketTimeout", String.valueOf(socketSeconds));
                // A timed-out statement waits for its cancel request (a new connection to the server) before it
                // fails; across a partition that request hangs for cancelSignalTimeout, 10 s by default, past the
                // socket timeout. Give it the connect timeout instead.
                hc.addDataSourceProperty("cancelSignalTimeout", String.valueOf(connectSeconds));
            } else if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
                hc.addDataSourceProperty("connectTimeout", String.valueOf(connectTimeout.toMillis()));
                hc.addDataSourceProperty("socketTimeout", String.valueOf(socketSeconds * 1000));
            }
            return hc;
        }

        /**
         * Reads the {@code sessionkit.jdbc.*} keys ({@link JdbcSessionStoreProvider}, which documents them) into a new
         * builder, recording a bad value in {@code c} rather than throwing; returns how to build the store.
         */
        static Supplier<SessionStore> fromKeys(ProviderConfig c) {
            Builder b = builder();
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
            c.string("dialect", name -> b.dialect(Dialect.of(name)));
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
            return b::build;
        }
    }
}
