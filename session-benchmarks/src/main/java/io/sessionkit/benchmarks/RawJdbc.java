package io.sessionkit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * Raw JDBC on a HikariCP pool of the store's size, on a table created from the store's own schema file (same columns,
 * types and indexes), one autocommit statement per round trip: SELECT; SELECT + UPDATE; INSERT; SELECT + INSERT +
 * DELETE. No version check, no expiry filter: the least a session table needs.
 */
final class RawJdbc extends RawClient<RawJdbc.Row> {
    private final HikariDataSource pool;
    private final long ttlMillis;
    private final String select;
    private final String update;
    private final String insert;
    private final String delete;

    record Row(long version, String data) {}

    /** {@code dataParam} binds JSON text as the store does: {@code CAST(? AS jsonb)}, {@code ? FORMAT JSON} or {@code ?}. */
    RawJdbc(String url, int poolSize, String table, String dataParam, long ttlMillis) {
        super("raw jdbc");
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("raw-" + table);
        hc.setJdbcUrl(url);
        hc.setMaximumPoolSize(poolSize);
        hc.setAutoCommit(true);
        this.pool = new HikariDataSource(hc);
        this.ttlMillis = ttlMillis;
        this.select = "SELECT version, expires_at, data FROM " + table + " WHERE session_id = ?";
        this.update = "UPDATE " + table + " SET version = ?, last_accessed_at = ?, expires_at = ?, data = " + dataParam
                + " WHERE session_id = ?";
        this.insert = "INSERT INTO " + table + " (session_id, principal, created_at, last_accessed_at, expires_at,"
                + " max_idle_seconds, version, data) VALUES (?, NULL, ?, ?, ?, ?, 1, " + dataParam + ")";
        this.delete = "DELETE FROM " + table + " WHERE session_id = ?";
    }

    @Override
    @Nullable
    Row find(String key) {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = prepare(c, select, key);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Row(rs.getLong(1), rs.getString(3)) : null;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    String text(Row found) {
        return found.data;
    }

    @Override
    boolean replace(String key, Row found, String value) {
        long now = System.currentTimeMillis();
        return execute(update, found.version + 1, now, now + ttlMillis, value, key) == 1;
    }

    /** Insert-if-absent as the key's primary key makes it: a taken key fails the statement. */
    @Override
    boolean insert(String key, String value) {
        long now = System.currentTimeMillis();
        return execute(insert, key, now, now, now + ttlMillis, Math.max(1, ttlMillis / 1000), value) == 1;
    }

    @Override
    void delete(String key) {
        execute(delete, key);
    }

    private int execute(String sql, Object... params) {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("raw jdbc: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
