package io.sessionkit.redis;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import io.sessionkit.testing.RedisKeys;
import java.nio.charset.StandardCharsets;
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
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout:
 * it writes every {@link Corruption} kind, and hands a foreign client the replace script and index key names.
 */
public record RedisBackdoor(RedisSessionStore store, UnifiedJedis keyClient, List<UnifiedJedis> scanNodes)
        implements StoreBackdoor, BadRecordWriter.OverEnvelopeBytes {

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

    /** A backdoor on {@code store} (opened from configuration, so typed {@link SessionStore}) over {@code client}. */
    public static RedisBackdoor of(SessionStore store, UnifiedJedis client) {
        return new RedisBackdoor((RedisSessionStore) store, client, List.of(client));
    }

    /** Truncated JSON, what a half-written value looks like. */
    @Override
    public void corrupt(SessionKey key) {
        corrupt(key, Corruption.TRUNCATED_JSON);
    }

    @Override
    public Optional<byte[]> read(SessionKey key) {
        return Optional.ofNullable(keyClient.get(store.sessionKey(key).getBytes(StandardCharsets.UTF_8)));
    }

    /** KEEPTTL: the store's native expiry stays, so only the bytes are wrong. */
    @Override
    public void write(SessionKey key, byte[] bytes) {
        keyClient.set(store.sessionKey(key).getBytes(StandardCharsets.UTF_8), bytes, new SetParams().keepTtl());
    }

    /**
     * The Lua source of the compare-and-set replace script, exactly as the store sends it, for a writer in another
     * language (never a copy that could drift).
     */
    public static String replaceScript() {
        return RedisScripts.REPLACE.source();
    }

    /** Deletes every key under {@code prefix} (SCAN, not KEYS): a test's clean-up on a shared server. */
    public static void deleteKeys(UnifiedJedis client, String prefix) {
        RedisKeys.deleteAll(client, prefix);
    }

    /**
     * The Redis key of {@code key}'s record in {@code store}, {@code <prefix>{<bucket>}s:<key>}: for tests elsewhere
     * that look at what a store wrote, so that none re-derives the layout.
     */
    public static String sessionKey(SessionStore store, SessionKey key) {
        return ((RedisSessionStore) store).sessionKey(key);
    }

    /** The Redis key of the expiry index of {@code key}'s bucket in {@code store}, {@code <prefix>{<bucket>}e}. */
    public static String expiryIndexKey(SessionStore store, SessionKey key) {
        return ((RedisSessionStore) store).expiryIndexKey(key);
    }

    /** The Redis key of {@code principal}'s index in {@code store}. */
    public static String indexKey(SessionStore store, String principal) {
        return ((RedisSessionStore) store).indexKey(principal);
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
