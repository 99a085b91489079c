package io.sessionkit.cli;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStoreUnavailableException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;

/**
 * The server's clock against this host's, for {@code doctor}: asked over a connection of its own (the SPI does not
 * expose the server's time), with the same keys the store reads. The server's answer is compared with the midpoint of
 * the round trip, so the uncertainty is half of it.
 */
final class ClockSkew {
    record Measurement(long skewMillis, long uncertaintyMillis) {}

    private ClockSkew() {}

    /** Empty where the store cannot tell: memcached, Mongo, the in-process stores, Redis Sentinel or Cluster, H2. */
    static Optional<Measurement> measure(@Nullable String store, SessionKitConfig config) {
        if ("redis".equals(store)) {
            return redis(config);
        }
        if ("jdbc".equals(store)) {
            return jdbc(config);
        }
        return Optional.empty();
    }

    // Jedis 7 has no typed TIME on RedisClient; sendCommand is deprecated there but is the way to send one.
    @SuppressWarnings("deprecation")
    private static Optional<Measurement> redis(SessionKitConfig config) {
        if (config.string("sessionkit.redis.sentinel.master").isPresent()
                || config.string("sessionkit.redis.cluster.nodes").isPresent()) {
            return Optional.empty();
        }
        URI uri = URI.create(config.string("sessionkit.redis.uri", "redis://127.0.0.1:6379"));
        if ("rediss".equalsIgnoreCase(uri.getScheme())
                || config.string("sessionkit.redis.username").isPresent()
                || config.get("sessionkit.redis.password") != null) {
            // This plain client would not apply the store's trust, client certificate, hostname verification or the
            // credentials given apart, and must never send a password where the store would not: not measured.
            return Optional.empty();
        }
        try (RedisClient redis = RedisClient.create(uri)) {
            long before = System.currentTimeMillis();
            Object reply = redis.sendCommand(Protocol.Command.TIME);
            long after = System.currentTimeMillis();
            List<?> parts = (List<?>) reply;
            long seconds = Long.parseLong(text(parts.get(0)));
            long micros = Long.parseLong(text(parts.get(1)));
            return Optional.of(measurement(seconds * 1000 + micros / 1000, before, after));
        } catch (RuntimeException e) {
            throw new SessionStoreUnavailableException(
                    "Redis TIME failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(o);
    }

    private static Optional<Measurement> jdbc(SessionKitConfig config) {
        String url = config.string("sessionkit.jdbc.url", "");
        String query;
        if (url.startsWith("jdbc:postgresql:")) {
            query = "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";
        } else if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            query = "SELECT CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";
        } else {
            return Optional.empty();
        }
        Properties p = new Properties();
        config.string("sessionkit.jdbc.user").ifPresent(u -> p.setProperty("user", u));
        String password = config.get("sessionkit.jdbc.password");
        if (password != null) {
            p.setProperty("password", password);
        }
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url, p);
                Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            long before = System.currentTimeMillis();
            try (ResultSet rs = s.executeQuery(query)) {
                long after = System.currentTimeMillis();
                rs.next();
                return Optional.of(measurement(rs.getLong(1), before, after));
            }
        } catch (SQLException e) {
            // The message of a driver may carry the URL; the SQL state does not.
            throw new SessionStoreUnavailableException(
                    "the database's time could not be read (SQL state " + e.getSQLState() + ")", e);
        }
    }

    /**
     * The server's time against the midpoint of the round trip. The server read its clock somewhere within the round
     * trip, so the midpoint is off by half of it at most; each clock is read in whole milliseconds, which adds 1 ms.
     */
    private static Measurement measurement(long server, long before, long after) {
        long mid = before + (after - before) / 2;
        return new Measurement(server - mid, (after - before + 1) / 2 + 1);
    }
}
