package io.sessionkit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Raw JDBC on a HikariCP pool of the store's size, on a table created from the store's own schema file (same columns,
 * types and indexes), one autocommit statement per round trip: SELECT; SELECT + UPDATE; INSERT; SELECT + INSERT +
 * DELETE. No version check, no expiry filter: the least a session table needs.
 */
final class RawJdbc implements RawClient {
    private final HikariDataSource pool;
    private final long ttlMillis;
    private final String select;
    private final String update;
    private final String insert;
    private final String delete;

    /** {@code dataParam} is how the dialect binds JSON text, as the store does: {@code CAST(? AS jsonb)}, {@code ? FORMAT JSON} or {@code ?}. */
    RawJdbc(String url, int poolSize, String table, String dataParam, long ttlMillis) {
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
    public void seed(String key, String value) {
        try (Connection c = pool.getConnection();
                PreparedStatement del = c.prepareStatement(delete)) {
            del.setString(1, key);
            del.executeUpdate();
            insert(c, key, value);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public String read(String key) {
        try (Connection c = pool.getConnection()) {
            return select(c, key).data;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void modify(String key, String value) {
        try (Connection c = pool.getConnection()) {
            Row row = select(c, key);
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement(update)) {
                ps.setLong(1, row.version + 1);
                ps.setLong(2, now);
                ps.setLong(3, now + ttlMillis);
                ps.setString(4, value);
                ps.setString(5, key);
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("raw jdbc: row vanished");
                }
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void create(String key, String value) {
        try (Connection c = pool.getConnection()) {
            insert(c, key, value);
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        try (Connection c = pool.getConnection()) {
            Row row = select(c, oldKey);
            insert(c, newKey, row.data);
            try (PreparedStatement ps = c.prepareStatement(delete)) {
                ps.setString(1, oldKey);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    @Override
    public void delete(String key) {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(delete)) {
            ps.setString(1, key);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private record Row(long version, String data) {}

    private Row select(Connection c, String key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("raw jdbc: row vanished");
                }
                return new Row(rs.getLong(1), rs.getString(3));
            }
        }
    }

    private void insert(Connection c, String key, String value) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            ps.setString(1, key);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setLong(4, now + ttlMillis);
            ps.setLong(5, Math.max(1, ttlMillis / 1000));
            ps.setString(6, value);
            ps.executeUpdate();
        }
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("raw jdbc: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
