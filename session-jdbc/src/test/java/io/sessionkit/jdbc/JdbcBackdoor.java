package io.sessionkit.jdbc;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Reads and damages a test's table with plain SQL, as an operator with a SQL console would. Never truncated JSON:
 * the JSON column types (JSONB, MariaDB's JSON_VALID check, H2 JSON) refuse it themselves.
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public record JdbcBackdoor(DataSource dataSource, Dialect dialect, String table)
        implements StoreBackdoor, BadRecordWriter.OverTypedFields {

    /** A backdoor on {@code store}'s own pool and table ({@code store} opened from configuration). */
    public static JdbcBackdoor of(SessionStore store) {
        JdbcSessionStore jdbc = (JdbcSessionStore) store;
        return new JdbcBackdoor(jdbc.dataSource(), jdbc.dialect(), jdbc.table());
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM " + table + " ORDER BY session_id");
                ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    out.append(md.getColumnLabel(i).toLowerCase(Locale.ROOT))
                            .append('=')
                            .append(rs.getString(i))
                            .append(i < md.getColumnCount() ? " | " : "\n");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** Replaces data with a JSON value that is not an object: the JSON column types refuse anything worse. */
    @Override
    public void corrupt(SessionKey key) {
        corrupt(key, Corruption.FOREIGN_DATA);
    }

    /**
     * A version the store never writes (0), another application's JSON (not an object) in {@code data}, or a negative
     * {@code max_idle_seconds}.
     */
    @Override
    public void corrupt(SessionKey key, Corruption kind) {
        String json = switch (dialect) {
            case POSTGRESQL -> "CAST(? AS jsonb)";
            case H2 -> "? FORMAT JSON";
            case MARIADB -> "?";
        };
        String set = switch (kind) {
            case WRONG_VERSION_FIELD -> "version = 0";
            case FOREIGN_DATA -> "data = " + json;
            case WRONG_FIELD_TYPE -> "max_idle_seconds = -5";
            case TRUNCATED_JSON -> throw new IllegalArgumentException(kind + ": the JSON column refuses it");
        };
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE session_id = ?")) {
            int i = 1;
            if (kind == Corruption.FOREIGN_DATA) {
                ps.setString(i++, "[\"another application's\", \"row\"]");
            }
            ps.setString(i, key.value());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no row for " + key.shortForm() + " in " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The row's expires_at: the column the sweeper deletes by, the JDBC store's only native expiry. */
    @Override
    public Optional<Instant> nativeExpiry(SessionKey key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps =
                        c.prepareStatement("SELECT expires_at FROM " + table + " WHERE session_id = ?")) {
            ps.setString(1, key.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(Instant.ofEpochMilli(rs.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    long count() {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
