package io.sessionkit.testing;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Test clean-up on a shared Redis: deletes the keys under one prefix with SCAN (never KEYS, which blocks the server).
 * For tests that move their clock past the native TTLs' reach or must leave nothing behind.
 */
public final class RedisKeys {
    private RedisKeys() {}

    /** Unlinks every key that starts with {@code prefix}, a page of up to 1,000 at a time. */
    public static void deleteAll(UnifiedJedis jedis, String prefix) {
        ScanParams match = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, match);
            if (!page.getResult().isEmpty()) {
                jedis.unlink(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
    }
}
