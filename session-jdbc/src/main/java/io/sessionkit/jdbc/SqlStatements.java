package io.sessionkit.jdbc;

import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The SQL text of every operation for one dialect and table. Built once per store; the table name is validated as a
 * plain identifier before it is spliced in, and every value is a bind parameter.
 */
final class SqlStatements {
    /** The table name in the shipped schema files, replaced by the configured name. */
    static final String DEFAULT_TABLE = "sessionkit_sessions";

    /*
     * 48 characters leaves room for the "_principal_idx" suffix of the index names within PostgreSQL's 63 and MySQL's
     * 64 character identifier limits.
     */
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");

    /** The columns every SELECT returns, in the order {@link JdbcSessionStore} reads them. */
    private static final String COLUMNS = "version, created_at, last_accessed_at, max_idle_seconds, expires_at, principal, data";

    final Dialect dialect;
    final String table;
    final String load;
    final String findByPrincipal;
    /** One statement that inserts, or overwrites an expired row; its update count is 1 if it wrote. */
    final String create;
    /** MariaDB only: the plain INSERT tried first. */
    final String insert;
    /** MariaDB only: removes an expired row that blocks {@link #insert}. */
    final String deleteExpiredKey;
    final String replace;
    /**
     * PostgreSQL only: the replace UPDATE and, in the same statement and snapshot, whether a live row existed, so a
     * failed compare-and-set is classified without a second round trip.
     */
    final String replaceClassified;
    final String liveVersion;
    final String delete;
    /** Compare-and-set delete: removes the row only if it is live and of the expected version. */
    final String deleteVersion;
    /**
     * PostgreSQL only: {@link #deleteVersion} and, in the same statement and snapshot, whether a live row existed, so
     * a failed compare-and-set delete is classified without a second round trip.
     */
    final String deleteClassified;
    final String purgeBatch;
    final String dump;

    SqlStatements(Dialect dialect, String table, int purgeBatchSize) {
        this.dialect = dialect;
        this.table = requireIdentifier(table);
        String data = switch (dialect) {
            case POSTGRESQL -> "CAST(? AS jsonb)";
            case H2 -> "? FORMAT JSON";
            case MARIADB -> "?";
        };
        /*
         * On a small table MariaDB may pick the expires_at index for "session_id = ? AND expires_at > ?", lock that
         * index before the primary key, and so deadlock against a DELETE by key, which locks in the other order. Key
         * lookups therefore pin the primary key (FORCE INDEX, or "+ 0", which no index serves, in single-table DELETE,
         * where MariaDB takes no index hints).
         */
        String byKey = dialect == Dialect.MARIADB ? " FORCE INDEX (PRIMARY)" : "";
        String expiresColumn = dialect == Dialect.MARIADB ? "expires_at + 0" : "expires_at";
        load = "SELECT " + COLUMNS + " FROM " + table + byKey + " WHERE session_id = ? AND expires_at > ?";
        findByPrincipal = "SELECT session_id, " + COLUMNS + " FROM " + table + " WHERE principal = ? AND expires_at > ?";
        replace = "UPDATE " + table + byKey + " SET version = ?, created_at = ?, last_accessed_at = ?, max_idle_seconds = ?,"
                + " expires_at = ?, principal = ?, data = " + data
                + " WHERE session_id = ? AND version = ? AND expires_at > ?";
        liveVersion = "SELECT version FROM " + table + byKey + " WHERE session_id = ? AND expires_at > ?";
        // The outer SELECT reads the statement's snapshot, taken before the UPDATE: it says whether a live row existed.
        replaceClassified = "WITH changed AS (" + replace + " RETURNING 1) SELECT (SELECT COUNT(*) FROM changed),"
                + " (SELECT COUNT(*) FROM " + table + " WHERE session_id = ? AND expires_at > ?)";
        delete = "DELETE FROM " + table + " WHERE session_id = ?";
        deleteVersion = "DELETE FROM " + table + " WHERE session_id = ? AND version = ? AND " + expiresColumn + " > ?";
        deleteClassified = "WITH deleted AS (" + deleteVersion + " RETURNING 1) SELECT (SELECT COUNT(*) FROM deleted),"
                + " (SELECT COUNT(*) FROM " + table + " WHERE session_id = ? AND expires_at > ?)";
        dump = "SELECT session_id, principal, created_at, last_accessed_at, expires_at, max_idle_seconds, version, data FROM "
                + table + " ORDER BY session_id";
        String insertColumns = "(session_id, principal, created_at, last_accessed_at, expires_at, max_idle_seconds, version, data)";
        String insertValues = "VALUES (?, ?, ?, ?, ?, ?, ?, " + data + ")";
        insert = "INSERT INTO " + table + " " + insertColumns + " " + insertValues;
        deleteExpiredKey = "DELETE FROM " + table + " WHERE session_id = ? AND " + expiresColumn + " <= ?";
        switch (dialect) {
            case POSTGRESQL -> {
                // The WHERE on DO UPDATE makes an expired row replaceable and a live one untouched (0 rows).
                create = "INSERT INTO " + table + " AS s " + insertColumns + " " + insertValues
                        + " ON CONFLICT (session_id) DO UPDATE SET principal = EXCLUDED.principal,"
                        + " created_at = EXCLUDED.created_at, last_accessed_at = EXCLUDED.last_accessed_at,"
                        + " expires_at = EXCLUDED.expires_at, max_idle_seconds = EXCLUDED.max_idle_seconds,"
                        + " version = EXCLUDED.version, data = EXCLUDED.data WHERE s.expires_at <= ?";
                // SKIP LOCKED: concurrent sweepers take disjoint batches instead of queueing on (or deadlocking over)
                // each other's rows; the outer re-check keeps a row that create revived meanwhile.
                purgeBatch = "DELETE FROM " + table + " WHERE session_id IN (SELECT session_id FROM " + table
                        + " WHERE expires_at <= ? LIMIT " + purgeBatchSize + " FOR UPDATE SKIP LOCKED) AND expires_at <= ?";
            }
            case H2 -> {
                create = "MERGE INTO " + table + " s USING (VALUES (1)) AS one(x) ON s.session_id = ?"
                        + " WHEN MATCHED AND s.expires_at <= ? THEN UPDATE SET principal = ?, created_at = ?,"
                        + " last_accessed_at = ?, expires_at = ?, max_idle_seconds = ?, version = ?, data = " + data
                        + " WHEN NOT MATCHED THEN INSERT " + insertColumns + " " + insertValues;
                purgeBatch = "DELETE FROM " + table + " WHERE expires_at <= ? FETCH FIRST " + purgeBatchSize + " ROWS ONLY";
            }
            case MARIADB -> {
                // MariaDB cannot tell "duplicate left alone" from "inserted" in one statement's update count (both are
                // 1 with the driver's default found-rows mode), so create is INSERT, and only on a duplicate key a
                // DELETE of an expired row and one more INSERT.
                create = insert;
                // Every sweeper walks the expires_at index in the same order, so sweepers queue behind each other's
                // row locks instead of deadlocking; run under READ COMMITTED so no gap locks block inserts.
                purgeBatch = "DELETE FROM " + table + " WHERE expires_at <= ? ORDER BY expires_at, session_id LIMIT " + purgeBatchSize;
            }
            default -> throw new IllegalStateException();
        }
    }

    /** The identifier, if it is a plain SQL identifier of at most 48 characters. */
    static String requireIdentifier(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 48 characters), was '"
                    + table + "'");
        }
        return table;
    }

    /** The DDL statements of the shipped schema file for {@code dialect}, for table {@code table}. */
    static List<String> schemaStatements(Dialect dialect, String table) {
        String text = schemaText(dialect, table);
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String stmt = current.toString().strip();
                out.add(stmt.substring(0, stmt.length() - 1));
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return List.copyOf(out);
    }

    /** The shipped schema file for {@code dialect}, with {@code table} in place of the default name. */
    static String schemaText(Dialect dialect, String table) {
        requireIdentifier(table);
        String resource = "schema-" + dialect.fileName() + ".sql";
        try (InputStream in = SqlStatements.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource io/sessionkit/jdbc/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace(DEFAULT_TABLE, table);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
