package io.sessionkit.redis;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Test clean-up on the shared server: deletes the keys under one prefix (SCAN, not KEYS). */
final class RedisKeys {
    private RedisKeys() {}

    static void deleteAll(UnifiedJedis jedis, String prefix) {
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
