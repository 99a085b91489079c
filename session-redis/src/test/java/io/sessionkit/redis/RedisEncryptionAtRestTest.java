package io.sessionkit.redis;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.testing.EncryptedStores;
import io.sessionkit.testing.RedisKeys;
import io.sessionkit.testing.TestServers;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * With {@code sessionkit.encryption.keys} set, what Redis holds (every key under the prefix, read with a raw client)
 * shows neither an attribute value nor the principal, while the manager reads both back and finds the session by its
 * principal.
 */
class RedisEncryptionAtRestTest {

    @Test
    void rawRedisHoldsNeitherAttributeValuesNorThePrincipal() {
        String prefix = "sk:enc:" + Long.toHexString(System.nanoTime()) + ":";
        SessionKitConfig config = SessionKitConfig.of(Map.of(
                "sessionkit.store",
                "redis",
                "sessionkit.redis.uri",
                TestServers.redisUri().toString(),
                "sessionkit.redis.key-prefix",
                prefix,
                "sessionkit.encryption.keys",
                EncryptedStores.randomKeySetting()));
        try (UnifiedJedis raw = RawClients.standalone(TestServers.redisUri());
                SessionManager manager = SessionManager.open(config)) {
            try {
                EncryptedStores.assertSealedAtRest(manager, "what Redis holds", () -> dump(raw, prefix));
            } finally {
                RedisKeys.deleteAll(raw, prefix);
            }
        }
    }

    /** Every key under {@code prefix} with its value, whatever its type. */
    private static String dump(UnifiedJedis raw, String prefix) {
        TreeMap<String, String> all = new TreeMap<>();
        ScanParams match = new ScanParams().match(prefix + "*").count(1000);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = raw.scan(cursor, match);
            for (String k : page.getResult()) {
                all.put(
                        k,
                        switch (raw.type(k)) {
                            case "string" -> raw.get(k);
                            case "zset" -> String.valueOf(raw.zrange(k, 0, -1));
                            case "set" -> String.valueOf(raw.smembers(k));
                            case "hash" -> String.valueOf(raw.hgetAll(k));
                            default -> "(" + raw.type(k) + ")";
                        });
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        StringBuilder out = new StringBuilder();
        all.forEach((k, v) -> out.append(k).append(" = ").append(v).append('\n'));
        return out.toString();
    }
}
