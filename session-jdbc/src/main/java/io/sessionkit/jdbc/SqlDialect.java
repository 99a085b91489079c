package io.sessionkit.jdbc;

import io.sessionkit.SessionRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * What differs between the databases the JDBC store speaks, one small strategy object per dialect (as Spring
 * Session's per-database customizers and Jetty's {@code DatabaseAdaptor}): the SQL that has no portable form, the
 * error codes, and how {@code create} and the sweep run. {@link SqlStatements} builds the portable statements around
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
                    + " WHEN NOT MATCHED THEN INSERT " + p.insertColumns() + " " + p.insertValues();
        }

        @Override
        String purgeBatch(String table, int batchSize) {
            return "DELETE FROM " + table + " WHERE expires_at <= ? FETCH FIRST " + batchSize + " ROWS ONLY";
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
                    + " version = EXCLUDED.version, data = EXCLUDED.data WHERE s.expires_at <= ?";
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
