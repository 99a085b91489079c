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
    private static final String COLUMNS =
            "version, created_at, last_accessed_at, max_idle_seconds, expires_at, principal, data";

    final Dialect dialect;
    final SqlDialect strategy;
    final String table;
    final String load;
    final String findByPrincipal;
    /** One statement that inserts, or overwrites an expired row; its update count is 1 if it wrote. */
    final String create;
    /** The plain INSERT (MariaDB's create tries it first). */
    final String insert;
    /** Removes an expired row that blocks {@link #insert} (MariaDB's create). */
    final String deleteExpiredKey;

    final String replace;
    /**
     * For a dialect that {@linkplain SqlDialect#classifiesInOneStatement() classifies in one statement}: the replace UPDATE and, in the same statement and snapshot, whether a live row existed, so a
     * failed compare-and-set is classified without a second round trip.
     */
    final String replaceClassified;

    final String liveVersion;
    final String delete;
    /** Compare-and-set delete: removes the row only if it is live and of the expected version. */
    final String deleteVersion;
    /**
     * For a dialect that classifies in one statement: {@link #deleteVersion} and, in the same statement and snapshot, whether a live row existed, so
     * a failed compare-and-set delete is classified without a second round trip.
     */
    final String deleteClassified;

    /** The first page of a scan: live rows in key order, {@code LIMIT ?}. */
    final String scanFirst;
    /** A later page of a scan: live rows after the cursor's key, in key order, {@code LIMIT ?}. */
    final String scanAfter;

    final String purgeBatch;
    /** Claims expired rows, or on MySQL/MariaDB selects the candidates (see {@link SqlDialect#claim(String)}). */
    final String claim;

    private final String expiresColumn;

    /** The pieces of the INSERT a dialect's {@code create} statement is built from. */
    record Parts(String table, String insertColumns, String insertValues, String insert) {}

    SqlStatements(Dialect dialect, String table, int purgeBatchSize) {
        this.dialect = dialect;
        this.strategy = dialect.strategy();
        this.table = requireIdentifier(table);
        String data = strategy.json();
        String byKey = strategy.byKeyHint();
        String expiresColumn = strategy.expiresInDelete();
        load = "SELECT " + COLUMNS + " FROM " + table + byKey + " WHERE session_id = ? AND expires_at > ?";
        findByPrincipal =
                "SELECT session_id, " + COLUMNS + " FROM " + table + " WHERE principal = ? AND expires_at > ?";
        replace = "UPDATE " + table + byKey
                + " SET principal = ?, created_at = ?, last_accessed_at = ?, expires_at = ?, max_idle_seconds = ?,"
                + " version = ?, data = " + data
                + " WHERE session_id = ? AND version = ? AND expires_at > ?";
        liveVersion = "SELECT version FROM " + table + byKey + " WHERE session_id = ? AND expires_at > ?";
        // The outer SELECT reads the statement's snapshot, taken before the UPDATE: it says whether a live row existed.
        replaceClassified = "WITH changed AS (" + replace + " RETURNING 1) SELECT (SELECT COUNT(*) FROM changed),"
                + " (SELECT COUNT(*) FROM " + table + " WHERE session_id = ? AND expires_at > ?)";
        delete = "DELETE FROM " + table + " WHERE session_id = ?";
        deleteVersion = "DELETE FROM " + table + " WHERE session_id = ? AND version = ? AND " + expiresColumn + " > ?";
        deleteClassified = "WITH deleted AS (" + deleteVersion + " RETURNING 1) SELECT (SELECT COUNT(*) FROM deleted),"
                + " (SELECT COUNT(*) FROM " + table + " WHERE session_id = ? AND expires_at > ?)";
        String insertColumns =
                "(session_id, principal, created_at, last_accessed_at, expires_at, max_idle_seconds, version, data)";
        String insertValues = "VALUES (?, ?, ?, ?, ?, ?, ?, " + data + ")";
        insert = "INSERT INTO " + table + " " + insertColumns + " " + insertValues;
        deleteExpiredKey = "DELETE FROM " + table + " WHERE session_id = ? AND " + expiresColumn + " <= ?";
        create = strategy.create(new Parts(table, insertColumns, insertValues, insert));
        // Keyset pagination on the primary key; the hint keeps MySQL/MariaDB from walking the expires_at index instead.
        String scan = "SELECT session_id, " + COLUMNS + " FROM " + table + byKey + " WHERE ";
        scanFirst = scan + "expires_at > ? ORDER BY session_id LIMIT ?";
        scanAfter = scan + "session_id > ? AND expires_at > ? ORDER BY session_id LIMIT ?";
        purgeBatch = strategy.purgeBatch(table, purgeBatchSize);
        claim = strategy.claim(table);
        this.expiresColumn = expiresColumn;
    }

    /**
     * Deletes the claimed rows of {@code keys} session ids that are still expired: {@code session_id IN (keys ...)},
     * then the expiry bound ({@code expires_at <= ?}) as the last parameter. A row that a create took over since its
     * claim is live and has no claim marker, so it stays.
     */
    String removeExpired(int keys) {
        return "DELETE FROM " + table + " WHERE session_id IN (" + parameters(keys) + ") AND " + expiresColumn
                + " <= ? AND claimed_until IS NOT NULL";
    }

    /** {@code n} bind parameters, comma-separated: the inside of an {@code IN (...)} list. */
    static String parameters(int n) {
        StringBuilder in = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            in.append(i == 0 ? "?" : ", ?");
        }
        return in.toString();
    }

    /** The DDL that adds the nullable claim column {@code column} to {@code table} (an earlier version's table). */
    static String addColumn(String table, String column) {
        return "ALTER TABLE " + requireIdentifier(table) + " ADD COLUMN " + column + " BIGINT";
    }

    /** The identifier, if it is a plain SQL identifier of at most 48 characters. */
    static String requireIdentifier(String table) {
        if (table == null || !IDENTIFIER.matcher(table).matches()) {
            throw new IllegalArgumentException(
                    "table must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 48 characters), was '"
                            + table + "'");
        }
        return table;
    }

    /** The DDL statements of the shipped schema file for {@code dialect}, for table {@code table}. */
    static List<String> schemaStatements(Dialect dialect, String table) {
        String text = schemaText(dialect, table);
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.lines().toList()) {
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
