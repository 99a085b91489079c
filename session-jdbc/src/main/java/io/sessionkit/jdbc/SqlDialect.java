package io.sessionkit.jdbc;

import io.sessionkit.ExpiredSession;
import io.sessionkit.SessionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What differs between the databases the JDBC store speaks, one small strategy object per dialect (as Spring
 * Session's per-database customizers and Jetty's {@code DatabaseAdaptor}): the SQL that has no portable form, the
 * error codes, and how {@code create}, the sweep and the expiry claim run. {@link SqlStatements} builds the portable statements around
 * it; {@link JdbcSessionStore} never asks which database it is talking to.
 */
abstract class SqlDialect {
    static final SqlDialect H2 = new H2();
    static final SqlDialect POSTGRESQL = new PostgreSql();
    static final SqlDialect MARIADB = new MariaDb();

    private final String json;

    /** {@code json} is the bind parameter of the JSON data column. */
    SqlDialect(String json) {
        this.json = json;
    }

    /** The bind parameter of the JSON data column. */
    final String json() {
        return json;
    }

    /** An index hint after the table name in statements by key; empty by default. */
    String byKeyHint() {
        return "";
    }

    /** The {@code expires_at} term of single-table DELETEs by key. */
    String expiresInDelete() {
        return "expires_at";
    }

    /** The one statement {@code create} runs first (see {@link #create}). */
    abstract String create(SqlStatements.Parts p);

    /** One sweep batch: deletes at most {@code batchSize} rows with {@code expires_at <= ?}. */
    abstract String purgeBatch(String table, int batchSize);

    /** Binds the cutoff to {@link #purgeBatch}. */
    void bindPurge(PreparedStatement ps, long cutoff) throws SQLException {
        ps.setLong(1, cutoff);
    }

    /**
     * The statement that claims expired rows. In the dialects that return the claimed rows from the statement itself
     * (the default {@link #claim(JdbcSessionStore, Connection, SqlStatements, Claim)}), its parameters are
     * {@code claimed_until}, the expiry cutoff, now, the limit, and, where the statement re-checks them outside a
     * sub-select, the cutoff and now again; it returns {@code session_id, principal, expires_at}.
     */
    abstract String claim(String table);

    /** The nullable columns of the claim marker, all {@code BIGINT}; {@code createSchema} adds the missing ones. */
    List<String> claimColumns() {
        return List.of("claimed_until");
    }

    /** Whether {@link #claim(String)} takes the cutoff and now a second time, after the limit. */
    boolean claimRechecks() {
        return false;
    }

    /**
     * Marks at most {@code claim.max()} rows with {@code expires_at <= claim.cutoff()} whose claim is absent or ran
     * out ({@code claimed_until <= claim.now()}) as claimed until {@code claim.until()}, and returns them, in one
     * statement by default. {@code expires_at} is never changed, so a claimed row stays expired for every reader.
     */
    List<ExpiredSession> claim(JdbcSessionStore s, Connection c, SqlStatements sql, Claim claim) throws SQLException {
        try (PreparedStatement ps = s.prepare(c, sql.claim)) {
            ps.setLong(1, claim.until());
            ps.setLong(2, claim.cutoff());
            ps.setLong(3, claim.now());
            ps.setInt(4, claim.max());
            if (claimRechecks()) {
                ps.setLong(5, claim.cutoff());
                ps.setLong(6, claim.now());
            }
            try (ResultSet rs = ps.executeQuery()) {
                return s.expiredSessions(rs);
            }
        }
    }

    /** One claim's bounds, epoch milliseconds of the claiming node's clock. */
    record Claim(int max, long cutoff, long now, long until) {}

    /** Whether the sweep runs under READ COMMITTED. */
    boolean sweepsReadCommitted() {
        return false;
    }

    /** Whether {@code replace} and the conditional delete report "was there a live row" in the same statement. */
    boolean classifiesInOneStatement() {
        return false;
    }

    /** Whether {@code e} reports a duplicate key; by default SQLState 23505, the SQL standard's unique violation. */
    boolean isDuplicateKey(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    /** The attributes JSON as the data column takes it. */
    String encode(String attributes) {
        return attributes;
    }

    /** Inserts {@code record}, or overwrites an expired row of its key; true if it wrote. */
    abstract boolean create(JdbcSessionStore s, Connection c, SessionRecord record, long now) throws SQLException;

    private static final class H2 extends SqlDialect {
        H2() {
            super("? FORMAT JSON");
        }

        @Override
        String create(SqlStatements.Parts p) {
            return "MERGE INTO " + p.table() + " s USING (VALUES (1)) AS one(x) ON s.session_id = ?"
                    + " WHEN MATCHED AND s.expires_at <= ? THEN UPDATE SET principal = ?, created_at = ?,"
                    + " last_accessed_at = ?, expires_at = ?, max_idle_seconds = ?, version = ?, data = " + json()
                    + ", claimed_until = NULL WHEN NOT MATCHED THEN INSERT " + p.insertColumns() + " "
                    + p.insertValues();
        }

        @Override
        String purgeBatch(String table, int batchSize) {
            return "DELETE FROM " + table + " WHERE expires_at <= ? FETCH FIRST " + batchSize + " ROWS ONLY";
        }

        @Override
        String claim(String table) {
            // A data change delta table: the UPDATE marks, FINAL TABLE returns the rows it marked, in one statement.
            return "SELECT session_id, principal, expires_at FROM FINAL TABLE (UPDATE " + table
                    + " SET claimed_until = ? WHERE expires_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                    + " FETCH FIRST ? ROWS ONLY)";
        }

        @Override
        boolean create(JdbcSessionStore s, Connection c, SessionRecord record, long now) throws SQLException {
            try (PreparedStatement ps = s.prepare(c, s.sql.create)) {
                ps.setString(1, record.key().value());
                ps.setLong(2, now);
                s.bindInsert(ps, s.bindColumns(ps, 3, record), record);
                return ps.executeUpdate() == 1;
            } catch (SQLException e) {
                // Two MERGEs of one new key race to the insert; the loser sees the winner's live row.
                if (isDuplicateKey(e)) {
                    return false;
                }
                throw e;
            }
        }
    }

    private static final class PostgreSql extends SqlDialect {
        PostgreSql() {
            super("CAST(? AS jsonb)");
        }

        @Override
        String create(SqlStatements.Parts p) {
            // The WHERE on DO UPDATE makes an expired row replaceable and a live one untouched (0 rows).
            return "INSERT INTO " + p.table() + " AS s " + p.insertColumns() + " " + p.insertValues()
                    + " ON CONFLICT (session_id) DO UPDATE SET principal = EXCLUDED.principal,"
                    + " created_at = EXCLUDED.created_at, last_accessed_at = EXCLUDED.last_accessed_at,"
                    + " expires_at = EXCLUDED.expires_at, max_idle_seconds = EXCLUDED.max_idle_seconds,"
                    + " version = EXCLUDED.version, data = EXCLUDED.data, claimed_until = NULL WHERE s.expires_at <= ?";
        }

        @Override
        String purgeBatch(String table, int batchSize) {
            // SKIP LOCKED: concurrent sweepers take disjoint batches instead of queueing on (or deadlocking over)
            // each other's rows; the outer re-check keeps a row that create revived meanwhile.
            return "DELETE FROM " + table + " WHERE session_id IN (SELECT session_id FROM " + table
                    + " WHERE expires_at <= ? LIMIT " + batchSize + " FOR UPDATE SKIP LOCKED) AND expires_at <= ?";
        }

        @Override
        void bindPurge(PreparedStatement ps, long cutoff) throws SQLException {
            ps.setLong(1, cutoff);
            ps.setLong(2, cutoff);
        }

        @Override
        String claim(String table) {
            // One round trip: SKIP LOCKED gives concurrent claimers disjoint rows; the outer re-check keeps a row that
            // another claim or a create changed between the sub-select's snapshot and the lock.
            String unclaimed = "expires_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)";
            return "UPDATE " + table + " SET claimed_until = ? WHERE session_id IN (SELECT session_id FROM " + table
                    + " WHERE " + unclaimed + " ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED) AND " + unclaimed
                    + " RETURNING session_id, principal, expires_at";
        }

        @Override
        boolean claimRechecks() {
            return true;
        }

        @Override
        boolean classifiesInOneStatement() {
            return true;
        }

        @Override
        String encode(String attributes) {
            return StoredData.encode(JdbcSessionStore.Dialect.POSTGRESQL, attributes);
        }

        @Override
        boolean create(JdbcSessionStore s, Connection c, SessionRecord record, long now) throws SQLException {
            try (PreparedStatement ps = s.prepare(c, s.sql.create)) {
                int i = s.bindInsert(ps, 1, record);
                ps.setLong(i, now);
                return ps.executeUpdate() == 1;
            }
        }
    }

    private static final class MariaDb extends SqlDialect {
        MariaDb() {
            super("?");
        }

        /*
         * On a small table MariaDB may pick the expires_at index for "session_id = ? AND expires_at > ?", lock that
         * index before the primary key, and so deadlock against a DELETE by key, which locks in the other order. Key
         * lookups therefore pin the primary key (FORCE INDEX, or "+ 0", which no index serves, in single-table DELETE,
         * where MariaDB takes no index hints).
         */
        @Override
        String byKeyHint() {
            return " FORCE INDEX (PRIMARY)";
        }

        @Override
        String expiresInDelete() {
            return "expires_at + 0";
        }

        @Override
        String create(SqlStatements.Parts p) {
            // MariaDB cannot tell "duplicate left alone" from "inserted" in one statement's update count (both are 1
            // with the driver's default found-rows mode), so create is INSERT, and only on a duplicate key a DELETE of
            // an expired row and one more INSERT.
            return p.insert();
        }

        @Override
        String purgeBatch(String table, int batchSize) {
            // Every sweeper walks the expires_at index in the same order, so sweepers queue behind each other's row
            // locks instead of deadlocking; run under READ COMMITTED so no gap locks block inserts.
            return "DELETE FROM " + table + " WHERE expires_at <= ? ORDER BY expires_at, session_id LIMIT " + batchSize;
        }

        /** Rounds of candidates one claim tries when other nodes took some of them first. */
        private static final int CLAIM_ROUNDS = 3;

        @Override
        String claim(String table) {
            // The candidates, by a consistent (non-locking) read of the expires_at index; see claim(...) below.
            return "SELECT session_id, principal, expires_at FROM " + table
                    + " WHERE expires_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                    + " ORDER BY expires_at, session_id LIMIT ?";
        }

        @Override
        List<String> claimColumns() {
            return List.of("claimed_until", "claim_token");
        }

        /*
         * No UPDATE ... RETURNING, and an UPDATE that walks the expires_at index locks that index before the primary
         * key, so it would deadlock against removeExpired's DELETE by key, which locks in the other order. So every
         * locking statement goes by primary key, in key order: a non-locking SELECT picks candidates, an UPDATE by key
         * marks those still unclaimed with this claim's random token (re-checking the condition on the latest committed
         * row), and only when another node took some of them first a SELECT by key and token reads back what this claim
         * got; then the next candidates, for at most CLAIM_ROUNDS rounds.
         */
        @Override
        List<ExpiredSession> claim(JdbcSessionStore s, Connection c, SqlStatements sql, Claim claim)
                throws SQLException {
            long token = ThreadLocalRandom.current().nextLong();
            List<ExpiredSession> out = new ArrayList<>();
            for (int round = 0; round < CLAIM_ROUNDS && out.size() < claim.max(); round++) {
                int wanted = claim.max() - out.size();
                List<ExpiredSession> candidates;
                try (PreparedStatement ps = s.prepare(c, sql.claim)) {
                    ps.setLong(1, claim.cutoff());
                    ps.setLong(2, claim.now());
                    ps.setInt(3, wanted);
                    try (ResultSet rs = ps.executeQuery()) {
                        candidates = new ArrayList<>(s.expiredSessions(rs));
                    }
                }
                if (candidates.isEmpty()) {
                    break;
                }
                candidates.sort(Comparator.comparing(e -> e.key().value()));
                int marked;
                try (PreparedStatement ps = s.prepare(c, mark(sql.table, candidates.size()))) {
                    ps.setLong(1, token);
                    ps.setLong(2, claim.until());
                    int i = bindKeys(ps, 3, candidates);
                    ps.setLong(i, claim.cutoff());
                    ps.setLong(i + 1, claim.now());
                    marked = ps.executeUpdate();
                }
                if (marked == candidates.size()) {
                    out.addAll(candidates);
                    if (candidates.size() < wanted) {
                        break; // nothing more is expired
                    }
                    continue;
                }
                if (marked > 0) {
                    try (PreparedStatement ps = s.prepare(c, readBack(sql.table, candidates.size()))) {
                        int i = bindKeys(ps, 1, candidates);
                        ps.setLong(i, token);
                        try (ResultSet rs = ps.executeQuery()) {
                            out.addAll(s.expiredSessions(rs));
                        }
                    }
                }
            }
            return List.copyOf(out);
        }

        private static String mark(String table, int keys) {
            return "UPDATE " + table
                    + " FORCE INDEX (PRIMARY) SET claim_token = ?, claimed_until = ? WHERE session_id IN ("
                    + SqlStatements.parameters(keys) + ") AND expires_at <= ?"
                    + " AND (claimed_until IS NULL OR claimed_until <= ?)";
        }

        private static String readBack(String table, int keys) {
            return "SELECT session_id, principal, expires_at FROM " + table
                    + " FORCE INDEX (PRIMARY) WHERE session_id IN (" + SqlStatements.parameters(keys)
                    + ") AND claim_token = ?";
        }

        private static int bindKeys(PreparedStatement ps, int first, List<ExpiredSession> rows) throws SQLException {
            int i = first;
            for (ExpiredSession e : rows) {
                ps.setString(i++, e.key().value());
            }
            return i;
        }

        @Override
        boolean sweepsReadCommitted() {
            return true;
        }

        @Override
        boolean isDuplicateKey(SQLException e) {
            return e.getErrorCode() == 1062;
        }

        @Override
        boolean create(JdbcSessionStore s, Connection c, SessionRecord record, long now) throws SQLException {
            if (s.insert(c, record)) {
                return true;
            }
            try (PreparedStatement ps = s.prepare(c, s.sql.deleteExpiredKey)) {
                ps.setString(1, record.key().value());
                ps.setLong(2, now);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            return s.insert(c, record);
        }
    }
}
