package io.sessionkit.testing;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * Removing what a test wrote into a shared server ({@link TestServers}), under the prefix or table unique to its
 * run: never anything else (no {@code FLUSHALL}, no other test's data).
 */
public final class Cleanup {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Deletes the keys matching ARGV[1] in one server-side step; returns how many. */
    private static final String UNLINK_MATCHING = "local n = 0 "
            + "for _, k in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('UNLINK', k) n = n + 1 end "
            + "return n";

    private Cleanup() {}

    /**
     * Deletes every key under {@code prefix} on the Redis at {@code redis} (standalone); returns how many. The prefix
     * must be one the test made unique (a random part), and not empty.
     */
    public static long redisKeys(URI redis, String prefix) {
        if (prefix.isEmpty() || prefix.contains("*")) {
            throw new IllegalArgumentException("a test's own key prefix, without '*': '" + prefix + "'");
        }
        return Long.parseLong(RespText.command(redis, "EVAL", UNLINK_MATCHING, "0", prefix + "*"));
    }

    /** {@code DROP TABLE IF EXISTS table} on the database at {@code jdbcUrl} (its driver on the class path). */
    public static void sqlTable(String jdbcUrl, String table) {
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain table name: '" + table + "'");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "dropping " + table + " at " + jdbcUrl.replaceAll("password=[^&]*", "password=…"), e);
        }
    }
}
