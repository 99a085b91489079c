package io.sessionkit.jdbc;

import io.sessionkit.SessionKey;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.StoreBackdoor;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/** Reads and damages a test's table with plain SQL, as an operator with a SQL console would. *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class JdbcBackdoor implements StoreBackdoor {
    private final DataSource dataSource;
    private final Dialect dialect;
    private final String table;

    public JdbcBackdoor(DataSource dataSource, Dialect dialect, String table) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.table = table;
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
                    out.append(md.getColumnLabel(i).toLowerCase())
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
        String bad = "'[\"not\", \"an object\"]'";
        String value = switch (dialect) {
            case POSTGRESQL -> bad + "::jsonb";
            case H2 -> bad + " FORMAT JSON";
            case MARIADB -> bad;
        };
        update("UPDATE " + table + " SET data = " + value + " WHERE session_id = ?", key);
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

    private void update(String sql, SessionKey key) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, key.value());
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("no row for " + key.shortForm() + " in " + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
