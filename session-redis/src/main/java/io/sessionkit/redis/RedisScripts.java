package io.sessionkit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts that make create and replace one round trip each, and the EVALSHA-with-fallback that runs them.
 *
 * <p>Every script touches exactly the keys it declares, so on Redis Cluster each runs on one slot. Scripts read only
 * the first 128 bytes of a stored envelope ({@code GETRANGE}) to find its version and expiry: {@code RecordEnvelope}
 * writes {@code fmt, v, c, a, e} first, in that order. Envelopes written by other tools in another field order fall
 * back to a full {@code GET} and {@code cjson.decode}. Time ("now") is an argument, taken from the store's clock, so
 * the scripts agree with {@code load} and tests can move time.
 *
 * <p>Create and replace are not idempotent (two writers of the same version may produce byte-identical envelopes, so
 * "already written" cannot be told from "written by someone else"); the store therefore never retries them.
 */
final class RedisScripts {
    /** Reply of create/replace: written. */
    static final long WRITTEN = 1;
    /** Reply of create: a live record holds the key. Reply of replace: no live record (absent, unreadable or expired). */
    static final long REFUSED = 0;
    /** Reply of replace: a live record of another version. */
    static final long CONFLICT = -1;

    private static final String HEADER = """
            local function header(key)
              local head = redis.call('GETRANGE', key, 0, 127)
              if head == '' then return nil, nil end
              local v, e = string.match(head, '^{"fmt":1,"v":(%d+),"c":%-?%d+,"a":%-?%d+,"e":(%-?%d+),')
              if v then return tonumber(v), tonumber(e) end
              local ok, doc = pcall(cjson.decode, redis.call('GET', key))
              if ok and type(doc) == 'table' and doc.fmt == 1 and type(doc.v) == 'number' and type(doc.e) == 'number' then
                return doc.v, doc.e
              end
              return nil, nil
            end
            """;

    private static final String INDEX_FUNCTION = """
            local function index(idx, member, expires_at, now, grace)
              redis.call('ZADD', idx, 'GT', expires_at, member)
              redis.call('ZREMRANGEBYSCORE', idx, '-inf', now)
              local last = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
              if last[2] then
                redis.call('PEXPIREAT', idx, tonumber(last[2]) + grace)
              end
            end
            """;

    /**
     * KEYS[1] session key, optional KEYS[2] principal index; ARGV: envelope, now, native expiry (PXAT), member,
     * expiresAt, grace. An unreadable or expired record does not block create.
     */
    static final Script CREATE = new Script(HEADER + INDEX_FUNCTION + """
            local now = tonumber(ARGV[2])
            local v, e = header(KEYS[1])
            if v and e > now then return 0 end
            redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
            if KEYS[2] then index(KEYS[2], ARGV[4], tonumber(ARGV[5]), now, tonumber(ARGV[6])) end
            return 1
            """);

    /**
     * KEYS[1] session key, optional KEYS[2] principal index; ARGV: envelope, now, native expiry (PXAT), member,
     * expiresAt, grace, expected version. Never writes unless a live record of the expected version is stored.
     */
    static final Script REPLACE = new Script(HEADER + INDEX_FUNCTION + """
            local now = tonumber(ARGV[2])
            local expected = tonumber(ARGV[7])
            local v, e = header(KEYS[1])
            if not v or e <= now then return 0 end
            if v ~= expected then return -1 end
            redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[3])
            if KEYS[2] then index(KEYS[2], ARGV[4], tonumber(ARGV[5]), now, tonumber(ARGV[6])) end
            return 1
            """);

    /** KEYS[1] principal index; ARGV: member, expiresAt, now, grace. For Redis Cluster, where it lives in another slot. */
    static final Script INDEX = new Script(INDEX_FUNCTION + """
            index(KEYS[1], ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
            return 1
            """);

    /** KEYS[1] session key; ARGV: now. Unlinks the record if it is expired; unreadable records are left alone. */
    static final Script PURGE = new Script(HEADER + """
            local v, e = header(KEYS[1])
            if v and e <= tonumber(ARGV[1]) then
              redis.call('UNLINK', KEYS[1])
              return 1
            end
            return 0
            """);

    private RedisScripts() {
    }

    /** A script and its SHA-1, computed locally so that no SCRIPT LOAD is needed before the first EVALSHA. */
    record Script(String source, String sha1) {
        Script(String source) {
            this(source, sha1Hex(source));
        }

        /**
         * Runs the script by digest; a server that does not know it yet (first use, restart, failover to a replica)
         * answers NOSCRIPT, and the script is sent once in full with EVAL, which also caches it there.
         */
        Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
            try {
                return jedis.evalsha(sha1, keys, args);
            } catch (JedisNoScriptException e) {
                return jedis.eval(source, keys, args);
            }
        }

        private static String sha1Hex(String s) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required of every Java platform", e);
            }
        }
    }
}
