package io.sessionkit.redis;

import io.sessionkit.SessionKey;
import io.sessionkit.tck.StoreBackdoor;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Looks at what a {@link RedisSessionStore} really wrote, with separate connections: {@code keyClient} for per-key
 * commands (a cluster client routes them) and {@code scanNodes} (every node; replicas list their masters' keys too)
 * for listing keys.
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class RedisBackdoor implements StoreBackdoor {
    private final RedisSessionStore store;
    private final UnifiedJedis keyClient;
    private final List<UnifiedJedis> scanNodes;

    public RedisBackdoor(RedisSessionStore store, UnifiedJedis keyClient, List<UnifiedJedis> scanNodes) {
        this.store = store;
        this.keyClient = keyClient;
        this.scanNodes = scanNodes;
    }

    @Override
    public String dump() {
        TreeMap<String, String> all = new TreeMap<>();
        ScanParams match = new ScanParams().match(store.keyPrefix() + "*").count(1000);
        for (UnifiedJedis node : scanNodes) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = node.scan(cursor, match);
                for (String key : page.getResult()) {
                    // Read through keyClient: a node listed may have become a replica (failover) and redirect.
                    all.put(key, valueOf(keyClient, key));
                }
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        }
        StringBuilder out = new StringBuilder();
        all.forEach((k, v) -> out.append(k).append(" = ").append(v).append('\n'));
        return out.toString();
    }

    private static String valueOf(UnifiedJedis node, String key) {
        return switch (node.type(key)) {
            case "string" -> node.get(key);
            case "zset" -> String.valueOf(node.zrangeWithScores(key, 0, -1));
            case "none" -> "(gone)";
            default -> "(" + node.type(key) + ")";
        };
    }

    @Override
    public void corrupt(SessionKey key) {
        keyClient.set(store.sessionKey(key), "{\"fmt\":1,\"v\":\"not-a-number\",\"attrs\":", new SetParams().keepTtl());
    }

    /**
     * The native expiry in the store's clock: the store sets relative TTLs computed on its own clock (which the kit
     * moves), so "now by the store's clock + the remaining PTTL" is the instant the store asked for, give or take the
     * real time that passed since the write.
     */
    @Override
    public Optional<Instant> nativeExpiry(SessionKey key) {
        long ttl = keyClient.pttl(store.sessionKey(key));
        return ttl < 0
                ? Optional.empty()
                : Optional.of(Instant.ofEpochMilli(store.clock().millis() + ttl));
    }
}
