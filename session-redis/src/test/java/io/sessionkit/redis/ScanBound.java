package io.sessionkit.redis;

import java.util.List;
import redis.clients.jedis.UnifiedJedis;

/**
 * The bound on the calls of a complete {@link RedisSessionStore#scan} that the README documents, for the conformance
 * classes' {@code scanCallLimit} (kit rule 16.8). A {@code SCAN} step asked for {@code COUNT c} ({@code c >=}
 * {@value RedisSessionStore#SCAN_MIN_COUNT}) stops after {@code c} keys or {@code 10 c} hash-table buckets, whichever
 * comes first; the table has at most a few buckets per key. So a server holding {@code K} keys (of any prefix) is walked
 * in at most about {@code 3 K / 20 + 3} steps, each one page, and pages served from carried keys alone are full, at
 * most {@code live / pageSize} of them.
 */
final class ScanBound {
    private ScanBound() {}

    /** The bound over {@code servers} (the masters walked; every other node's keys only loosen it). */
    static int calls(int live, int pageSize, List<UnifiedJedis> servers) {
        long keys = 0;
        for (UnifiedJedis s : servers) {
            keys += s.dbSize();
        }
        return (int) Math.min(
                Integer.MAX_VALUE,
                live / pageSize + 3 * keys / RedisSessionStore.SCAN_MIN_COUNT + 3L * servers.size() + 2);
    }
}
