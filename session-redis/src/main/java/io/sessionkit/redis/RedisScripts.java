package io.sessionkit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts that make create, replace and the compare-and-set delete one round trip each, and the
 * EVALSHA-with-fallback that runs them.
 *
 * <p>Every script touches exactly the keys it declares, so on Redis Cluster each runs on one slot. Scripts read only
 * the first 128 bytes of a stored envelope ({@code GETRANGE}) to find its version and expiry: {@code RecordEnvelope}
 * writes {@code fmt, v, c, a, e} first, in that order. Envelopes written by other tools in another field order fall
 * back to a full {@code GET} and {@code cjson.decode}. Time ("now") is an argument, taken from the store's clock, so
 * the scripts agree with {@code load} and tests can move time; native expiries are relative ({@code PX},
 * {@code PEXPIRE}) and computed on that clock too, so the Redis server's own clock never decides a session's life.
 *
 * <p><b>Writer tokens.</b> A write can be sent twice: Jedis's cluster executor re-sends a command after a read
 * timeout (up to {@code maxAttempts}), and the first copy may still run late. So every write carries a random token,
 * and the script appends it to the envelope as a last field, {@code "w":"<newest> <older> …"}, keeping the tokens of
 * the newest {@value #KEPT_TOKENS} writes (readers ignore the field). A write whose version check fails but whose token
 * is among the stored ones was already applied by an earlier copy of itself: the script answers as if it had just
 * applied it, and writes nothing. The tokens are read from the last 256 bytes of the value ({@code GETRANGE -256 -1}),
 * so no write reads a whole session (a second small read, besides the header). The compare-and-set delete replaces
 * the record by a short-lived, expired tombstone that keeps the tokens (see {@link #DELETE_IF}), so that a re-sent
 * delete still answers OK instead of GONE.
 */
final class RedisScripts {
    /** Reply of every write: written (or, recognised by its token, written before by an earlier copy of this write). */
    static final long WRITTEN = 1;
    /** Reply of create: a live record holds the key. Reply of replace/delete: no live record (absent, unreadable or expired). */
    static final long REFUSED = 0;
    /** Reply of replace/delete: a live record of another version. */
    static final long CONFLICT = -1;
    /** How many writer tokens an envelope keeps: a re-sent write is recognised while fewer writes followed it. */
    static final int KEPT_TOKENS = 8;

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
            local function writers(key)
              local tail = redis.call('GETRANGE', key, -256, -1)
              return string.match(tail, ',"w":"([%w%-_ ]*)"}$') or ''
            end
            local function wrote(key, token)
              return string.find(' ' .. writers(key) .. ' ', ' ' .. token .. ' ', 1, true) ~= nil
            end
            local function stamp(envelope, token, previous)
              local kept, n = token, 1
              for t in string.gmatch(previous, '%S+') do
                if n >= KEPT then break end
                kept, n = kept .. ' ' .. t, n + 1
              end
              return string.sub(envelope, 1, -2) .. ',"w":"' .. kept .. '"}'
            end
            """.replace("KEPT", Integer.toString(KEPT_TOKENS));

    /**
     * Adds or raises a member, trims members whose score (their session's {@code expiresAt}) is at or before
     * {@code trim_before} ({@code now - grace}: a writer whose clock runs ahead by less than the grace never trims a
     * member another node still considers live), and lets the set expire {@code grace} after its latest member,
     * relative to the writer's clock. Members are never removed for any other reason (see
     * {@code RedisSessionStore#findByPrincipal}).
     */
    private static final String INDEX_FUNCTION = """
            local function index(idx, member, expires_at, trim_before, now, grace)
              redis.call('ZADD', idx, 'GT', expires_at, member)
              redis.call('ZREMRANGEBYSCORE', idx, '-inf', trim_before)
              local last = redis.call('ZRANGE', idx, -1, -1, 'WITHSCORES')
              if last[2] then
                redis.call('PEXPIRE', idx, string.format('%d', math.max(1, tonumber(last[2]) + grace - now)))
              end
            end
            """;

    /**
     * KEYS[1] session key, optional KEYS[2] principal index; ARGV: envelope, now, native TTL (PX, ms), member,
     * expiresAt, trim-before, grace, token. An unreadable or expired record does not block create.
     */
    static final Script CREATE = new Script(HEADER + INDEX_FUNCTION + """
            local now = tonumber(ARGV[2])
            local v, e = header(KEYS[1])
            if v and e > now then
              if wrote(KEYS[1], ARGV[8]) then return 1 end
              return 0
            end
            redis.call('SET', KEYS[1], stamp(ARGV[1], ARGV[8], ''), 'PX', ARGV[3])
            if KEYS[2] then index(KEYS[2], ARGV[4], ARGV[5], ARGV[6], now, tonumber(ARGV[7])) end
            return 1
            """);

    /**
     * The version check of replace and the compare-and-set delete: calls {@code write(v)} and answers
     * {@link #WRITTEN} only if a live record of the expected version is stored; otherwise answers {@link #WRITTEN}
     * for a write recognised by its token, {@link #REFUSED} without a live record, {@link #CONFLICT} for another
     * version.
     */
    private static final String COMPARE_AND_SET = HEADER + """
            local function compare_and_set(key, now, expected, token, write)
              local v, e = header(key)
              if v and e > now and v == expected then
                write(v)
                return 1
              end
              if v and wrote(key, token) then return 1 end
              if not v or e <= now then return 0 end
              return -1
            end
            """;

    /**
     * KEYS[1] session key, optional KEYS[2] principal index; ARGV: envelope, now, native TTL (PX, ms), member,
     * expiresAt, trim-before, grace, token, expected version. Never writes unless a live record of the expected
     * version is stored.
     */
    static final Script REPLACE = new Script(COMPARE_AND_SET + INDEX_FUNCTION + """
            local now = tonumber(ARGV[2])
            return compare_and_set(KEYS[1], now, tonumber(ARGV[9]), ARGV[8], function()
              redis.call('SET', KEYS[1], stamp(ARGV[1], ARGV[8], writers(KEYS[1])), 'PX', ARGV[3])
              if KEYS[2] then index(KEYS[2], ARGV[4], ARGV[5], ARGV[6], now, tonumber(ARGV[7])) end
            end)
            """);

    /**
     * KEYS[1] session key; ARGV: now, expected version, token, tombstone TTL (ms). Removes a live record of the
     * expected version by replacing it with a tombstone: an envelope of the next version with {@code "e":0} (expired
     * for every reader, so {@code load} finds nothing and {@code replace} answers GONE), no principal, no attributes,
     * and the writer tokens, expiring natively after the tombstone TTL (long enough for any re-sent copy to arrive).
     */
    static final Script DELETE_IF = new Script(COMPARE_AND_SET + """
            return compare_and_set(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], function(v)
              local tombstone = '{"fmt":1,"v":' .. string.format('%d', v + 1) .. ',"c":0,"a":0,"e":0,"mi":1,"p":null,"attrs":{}}'
              redis.call('SET', KEYS[1], stamp(tombstone, ARGV[3], writers(KEYS[1])), 'PX', ARGV[4])
            end)
            """);

    /** KEYS[1] principal index; ARGV: member, expiresAt, trim-before, now, grace. For Redis Cluster, where it lives in another slot. */
    static final Script INDEX = new Script(INDEX_FUNCTION + """
            index(KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
            return 1
            """);

    /**
     * KEYS[1] session key; ARGV: now minus the grace. Unlinks the record if it expired by then; unreadable records and tombstones
     * ({@code e == 0}, which keep writer tokens for a few seconds and expire by themselves) are left alone.
     */
    static final Script PURGE = new Script(HEADER + """
            local v, e = header(KEYS[1])
            if v and e ~= 0 and e <= tonumber(ARGV[1]) then
              redis.call('UNLINK', KEYS[1])
              return 1
            end
            return 0
            """);

    private RedisScripts() {}

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
                return HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-1 is required of every Java platform", e);
            }
        }
    }
}
