package io.sessionkit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The Lua scripts that make create, replace and the deletes one round trip each, the scripts of the expiry sweep, and
 * the EVALSHA-with-fallback that runs them.
 *
 * <p>Every script touches exactly the keys it declares, so on Redis Cluster each runs on one slot: a session key and
 * its bucket's expiry index share a hash tag ({@code {bb}}, see {@code RedisSessionStore}). Scripts read only the
 * first 128 bytes of a stored envelope ({@code GETRANGE}) to find its version and expiry: {@code RecordEnvelope}
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
 *
 * <p><b>Expiry index.</b> Every write of a record sets its member in its bucket's expiry index (a sorted set) to its
 * {@code expiresAt}; the deletes remove it. {@link #CANDIDATES}, {@link #CLAIM} and {@link #REMOVE} are the sweep: a
 * claim re-checks each candidate atomically and moves the ones it takes to a lease mark, {@code now - grace + lease},
 * so that no other claim sees them until the lease has run out.
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
     * Sets a member of an expiry index to its session's {@code expiresAt} (exactly: the write that calls it is the
     * record's write), trims members scored before {@code now - horizon} and makes the set outlive its latest member
     * by the horizon. The horizon, {@code 2 * grace + retention}, is the longest a member can matter: its record is
     * kept {@code grace + retention} past {@code expiresAt} (or past a claim's lease mark), and one more grace covers a
     * trimming node whose clock runs ahead. The set's TTL is only ever raised.
     */
    private static final String EXPIRY_FUNCTION = """
            local function expiry(idx, member, expires_at, now, horizon)
              redis.call('ZADD', idx, expires_at, member)
              redis.call('ZREMRANGEBYSCORE', idx, '-inf', '(' .. string.format('%d', now - horizon))
              local want = tonumber(expires_at) + horizon - now
              local ttl = redis.call('PTTL', idx)
              if ttl == -1 or (ttl >= 0 and ttl < want) then
                redis.call('PEXPIRE', idx, string.format('%d', math.max(1, want)))
              end
            end
            """;

    /**
     * KEYS[1] session key, KEYS[2] its expiry index, optional KEYS[3] principal index; ARGV: envelope, now, native TTL
     * (PX, ms), member, expiresAt, trim-before, grace, token, (unused: the expected version of replace), retention.
     * An unreadable or expired record does not block create.
     */
    static final Script CREATE = new Script(HEADER + INDEX_FUNCTION + EXPIRY_FUNCTION + """
            local now = tonumber(ARGV[2])
            local v, e = header(KEYS[1])
            if v and e > now then
              if wrote(KEYS[1], ARGV[8]) then return 1 end
              return 0
            end
            redis.call('SET', KEYS[1], stamp(ARGV[1], ARGV[8], ''), 'PX', ARGV[3])
            expiry(KEYS[2], ARGV[4], ARGV[5], now, 2 * tonumber(ARGV[7]) + tonumber(ARGV[10]))
            if KEYS[3] then index(KEYS[3], ARGV[4], ARGV[5], ARGV[6], now, tonumber(ARGV[7])) end
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
     * KEYS[1] session key, KEYS[2] its expiry index, optional KEYS[3] principal index; ARGV: envelope, now, native TTL
     * (PX, ms), member, expiresAt, trim-before, grace, token, expected version, retention. Never writes unless a live
     * record of the expected version is stored.
     */
    static final Script REPLACE = new Script(COMPARE_AND_SET + INDEX_FUNCTION + EXPIRY_FUNCTION + """
            local now = tonumber(ARGV[2])
            return compare_and_set(KEYS[1], now, tonumber(ARGV[9]), ARGV[8], function()
              redis.call('SET', KEYS[1], stamp(ARGV[1], ARGV[8], writers(KEYS[1])), 'PX', ARGV[3])
              expiry(KEYS[2], ARGV[4], ARGV[5], now, 2 * tonumber(ARGV[7]) + tonumber(ARGV[10]))
              if KEYS[3] then index(KEYS[3], ARGV[4], ARGV[5], ARGV[6], now, tonumber(ARGV[7])) end
            end)
            """);

    /**
     * KEYS[1] session key, KEYS[2] its expiry index; ARGV: now, expected version, token, tombstone TTL (ms), member.
     * Removes a live record of the expected version by replacing it with a tombstone: an envelope of the next version
     * with {@code "e":0} (expired for every reader, so {@code load} finds nothing and {@code replace} answers GONE), no
     * principal, no attributes, and the writer tokens, expiring natively after the tombstone TTL (long enough for any
     * re-sent copy to arrive). The member leaves the expiry index: a deleted session is never reported as expired.
     */
    static final Script DELETE_IF = new Script(COMPARE_AND_SET + """
            return compare_and_set(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], function(v)
              local tombstone = '{"fmt":1,"v":' .. string.format('%d', v + 1) .. ',"c":0,"a":0,"e":0,"mi":1,"p":null,"attrs":{}}'
              redis.call('SET', KEYS[1], stamp(tombstone, ARGV[3], writers(KEYS[1])), 'PX', ARGV[4])
              redis.call('ZREM', KEYS[2], ARGV[5])
            end)
            """);

    /** KEYS[1] session key, KEYS[2] its expiry index; ARGV: member. Unlinks the record and drops its index member. */
    static final Script DELETE = new Script("""
            redis.call('UNLINK', KEYS[1])
            redis.call('ZREM', KEYS[2], ARGV[1])
            return 1
            """);

    /** KEYS[1] principal index; ARGV: member, expiresAt, trim-before, now, grace. For Redis Cluster, where it lives in another slot. */
    static final Script INDEX = new Script(INDEX_FUNCTION + """
            index(KEYS[1], ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), tonumber(ARGV[5]))
            return 1
            """);

    /**
     * KEYS[1] session key, KEYS[2] its expiry index; ARGV: now minus the grace, member. Unlinks the record if it
     * expired by then, and drops its index member; unreadable records and tombstones ({@code e == 0}, which keep writer
     * tokens for a few seconds and expire by themselves) are left alone.
     */
    static final Script PURGE = new Script(HEADER + """
            local v, e = header(KEYS[1])
            if v and e ~= 0 and e <= tonumber(ARGV[1]) then
              redis.call('UNLINK', KEYS[1])
              redis.call('ZREM', KEYS[2], ARGV[2])
              return 1
            end
            return 0
            """);

    /**
     * Read-only. KEYS: expiry indexes; ARGV: cutoff ({@code now - grace}), at most this many, the 0-based position in
     * KEYS to start at. Answers {@code [position in KEYS (1-based), member, …]} for members scored at or before the
     * cutoff, taking each index in turn from the start position on (so that concurrent sweeps start apart). Members
     * that are not hashed keys (43 characters of {@code [A-Za-z0-9_-]}, nothing SessionKit writes) are passed over.
     */
    static final Script CANDIDATES = new Script("""
            local out, left, count = {}, tonumber(ARGV[2]), #KEYS
            for j = 0, count - 1 do
              if left <= 0 then break end
              local i = (tonumber(ARGV[3]) + j) % count + 1
              local members = redis.call('ZRANGE', KEYS[i], '-inf', ARGV[1], 'BYSCORE', 'LIMIT', 0, left)
              for _, m in ipairs(members) do
                if #m == 43 and not string.find(m, '[^%w_%-]') then
                  out[#out + 1] = i
                  out[#out + 1] = m
                end
              end
              left = left - #members
            end
            return out
            """);

    /**
     * The principal of a stored envelope, or false: read from its first 512 bytes when it is spelled as
     * {@code RecordEnvelope} writes it without escapes, else by decoding the whole envelope.
     */
    private static final String PRINCIPAL_FUNCTION = """
            local function principal(key)
              local head = redis.call('GETRANGE', key, 0, 511)
              local start = '^{"fmt":1,"v":%d+,"c":%-?%d+,"a":%-?%d+,"e":%-?%d+,"mi":%d+,"p":'
              if string.match(head, start .. 'null,') then return false end
              local p = string.match(head, start .. '"([^"\\\\]*)",')
              if p then return p end
              local ok, doc = pcall(cjson.decode, redis.call('GET', key))
              if ok and type(doc) == 'table' and type(doc.p) == 'string' then return doc.p end
              return false
            end
            """;

    /**
     * KEYS: pairs of (expiry index, session key), each pair one candidate; ARGV: now, grace, lease, retention (ms),
     * then the candidates' members in KEYS order. For each candidate still scored at or before {@code now - grace}
     * (so not taken meanwhile by another claim, nor touched): a readable record expired by then is claimed (its member
     * moves to the lease mark {@code now - grace + lease}, the record is kept at least {@code lease + retention} for a
     * claim after a lease that ran out, and {@code member, principal or nil, expiresAt} is answered); a record that
     * is live or inside the grace raises its member to its {@code expiresAt}; a member without a readable record
     * (deleted, tombstone, undecodable, dropped by Redis) leaves the index unreported.
     */
    static final Script CLAIM = new Script(HEADER + PRINCIPAL_FUNCTION + """
            local now, grace, lease, retention = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
            local cutoff = now - grace
            local mark = string.format('%d', cutoff + lease)
            local keep = lease + retention
            local out = {}
            for i = 1, #KEYS / 2 do
              local idx, key, member = KEYS[2 * i - 1], KEYS[2 * i], ARGV[4 + i]
              local score = tonumber(redis.call('ZSCORE', idx, member))
              if score and score <= cutoff then
                local v, e = header(key)
                if v and e ~= 0 and e > cutoff then
                  redis.call('ZADD', idx, string.format('%d', e), member)
                elseif v and e ~= 0 then
                  redis.call('ZADD', idx, mark, member)
                  local ttl = redis.call('PTTL', key)
                  if ttl >= 0 and ttl < keep then redis.call('PEXPIRE', key, string.format('%d', keep)) end
                  local horizon = cutoff + lease + 2 * grace + retention - now
                  local idx_ttl = redis.call('PTTL', idx)
                  if idx_ttl >= 0 and idx_ttl < horizon then redis.call('PEXPIRE', idx, string.format('%d', horizon)) end
                  out[#out + 1] = member
                  out[#out + 1] = principal(key)
                  out[#out + 1] = e
                else
                  redis.call('ZREM', idx, member)
                end
              end
            end
            return out
            """);

    /**
     * KEYS: pairs of (expiry index, session key); ARGV: now, grace (ms), then the members in KEYS order. Removes claimed
     * records: a record expired by {@code now - grace} is unlinked, and the member leaves the index unless a live
     * record holds the key again. Answers how many records it unlinked. Idempotent.
     */
    static final Script REMOVE = new Script(HEADER + """
            local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
            local removed = 0
            for i = 1, #KEYS / 2 do
              local idx, key, member = KEYS[2 * i - 1], KEYS[2 * i], ARGV[2 + i]
              local v, e = header(key)
              if not (v and e ~= 0 and e > cutoff) then
                if v and e ~= 0 then
                  redis.call('UNLINK', key)
                  removed = removed + 1
                end
                redis.call('ZREM', idx, member)
              end
            end
            return removed
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
