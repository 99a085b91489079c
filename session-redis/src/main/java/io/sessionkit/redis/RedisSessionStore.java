package io.sessionkit.redis;

import static java.util.Objects.requireNonNull;

import io.sessionkit.BuilderChecks;
import io.sessionkit.ExpiredSession;
import io.sessionkit.ProviderConfig;
import io.sessionkit.RecordEnvelope;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFailures;
import io.sessionkit.StoreFeature;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A {@link SessionStore} on Redis (standalone, Sentinel or Cluster) through Jedis.
 *
 * <p>Layout: one string key per session, {@code <prefix>{<bb>}s:<hashed key>}, holding the {@link RecordEnvelope} JSON
 * text (plus the writer tokens, see below) with a relative native expiry ({@code PX}) of
 * {@code expiresAt + expiryGrace + expiredRetention - now} by this store's clock; the native expiry only collects
 * garbage, {@link #load} filters on {@code expiresAt} by this store's clock. {@code <bb>} is the session's bucket, the
 * first byte of the hashed key (decoded) as two lowercase hex digits: a Redis Cluster hash tag, so that a session and
 * its bucket's expiry index {@code <prefix>{<bb>}e} share a slot and every script stays on one. The expiry index is a
 * sorted set of the bucket's hashed keys scored by their {@code expiresAt} (or, while claimed, by a lease mark): the
 * write scripts keep it, and {@link #claimExpired} / {@link #removeExpired} sweep it (see there). One sorted set per
 * principal, {@code <prefix>p:<base64url(SHA-256(principal))>}, holds the hashed keys of that principal's sessions
 * scored by their {@code expiresAt}; members whose score is more than {@code expiryGrace} in the past are removed
 * whenever the set is written, and the set itself expires {@code expiryGrace} after its latest member. Members are
 * removed only by their score, never because a reader did not find their record (on Cluster the record may simply not
 * be written yet), so a deleted session's entry stays until its {@code expiresAt} has passed; readers skip it.
 *
 * <p>Clocks: every expiry the store gives Redis is relative and computed on this store's clock, never an absolute
 * time on the Redis server's clock. Nodes whose clocks differ by less than {@code expiryGrace} lose nothing: native
 * expiry never removes a record, and index trimming never removes a member, that any of them still considers live; a
 * session then ends early by at most the skew (a node whose clock runs ahead considers it expired sooner). Beyond the
 * grace, a principal index member can be removed up to {@code skew - expiryGrace} before a slower node's clock says
 * the session expires (the record itself, kept {@code expiredRetention} longer, only beyond
 * {@code expiryGrace + expiredRetention}): keep clocks in sync (NTP) within the grace.
 *
 * <p>Round trips: {@link #load} one {@code GET}; {@link #create}, {@link #replace}, {@link #delete(SessionKey)} and
 * {@link #delete(SessionKey, long)} one {@code EVALSHA} each (a NOSCRIPT answer costs one extra {@code EVAL}, once per
 * server), the expiry index kept inside the same script; {@link #ping} one {@code PING}. On Redis Cluster the session
 * key and the principal index live in different slots, so writing a record that has a principal costs one more round
 * trip there (the index is written first, so a session is never missing from its index).
 *
 * <p>Writes are idempotent: each carries a random writer token that the script stores with the record (see
 * {@link RedisScripts}), so a copy of a write that is sent again, as Jedis's cluster executor does after a read
 * timeout, is recognised and answered as applied instead of being applied twice or reported as a conflict.
 *
 * <p>Failures: a connection or timeout failure surfaces as {@link SessionStoreUnavailableException} within the
 * configured timeouts; after a failed write the write may or may not have been applied (at most once). When a
 * connection is found broken (for instance by a Redis restart) the pool's other idle connections, broken by the same
 * cause, are dropped, and reads, deletes and index reads are retried once on a fresh connection. So a restart costs
 * at most one failed call per pooled connection; timeouts are never retried by the store itself.
 *
 * <p>Requires Redis 6.2 or later ({@code ZADD GT}); tested on 7.0. Runs on Jedis 7.0.0 or a later 7.x (the Jedis of
 * Spring Boot 4.0 and newer); {@link Builder#build} fails at once, naming the version found, on any other. Thread-safe.
 */
public final class RedisSessionStore implements SessionStore {
    static final System.Logger LOG = System.getLogger("io.sessionkit.redis");

    /** Default server: {@code redis://127.0.0.1:6379}. */
    public static final URI DEFAULT_URI = URI.create("redis://127.0.0.1:6379");
    /** Default prefix of every key the store writes. */
    public static final String DEFAULT_KEY_PREFIX = "sk:";
    /** Default TCP connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** Default time to wait for a reply. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(2);
    /** Default maximum connections per server. */
    public static final int DEFAULT_POOL_MAX_TOTAL = 16;
    /** Default minimum idle connections kept per server. */
    public static final int DEFAULT_POOL_MIN_IDLE = 0;
    /** Default time to wait for a free pooled connection. */
    public static final Duration DEFAULT_POOL_MAX_WAIT = Duration.ofSeconds(2);
    /** Default time the native expiry is set past {@code expiresAt}. */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(60);
    /** Default attempts of one command on Redis Cluster (redirections and connection failures). */
    public static final int DEFAULT_CLUSTER_MAX_ATTEMPTS = 3;
    /**
     * Default time an expired record is kept past {@code expiresAt + expiryGrace}, so that a sweep can still claim it
     * and report its principal.
     */
    public static final Duration DEFAULT_EXPIRED_RETENTION = Duration.ofMinutes(5);

    private static final Set<StoreFeature> FEATURES = Set.of(
            StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED, StoreFeature.EXPIRY_EVENTS, StoreFeature.SCAN);
    /** Buckets, each with its own expiry index: a session's is the first byte of its hashed key. */
    static final int BUCKETS = 256;
    /** The most candidates one claim or remove script handles, so that no script holds Redis for long. */
    static final int SCRIPT_BATCH = 1000;

    private static final int SCAN_BATCH = 500;
    /**
     * The fewest keys one {@link #scan} asks a {@code SCAN} to look at, so that small pages do not crawl through a
     * keyspace shared with other data; keys found beyond the page are carried in the cursor (at most about this many
     * plus one hash-table step's overflow).
     */
    static final int SCAN_MIN_COUNT = 20;
    /** The most keys one {@link #scan} asks a {@code SCAN} to look at: larger pages are served over several calls. */
    static final int SCAN_MAX_COUNT = 1000;

    private static final int TOKEN_BYTES = 12;
    /** The shortest a delete tombstone lives: it must outlast every re-sent copy of the delete. */
    private static final Duration MIN_TOMBSTONE_TTL = Duration.ofSeconds(10);

    private static final SecureRandom TOKENS = new SecureRandom();

    private final UnifiedJedis jedis;
    private final boolean ownsClient;
    private final boolean cluster;
    private final Runnable clearIdleConnections;
    private final String server;
    private final String keyPrefix;
    private final long graceMillis;
    private final long retentionMillis;
    private final long tombstoneMillis;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The Cluster layout scans were last seen to walk; null until the first Cluster scan. */
    private volatile @Nullable ClusterLayout scanLayout;

    private RedisSessionStore(Builder b) {
        this.keyPrefix = b.keyPrefix;
        this.graceMillis = b.expiryGrace.toMillis();
        this.retentionMillis = b.expiredRetention.toMillis();
        // Twice the longest the cluster executor keeps re-sending one command.
        this.tombstoneMillis =
                Math.max(MIN_TOMBSTONE_TTL.toMillis(), 2 * retriesDuration(b).toMillis());
        this.clock = b.clock;
        if (b.client != null) {
            this.jedis = b.client;
            this.ownsClient = false;
            this.cluster = JedisClients.isCluster(b.client);
            this.clearIdleConnections = () -> {};
            this.server = "Redis (" + b.client.getClass().getSimpleName() + ")";
            return;
        }
        this.ownsClient = true;
        JedisClientConfig clientConfig = clientConfig(b);
        ConnectionPoolConfig pool = poolConfig(b);
        if (!b.clusterNodes.isEmpty()) {
            this.jedis = connect(
                    "Redis Cluster " + b.clusterNodes,
                    () -> JedisClients.cluster(
                            new LinkedHashSet<>(b.clusterNodes),
                            clientConfig,
                            pool,
                            b.clusterMaxAttempts,
                            retriesDuration(b)));
            this.cluster = true;
            this.clearIdleConnections = () -> {};
            this.server = "Redis Cluster " + b.clusterNodes;
        } else if (b.sentinelMaster != null) {
            String master = b.sentinelMaster;
            Set<HostAndPort> sentinels = new LinkedHashSet<>(b.sentinelNodes);
            DefaultJedisClientConfig.Builder sc = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(millis(b.connectTimeout))
                    .socketTimeoutMillis(millis(b.readTimeout))
                    .clientName("sessionkit-sentinel");
            tls(sc, b);
            if (b.sentinelPassword != null) {
                sc.password(b.sentinelPassword);
            }
            JedisClientConfig sentinelConfig = sc.build();
            // Built here rather than by the client builder so that the store can reach the master's pool.
            String where = "Redis master '" + master + "' via Sentinel " + b.sentinelNodes;
            SentineledConnectionProvider provider = connect(
                    where,
                    () -> JedisClients.sentinelProvider(
                            master,
                            clientConfig,
                            pool,
                            sentinels,
                            sentinelConfig,
                            Math.max(500, b.connectTimeout.toMillis())));
            this.jedis = JedisClients.sentinel(provider);
            this.cluster = false;
            this.clearIdleConnections = () -> clearPools(JedisClients.sentinelPools(provider));
            this.server = where;
        } else {
            HostAndPort hp = new HostAndPort(b.uri.getHost(), b.uri.getPort() < 0 ? 6379 : b.uri.getPort());
            JedisClients.Owned c = JedisClients.standalone(hp, clientConfig, pool);
            this.jedis = c.client();
            this.cluster = false;
            this.clearIdleConnections = c.clearIdleConnections();
            this.server = "Redis at " + hp;
        }
    }

    private static Duration retriesDuration(Builder b) {
        return b.readTimeout.plus(b.connectTimeout).multipliedBy(b.clusterMaxAttempts);
    }

    /** Sentinel and Cluster clients ask their seed nodes for the topology while being built. */
    private static <T> T connect(String where, Supplier<T> build) {
        try {
            return build.get();
        } catch (JedisException e) {
            throw new SessionStoreUnavailableException(where + " unavailable while connecting: " + e.getMessage(), e);
        }
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<StoreFeature> features() {
        return FEATURES;
    }

    @Override
    public boolean create(SessionRecord record) {
        return create(record, newToken());
    }

    /** {@link #create} with a given writer token: sending the same call twice applies it once and answers true twice. */
    boolean create(SessionRecord record, String token) {
        requireNonNull(record, "record");
        long result = write(RedisScripts.CREATE, record, token, 0, "create");
        return result == RedisScripts.WRITTEN;
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        requireNonNull(key, "key");
        String text = call("load", key, true, () -> jedis.get(sessionKey(key)));
        if (text == null) {
            return Optional.empty();
        }
        SessionRecord record = RecordEnvelope.decode(key, text);
        return record.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(record);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        return replace(record, expectedVersion, newToken());
    }

    /** {@link #replace} with a given writer token: sending the same call twice applies it once and answers OK twice. */
    ReplaceResult replace(SessionRecord record, long expectedVersion, String token) {
        requireNonNull(record, "record");
        return result(write(RedisScripts.REPLACE, record, token, expectedVersion, "replace"));
    }

    @Override
    public void delete(SessionKey key) {
        requireNonNull(key, "key");
        // The principal index is not touched: its entry for this key is skipped by readers and trimmed by score.
        List<String> keys = List.of(sessionKey(key), expiryIndexKey(key));
        call("delete", key, true, () -> RedisScripts.DELETE.run(jedis, keys, List.of(key.value())));
    }

    /**
     * One {@code EVALSHA} on the session key: if a live record of {@code expectedVersion} is stored, it is replaced
     * by an expired tombstone that Redis drops by itself within seconds (it keeps the writer tokens, so that a re-sent
     * copy of this delete still answers OK), and its member leaves the expiry index. The principal index is not
     * touched (its key depends on the principal, which the caller does not pass): the entry is skipped by readers and
     * trimmed once its score has passed.
     */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        return delete(key, expectedVersion, newToken());
    }

    /** {@link #delete(SessionKey, long)} with a given writer token. */
    ReplaceResult delete(SessionKey key, long expectedVersion, String token) {
        requireNonNull(key, "key");
        List<String> keys = List.of(sessionKey(key), expiryIndexKey(key));
        List<String> args = List.of(
                Long.toString(clock.millis()),
                Long.toString(expectedVersion),
                token,
                Long.toString(tombstoneMillis),
                key.value());
        return result(
                reply("delete", key, call("delete", key, false, () -> RedisScripts.DELETE_IF.run(jedis, keys, args))));
    }

    private static ReplaceResult result(long reply) {
        if (reply == RedisScripts.WRITTEN) {
            return ReplaceResult.OK;
        }
        return reply == RedisScripts.CONFLICT ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
    }

    /** A fresh writer token: 12 random bytes, URL-safe base64 (16 characters). */
    static String newToken() {
        byte[] b = new byte[TOKEN_BYTES];
        TOKENS.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        requireNonNull(principal, "principal");
        String index = indexKey(principal);
        long now = clock.millis();
        List<SessionKey> keys =
                call("findByPrincipal", null, true, () -> JedisClients.membersScoredAfter(jedis, index, now)).stream()
                        .filter(RedisSessionStore::isKey)
                        .map(SessionKey::new)
                        .toList();
        if (keys.isEmpty()) {
            return List.of();
        }
        List<@Nullable String> texts = call("findByPrincipal", null, true, () -> getAll(keys));
        List<SessionRecord> live = new ArrayList<>();
        Instant instant = Instant.ofEpochMilli(now);
        for (int i = 0; i < keys.size(); i++) {
            SessionKey key = keys.get(i);
            @Nullable String text = texts.get(i);
            SessionRecord record = null;
            if (text != null) {
                try {
                    record = RecordEnvelope.decode(key, text);
                } catch (SessionCodecException e) {
                    StoreFailures.skipped(LOG, server, "findByPrincipal", key, e);
                }
            }
            // A member whose record is absent or names someone else is skipped, never removed: on Cluster the index is
            // written before the record, so "absent" may mean "being written now", and removing it would hide a
            // session from "log out everywhere". Members leave the index by their score (see
            // RedisScripts.INDEX_FUNCTION).
            if (record != null && !record.isExpiredAt(instant) && principal.equals(record.principal())) {
                live.add(record);
            }
        }
        return List.copyOf(live);
    }

    /**
     * Unlinks the records that expired, by this store's clock, {@code expiryGrace} or more ago but are still held by
     * Redis (a node whose clock runs ahead by less than the grace thus never removes a session its writer still
     * considers live), with their expiry index members, without reporting them. Redis removes them by itself anyway,
     * {@code expiredRetention} later; {@link #claimExpired} is the sweep that reports them. This is for tests and
     * administration: it SCANs every master for this store's prefix and runs one small script per key found, not for
     * request paths.
     */
    @Override
    public int purgeExpired() {
        String now = Long.toString(clock.millis() - graceMillis);
        ScanParams params =
                new ScanParams().match(globEscape(keyPrefix) + "{??}s:*").count(SCAN_BATCH);
        int removed = 0;
        if (!cluster) {
            return purge(jedis::scan, params, now);
        }
        java.util.Map<String, ConnectionPool> nodes = JedisClients.clusterNodes(jedis);
        for (ConnectionPool pool : nodes.values()) {
            try (Connection connection = pool.getResource()) {
                Jedis node = new Jedis(connection);
                // Replicas hold copies of their masters' keys: scanning masters is enough.
                if ("master".equals(String.valueOf(node.role().get(0)))) {
                    removed += purge(node::scan, params, now);
                }
            } catch (JedisException e) {
                throw translate("purgeExpired", null, e);
            }
        }
        return removed;
    }

    private int purge(
            java.util.function.BiFunction<String, ScanParams, ScanResult<String>> scan, ScanParams params, String now) {
        int removed = 0;
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            String from = cursor;
            ScanResult<String> page = call("purgeExpired", null, true, () -> scan.apply(from, params));
            for (String found : page.getResult()) {
                SessionKey key = sessionKeyOf(found);
                if (key == null) {
                    continue;
                }
                List<String> keys = List.of(found, expiryIndexKey(key));
                Object r = call(
                        "purgeExpired",
                        key,
                        true,
                        () -> RedisScripts.PURGE.run(jedis, keys, List.of(now, key.value())));
                if (Long.valueOf(1).equals(r)) {
                    removed++;
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return removed;
    }

    /**
     * Claims expired records from the expiry indexes: members scored at or before {@code now - expiryGrace} whose
     * record Redis still holds, expired by then. Each claim script re-checks its candidates atomically: a member that
     * another claim moved meanwhile is skipped, a record touched or extended since (or inside the grace) only raises
     * its member to its {@code expiresAt}, and a member whose record is gone, unreadable or a tombstone leaves the
     * index unreported (so a deleted session is never reported). A claimed member moves to the lease mark
     * {@code now - expiryGrace + lease}, where no claim sees it until the lease has run out, and its record is kept at
     * least {@code lease + expiredRetention} longer, so that a claim after a sweeper died still reads its principal.
     *
     * <p>Round trips: standalone and Sentinel, two per batch (the candidates from every bucket, then the claim: Redis
     * wants the keys a script touches declared); Cluster, one pipelined {@code ZCOUNT} over the buckets (one round trip
     * per master) and two per bucket that has candidates. Buckets are visited from a random one on, so that
     * concurrent sweeps seldom compete for the same members.
     */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        BuilderChecks.atLeast("max", max, 1);
        long leaseMillis = BuilderChecks.positive("lease", lease).toMillis();
        long now = clock.millis();
        String cutoff = Long.toString(now - graceMillis);
        List<String> args = List.of(
                Long.toString(now),
                Long.toString(graceMillis),
                Long.toString(leaseMillis),
                Long.toString(retentionMillis));
        List<ExpiredSession> out = new ArrayList<>();
        for (List<Integer> group : claimGroups(cutoff)) {
            while (out.size() < max) {
                int wanted = Math.min(max - out.size(), SCRIPT_BATCH);
                List<SessionKey> candidates = candidates(group, cutoff, wanted);
                if (candidates.isEmpty()) {
                    break;
                }
                out.addAll(claim(candidates, args));
                if (candidates.size() < wanted) {
                    break;
                }
            }
            if (out.size() >= max) {
                break;
            }
        }
        return List.copyOf(out);
    }

    /**
     * The groups of buckets one script may span, in the order to visit them: standalone, all buckets in one group;
     * Cluster, one group per bucket that has a member at or before {@code cutoff} (one pipelined {@code ZCOUNT}).
     */
    private List<List<Integer>> claimGroups(String cutoff) {
        int start = ThreadLocalRandom.current().nextInt(BUCKETS);
        List<Integer> order = new ArrayList<>(BUCKETS);
        for (int i = 0; i < BUCKETS; i++) {
            order.add((start + i) % BUCKETS);
        }
        if (!cluster) {
            return List.of(order);
        }
        List<Long> counts = call("claimExpired", null, true, () -> {
            List<Response<Long>> responses = new ArrayList<>(BUCKETS);
            try (AbstractPipeline pipeline = jedis.pipelined()) {
                for (int b = 0; b < BUCKETS; b++) {
                    responses.add(pipeline.zcount(expiryIndexKey(b), "-inf", cutoff));
                }
                pipeline.sync();
            }
            return responses.stream().map(Response::get).toList();
        });
        List<List<Integer>> groups = new ArrayList<>();
        for (int b : order) {
            if (counts.get(b) > 0) {
                groups.add(List.of(b));
            }
        }
        return groups;
    }

    /** Up to {@code max} members scored at or before {@code cutoff} in {@code buckets}, from a random one on. */
    private List<SessionKey> candidates(List<Integer> buckets, String cutoff, int max) {
        List<String> keys = buckets.stream().map(this::expiryIndexKey).toList();
        String start = Integer.toString(ThreadLocalRandom.current().nextInt(buckets.size()));
        Object reply = call(
                "claimExpired",
                null,
                true,
                () -> RedisScripts.CANDIDATES.run(jedis, keys, List.of(cutoff, Integer.toString(max), start)));
        List<SessionKey> out = new ArrayList<>();
        List<?> flat = list("claimExpired", reply);
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            if (flat.get(i + 1) instanceof String member && isKey(member)) {
                out.add(new SessionKey(member));
            }
        }
        return out;
    }

    /** Runs the claim script on {@code candidates} (all in one slot on Cluster). */
    private List<ExpiredSession> claim(List<SessionKey> candidates, List<String> params) {
        // Not retried by the store: a claim whose reply was lost holds its members until the lease runs out.
        List<?> flat = list(
                "claimExpired",
                call("claimExpired", null, false, () -> runPerKey(RedisScripts.CLAIM, candidates, params)));
        List<ExpiredSession> out = new ArrayList<>(flat.size() / 3);
        for (int i = 0; i + 2 < flat.size(); i += 3) {
            if (flat.get(i) instanceof String member && isKey(member) && flat.get(i + 2) instanceof Long e) {
                String principal = flat.get(i + 1) instanceof String p ? p : null;
                out.add(new ExpiredSession(new SessionKey(member), principal, Instant.ofEpochMilli(e)));
            }
        }
        return out;
    }

    /**
     * Removes claimed records: each record expired by {@code now - expiryGrace} is unlinked and its member leaves the
     * expiry index; a key that a live record holds again is left alone. One script per bucket on Cluster, one per
     * batch otherwise. Idempotent.
     */
    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        requireNonNull(claimed, "claimed");
        List<String> params = List.of(Long.toString(clock.millis()), Long.toString(graceMillis));
        java.util.Map<Integer, List<SessionKey>> groups = new java.util.TreeMap<>();
        for (ExpiredSession s : claimed) {
            groups.computeIfAbsent(cluster ? bucket(s.key()) : 0, b -> new ArrayList<>())
                    .add(s.key());
        }
        for (List<SessionKey> group : groups.values()) {
            for (int from = 0; from < group.size(); from += SCRIPT_BATCH) {
                List<SessionKey> chunk = group.subList(from, Math.min(group.size(), from + SCRIPT_BATCH));
                call("removeExpired", null, true, () -> runPerKey(RedisScripts.REMOVE, chunk, params));
            }
        }
    }

    /**
     * Runs a sweep script that takes, per session, the pair (expiry index, session key) as KEYS and the member as an
     * ARGV after {@code params}.
     */
    private Object runPerKey(RedisScripts.Script script, List<SessionKey> sessions, List<String> params) {
        List<String> keys = new ArrayList<>(2 * sessions.size());
        List<String> args = new ArrayList<>(params.size() + sessions.size());
        args.addAll(params);
        for (SessionKey k : sessions) {
            keys.add(expiryIndexKey(k));
            keys.add(sessionKey(k));
            args.add(k.value());
        }
        return script.run(jedis, keys, args);
    }

    /** One {@code PING} (on Cluster, to one of the nodes). */
    @Override
    public void ping() {
        call("ping", null, true, jedis::ping);
    }

    private List<?> list(String operation, Object reply) {
        if (!(reply instanceof List<?> list)) {
            throw new SessionException("Unexpected reply from " + server + " to " + operation + ": " + reply);
        }
        return list;
    }

    /**
     * One page of a scan over this store's live records ({@link StoreFeature#SCAN}). Each call asks Redis for the next
     * step of a {@code SCAN <position> MATCH <prefix>{??}s:<43 × ?> COUNT n} (only this store's session keys: never its
     * expiry or principal indexes, nor another prefix's keys) and then fetches the page's records with one
     * {@code MGET} (Cluster: one {@code MGET} per bucket, pipelined to the master walked), and leaves out records that
     * are gone, expired by this store's clock or undecodable (logged, skipped). {@code n} is what the page still
     * needs, at least {@value #SCAN_MIN_COUNT} and at most {@value #SCAN_MAX_COUNT}; keys Redis returns beyond the page
     * are carried in the cursor and served by the next pages without another {@code SCAN}.
     *
     * <p>Round trips per page: standalone and Sentinel, 2 ({@code INFO server} pipelined with the {@code SCAN}, then
     * the {@code MGET}); Cluster, 2 ({@code CLUSTER SLOTS} and {@code INFO server} pipelined with the {@code SCAN} on
     * the master walked, then the pipelined {@code MGET}s), plus one {@code CLUSTER SLOTS} when a store has not seen
     * the layout yet. A page served from carried keys alone costs only the {@code MGET}. Cluster masters are walked one
     * after the other, in the order of their lowest slot; replicas are never scanned.
     *
     * <p>A record may be returned twice when Redis resizes its keyspace table during the scan (which writes during the
     * scan cause); a key is never returned twice within one cursor's carried keys. Cursors (see {@link ScanCursor})
     * name the server process ({@code run_id}) and, on Cluster, the slot layout: given to any store of the same prefix
     * on the same servers, they continue; after a restart or failover of the server walked, or on Cluster after slots
     * moved or a master changed, they are refused with an {@link IllegalArgumentException} that says to start again.
     *
     * @throws IllegalArgumentException if {@code pageSize < 1}, or {@code cursor} was not made by a Redis store of this
     *     mode, or was made before the server walked restarted or the Cluster topology changed
     */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        ScanPage.requirePageSize(pageSize);
        ScanCursor at = cursor == null ? ScanCursor.start("", 0) : ScanCursor.parse(cursor, cluster);
        List<SessionKey> keys = new ArrayList<>(at.pending());
        String run = at.run();
        String position = at.position();
        String layout = at.layout();
        int masters = 1;
        if (keys.size() < pageSize && !at.ended()) {
            int count = Math.max(SCAN_MIN_COUNT, Math.min(SCAN_MAX_COUNT, pageSize - keys.size()));
            ScanParams params = new ScanParams().match(scanPattern()).count(count);
            Step step = cluster ? clusterStep(at, cursor == null, params) : standaloneStep(position, params);
            if (!ScanCursor.UNKNOWN_RUN.equals(at.run())
                    && !ScanCursor.UNKNOWN_RUN.equals(step.run())
                    && !at.run().equals(step.run())) {
                throw new IllegalArgumentException("scan cursor made on another run of the Redis server (run id "
                        + at.run() + ", now " + step.run() + ": it restarted or failed over, and a Redis cursor does"
                        + " not carry over to a new keyspace table): start the scan again with a null cursor");
            }
            run = step.run();
            LinkedHashSet<SessionKey> found = new LinkedHashSet<>(keys);
            for (String redisKey : step.keys().getResult()) {
                SessionKey key = sessionKeyOf(redisKey);
                if (key != null) {
                    found.add(key);
                }
            }
            keys = new ArrayList<>(found);
            String next = step.keys().getCursor();
            position = ScanParams.SCAN_POINTER_START.equals(next) ? ScanCursor.END : next;
            if (step.layout() != null) {
                layout = step.layout().fingerprint();
                masters = step.layout().masters().size();
            }
        } else if (cluster) {
            masters = layoutFor(at.layout()).masters().size();
        }
        int size = Math.min(pageSize, keys.size());
        List<SessionKey> page = keys.subList(0, size);
        List<SessionKey> rest = keys.subList(size, keys.size());
        List<SessionRecord> records =
                page.isEmpty() ? List.of() : live(page, call("scan", null, true, () -> values(page)));
        String next;
        if (!rest.isEmpty() || !ScanCursor.END.equals(position)) {
            next = new ScanCursor(layout, at.master(), run, position, rest).format(cluster);
        } else if (cluster && at.master() + 1 < masters) {
            next = ScanCursor.start(layout, at.master() + 1).format(true);
        } else {
            next = null;
        }
        return new ScanPage(records, next);
    }

    /** One {@code SCAN} step, with the server's run id and (Cluster) the layout the master answered. */
    private record Step(
            String run, ScanResult<String> keys, @Nullable ClusterLayout layout) {}

    /** {@code INFO server} and the {@code SCAN}, pipelined on one connection (one round trip). */
    private Step standaloneStep(String position, ScanParams params) {
        return call("scan", null, true, () -> {
            try (AbstractPipeline pipeline = jedis.pipelined()) {
                Response<Object> info = pipeline.sendCommand(Protocol.Command.INFO, "server");
                Response<ScanResult<String>> keys = pipeline.scan(position, params);
                pipeline.sync();
                return new Step(runId(info), keys.get(), null);
            }
        });
    }

    /**
     * The step on the master {@code at} names: the layout is checked against the cursor's (a fresh store first reads
     * it, one {@code CLUSTER SLOTS}), and again in the step's own reply, so that a cursor is never continued on a
     * changed topology. A scan that is just starting adopts a changed layout instead (once).
     */
    private Step clusterStep(ScanCursor at, boolean starting, ScanParams params) {
        for (int attempt = 0; ; attempt++) {
            ClusterLayout known = layoutFor(starting ? null : at.layout());
            if (at.master() >= known.masters().size()) {
                throw new IllegalArgumentException("scan cursor names master " + at.master() + " of a Redis Cluster"
                        + " layout that has " + known.masters().size());
            }
            ClusterLayout.Master master = known.masters().get(at.master());
            Step step;
            try {
                step = call("scan", null, true, () -> scanMaster(master, at.position(), params));
            } catch (SessionStoreUnavailableException e) {
                // The master walked may be gone (a failover): the layout is read again, never trusted after this.
                scanLayout = null;
                ClusterLayout now;
                try {
                    now = layoutFor(null);
                } catch (SessionStoreUnavailableException again) {
                    e.addSuppressed(again);
                    throw e;
                }
                if (now.fingerprint().equals(known.fingerprint()) || attempt > 0) {
                    throw e; // the cluster has not noticed (yet): unavailable; every failed step reads the layout again
                }
                if (!starting) {
                    throw topologyChanged(known.fingerprint(), now);
                }
                continue; // a scan that is starting walks the new layout (once)
            }
            ClusterLayout seen = java.util.Objects.requireNonNull(step.layout());
            if (seen.fingerprint().equals(known.fingerprint())) {
                return step;
            }
            scanLayout = seen;
            if (!starting) {
                throw topologyChanged(known.fingerprint(), seen);
            }
            if (attempt > 0) {
                throw StoreFailures.unavailable(
                        server, "scan", null, "the cluster topology is changing (slots moving or a failover)", null);
            }
        }
    }

    /**
     * The layout a cursor names ({@code null}: whatever the cluster has now): the one seen last if it matches, else
     * read again (one {@code CLUSTER SLOTS}).
     *
     * @throws IllegalArgumentException if the cluster's layout is not the cursor's
     */
    private ClusterLayout layoutFor(@Nullable String fingerprint) {
        ClusterLayout known = scanLayout;
        if (known != null && (fingerprint == null || known.fingerprint().equals(fingerprint))) {
            return known;
        }
        known = call("scan", null, true, this::readLayout);
        scanLayout = known;
        if (fingerprint != null && !known.fingerprint().equals(fingerprint)) {
            throw topologyChanged(fingerprint, known);
        }
        return known;
    }

    private static IllegalArgumentException topologyChanged(String was, ClusterLayout now) {
        return new IllegalArgumentException("scan cursor made for another Redis Cluster topology (layout " + was
                + ", now " + now.fingerprint() + ": slots moved or a master changed), where it could miss records:"
                + " start the scan again with a null cursor");
    }

    /** {@code CLUSTER SLOTS}, {@code INFO server} and the {@code SCAN}, pipelined on one connection to {@code master}. */
    private Step scanMaster(ClusterLayout.Master master, String position, ScanParams params) {
        ConnectionPool pool = JedisClients.clusterNodes(jedis).get(master.hostAndPort());
        if (pool == null) {
            // A master the client has not met yet (a replica promoted by a failover): one keyed read on its slot
            // makes the cluster client follow the redirection and renew its slot cache, which adds the master's pool.
            String probe = keyInSlot(master.firstSlot());
            if (probe != null) {
                jedis.get(probe); // GET: in the minimal ACL (EXISTS is not)
            }
            pool = JedisClients.clusterNodes(jedis).get(master.hostAndPort());
        }
        if (pool == null) {
            throw new JedisConnectionException("no connection to master " + master.hostAndPort() + " is known");
        }
        try (Connection connection = pool.getResource()) {
            Pipeline pipeline = new Pipeline(connection);
            Response<Object> slots = pipeline.sendCommand(Protocol.Command.CLUSTER, "SLOTS");
            Response<Object> info = pipeline.sendCommand(Protocol.Command.INFO, "server");
            Response<ScanResult<String>> keys = pipeline.scan(position, params);
            pipeline.sync();
            return new Step(runId(info), keys.get(), layoutOf(slots.get(), master.hostAndPort()));
        }
    }

    /**
     * A key of slot {@code slot} under the store's prefix (so a least-privilege ACL allows it; nothing is stored under
     * it), or null when none is found, as with a prefix whose hash tag pins every key to one slot.
     */
    private @Nullable String keyInSlot(int slot) {
        for (int i = 0; i < 200_000; i++) { // CRC16 spreads them evenly: about 16 384 tries on average
            String candidate = keyPrefix + "slot:" + i;
            if (JedisClusterCRC16.getSlot(candidate) == slot) {
                return candidate;
            }
        }
        return null;
    }

    /** The layout as the first cluster node that answers reports it. */
    private ClusterLayout readLayout() {
        JedisException failure = null;
        for (java.util.Map.Entry<String, ConnectionPool> node :
                JedisClients.clusterNodes(jedis).entrySet()) {
            try (Connection connection = node.getValue().getResource()) {
                return layoutOf(new Jedis(connection).sendCommand(Protocol.Command.CLUSTER, "SLOTS"), node.getKey());
            } catch (JedisException e) {
                failure = e;
            }
        }
        throw failure != null ? failure : new JedisConnectionException("no cluster node is known");
    }

    private ClusterLayout layoutOf(Object reply, String hostAndPort) {
        try {
            return ClusterLayout.of(reply, hostAndPort.substring(0, hostAndPort.lastIndexOf(':')));
        } catch (IllegalStateException e) {
            throw StoreFailures.failed(server, "scan", null, String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * The first {@value ScanCursor#RUN_LENGTH} characters of the server's {@code run_id}, or
     * {@link ScanCursor#UNKNOWN_RUN} when the server refuses {@code INFO} (an ACL without it): then a cursor is not
     * checked against restarts.
     */
    private static String runId(Response<Object> info) {
        Object reply;
        try {
            reply = info.get();
        } catch (JedisDataException e) {
            return ScanCursor.UNKNOWN_RUN;
        }
        String text = reply instanceof byte[] b
                ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(reply);
        for (String line : text.lines().toList()) {
            String id = line.startsWith("run_id:")
                    ? line.substring("run_id:".length()).trim()
                    : "";
            if (id.length() >= ScanCursor.RUN_LENGTH && id.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return id.substring(0, ScanCursor.RUN_LENGTH).toLowerCase(java.util.Locale.ROOT);
            }
        }
        return ScanCursor.UNKNOWN_RUN;
    }

    /** The glob of this store's session keys: the escaped prefix, a two-character bucket tag, {@code s:}, a key. */
    private String scanPattern() {
        return globEscape(keyPrefix) + "{??}s:" + "?".repeat(SessionKey.LENGTH);
    }

    /**
     * The stored texts of {@code keys}: one {@code MGET}; on Cluster one {@code MGET} per bucket (one slot each),
     * pipelined, which reaches the master a page's keys came from in one round trip.
     */
    private List<@Nullable String> values(List<SessionKey> keys) {
        if (!cluster) {
            return jedis.mget(keys.stream().map(this::sessionKey).toArray(String[]::new));
        }
        java.util.Map<Integer, List<Integer>> byBucket = new java.util.TreeMap<>();
        for (int i = 0; i < keys.size(); i++) {
            byBucket.computeIfAbsent(bucket(keys.get(i)), b -> new ArrayList<>())
                    .add(i);
        }
        List<@Nullable String> out = new ArrayList<>(java.util.Collections.nCopies(keys.size(), null));
        java.util.Map<List<Integer>, Response<List<String>>> responses = new java.util.LinkedHashMap<>();
        try (AbstractPipeline pipeline = jedis.pipelined()) {
            for (List<Integer> group : byBucket.values()) {
                responses.put(
                        group,
                        pipeline.mget(
                                group.stream().map(i -> sessionKey(keys.get(i))).toArray(String[]::new)));
            }
            pipeline.sync();
        }
        responses.forEach((group, response) -> {
            List<String> texts = response.get();
            for (int j = 0; j < group.size(); j++) {
                out.set(group.get(j), texts.get(j));
            }
        });
        return out;
    }

    /** The live, decodable records among {@code texts} (aligned with {@code keys}), by this store's clock now. */
    private List<SessionRecord> live(List<SessionKey> keys, List<@Nullable String> texts) {
        Instant now = clock.instant();
        List<SessionRecord> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            @Nullable String text = texts.get(i);
            if (text == null) {
                continue;
            }
            try {
                SessionRecord record = RecordEnvelope.decode(keys.get(i), text);
                if (!record.isExpiredAt(now)) {
                    out.add(record);
                }
            } catch (SessionCodecException e) {
                StoreFailures.skipped(LOG, server, "scan", keys.get(i), e);
            }
        }
        return out;
    }

    private static String globEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** Closes the connections the store opened; a client passed to {@link Builder#client} is left open. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            jedis.close();
        }
    }

    @Override
    public String toString() {
        return "RedisSessionStore[" + server + ", prefix=" + keyPrefix + "]";
    }

    // ---- internals ----

    /** The Redis key of a session: {@code <prefix>{<bucket>}s:<key>}. */
    String sessionKey(SessionKey key) {
        return keyPrefix + tag(bucket(key)) + "s:" + key.value();
    }

    /** The expiry index of {@code key}'s bucket: same hash tag, so same Cluster slot, as the session key. */
    String expiryIndexKey(SessionKey key) {
        return expiryIndexKey(bucket(key));
    }

    /** The expiry index of {@code bucket}: {@code <prefix>{<bucket>}e}. */
    String expiryIndexKey(int bucket) {
        return keyPrefix + tag(bucket) + "e";
    }

    /** A session's bucket: the first byte of its hashed key, base64url-decoded (the first two characters hold it). */
    static int bucket(SessionKey key) {
        return Base64.getUrlDecoder().decode(key.value().substring(0, 4))[0] & 0xff;
    }

    /** The hash tag of a bucket: its number as two lowercase hex digits in braces, {@code {00}} .. {@code {ff}}. */
    private static String tag(int bucket) {
        return "{" + HexFormat.of().toHexDigits((byte) bucket) + "}";
    }

    /** The session key a Redis key of this store names, or null for any other key. */
    private @Nullable SessionKey sessionKeyOf(String redisKey) {
        if (redisKey.length() < SessionKey.LENGTH) {
            return null;
        }
        String member = redisKey.substring(redisKey.length() - SessionKey.LENGTH);
        if (!isKey(member)) {
            return null;
        }
        SessionKey key = new SessionKey(member);
        return sessionKey(key).equals(redisKey) ? key : null;
    }

    /** The Redis key of a principal's index: the principal is hashed so that a key listing does not reveal users. */
    String indexKey(String principal) {
        return keyPrefix + "p:" + SessionKey.hash(principal);
    }

    /** The prefix of every key this store writes. */
    String keyPrefix() {
        return keyPrefix;
    }

    /** The store's clock (the backdoor reads native TTLs in its terms). */
    Clock clock() {
        return clock;
    }

    /** Runs a write script: {@code expectedVersion} is its ARGV[9] (replace; create ignores it). */
    private long write(
            RedisScripts.Script script, SessionRecord record, String token, long expectedVersion, String operation) {
        requireNonNull(token, "token");
        String envelope = RecordEnvelope.encode(record);
        long now = clock.millis();
        long expiresAt = record.expiresAt().toEpochMilli();
        // Relative, on this store's clock: the Redis server's clock must not decide (a node behind it would otherwise
        // write keys Redis already considers expired). At least 1 ms: Redis refuses PX 0.
        String ttl = Long.toString(Math.max(1, expiresAt + graceMillis + retentionMillis - now));
        String trimBefore = Long.toString(now - graceMillis);
        String member = record.key().value();
        List<String> keys = new ArrayList<>(3);
        keys.add(sessionKey(record.key()));
        keys.add(expiryIndexKey(record.key()));
        if (record.principal() != null) {
            String index = indexKey(record.principal());
            if (cluster) {
                // Index first: a stale index entry is harmless (readers verify it), a missing one would hide a session
                // from "log out everywhere".
                call(
                        operation,
                        record.key(),
                        true,
                        () -> RedisScripts.INDEX.run(
                                jedis,
                                List.of(index),
                                List.of(
                                        member,
                                        Long.toString(expiresAt),
                                        trimBefore,
                                        Long.toString(now),
                                        Long.toString(graceMillis))));
            } else {
                keys.add(index);
            }
        }
        List<String> args = new ArrayList<>(10);
        args.add(envelope);
        args.add(Long.toString(now));
        args.add(ttl);
        args.add(member);
        args.add(Long.toString(expiresAt));
        args.add(trimBefore);
        args.add(Long.toString(graceMillis));
        args.add(token);
        args.add(Long.toString(expectedVersion));
        args.add(Long.toString(retentionMillis));
        // Not retried by the store; the cluster executor may re-send it, which the writer token makes harmless.
        return reply(
                operation, record.key(), call(operation, record.key(), false, () -> script.run(jedis, keys, args)));
    }

    private long reply(String operation, SessionKey key, Object reply) {
        if (!(reply instanceof Long result)) {
            throw new SessionException("Unexpected reply from " + server + " to " + operation + " of session "
                    + key.shortForm() + ": " + reply);
        }
        return result;
    }

    private List<@Nullable String> getAll(List<SessionKey> keys) {
        if (!cluster) {
            return jedis.mget(keys.stream().map(this::sessionKey).toArray(String[]::new));
        }
        // Keys of one principal are spread over slots: a pipeline sends them grouped by node.
        List<Response<String>> responses = new ArrayList<>(keys.size());
        try (AbstractPipeline pipeline = jedis.pipelined()) {
            for (SessionKey k : keys) {
                responses.add(pipeline.get(sessionKey(k)));
            }
            pipeline.sync();
        }
        List<@Nullable String> out = new ArrayList<>(responses.size());
        for (Response<String> r : responses) {
            out.add(r.get());
        }
        return out;
    }

    /**
     * Runs one command, translating driver failures. When a connection turns out broken, the other idle connections
     * (which a restarted server broke too) are dropped, and an idempotent command is retried once on a fresh
     * connection. Timeouts are not retried, so a call takes at most about one timeout plus one connect. On Cluster,
     * Jedis itself retries within its attempt budget.
     */
    private <T> T call(String operation, @Nullable SessionKey key, boolean idempotent, Supplier<T> action) {
        try {
            return action.get();
        } catch (JedisConnectionException e) {
            if (cluster || isTimeout(e)) {
                throw translate(operation, key, e);
            }
            clearIdle();
            if (!idempotent) {
                throw translate(operation, key, e);
            }
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: connection broken during {1}, retrying once: {2}",
                    server,
                    operation,
                    e.getMessage());
            try {
                return action.get();
            } catch (JedisException retryFailure) {
                retryFailure.addSuppressed(e);
                throw translate(operation, key, retryFailure);
            }
        } catch (JedisException e) {
            throw translate(operation, key, e);
        }
    }

    private void clearIdle() {
        try {
            clearIdleConnections.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: could not drop idle connections: {1}", server, e.toString());
        }
    }

    private SessionException translate(String operation, @Nullable SessionKey key, JedisException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof JedisConnectionException || e instanceof JedisClusterOperationException) {
            return StoreFailures.unavailable(server, operation, key, "unavailable: " + message, e);
        }
        if (e instanceof JedisDataException && isTransientServerState(message)) {
            return StoreFailures.unavailable(server, operation, key, "cannot serve it now: " + message, e);
        }
        if (message.startsWith("WRONGTYPE")) {
            return new SessionCodecException(
                    "session " + (key == null ? "index" : key.shortForm()) + " is stored as another Redis type: "
                            + message,
                    e);
        }
        return StoreFailures.failed(server, operation, key, message, e);
    }

    private static boolean isTransientServerState(String message) {
        for (String prefix :
                List.of("LOADING", "READONLY", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN", "BUSY", "NOREPLICAS")) {
            if (message.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKey(String member) {
        try {
            new SessionKey(member);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void clearPools(java.util.Collection<?> pools) {
        for (Object p : pools) {
            if (p instanceof GenericObjectPool<?> pool) {
                pool.clear();
            }
        }
    }

    private static JedisClientConfig clientConfig(Builder b) {
        DefaultJedisClientConfig.Builder c = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis(b.connectTimeout))
                .socketTimeoutMillis(millis(b.readTimeout))
                .clientName("sessionkit");
        tls(c, b);
        Optional.ofNullable(b.username).or(() -> RedisUri.user(b.uri)).ifPresent(c::user);
        Optional.ofNullable(b.password).or(() -> RedisUri.password(b.uri)).ifPresent(c::password);
        int database = RedisUri.database(b.uri);
        if (database != 0) {
            c.database(database);
        }
        return c.build();
    }

    /** TLS for a {@code rediss://} URI: the builder's trust and identity, hostname verification on unless switched off. */
    private static void tls(DefaultJedisClientConfig.Builder c, Builder b) {
        JedisClients.ssl(c, b.tlsFactory, b.tls.parameters());
    }

    private static ConnectionPoolConfig poolConfig(Builder b) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(b.poolMaxTotal);
        pool.setMaxIdle(b.poolMaxTotal);
        pool.setMinIdle(b.poolMinIdle);
        pool.setMaxWait(b.poolMaxWait);
        pool.setBlockWhenExhausted(true);
        // A PING per borrow would double the round trips of every request; broken connections are retried instead.
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        return pool;
    }

    private static int millis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, d.toMillis());
    }

    /**
     * Builds a {@link RedisSessionStore}. Exactly one of {@link #uri}, {@link #sentinel}, {@link #cluster} or
     * {@link #client} selects the server (the URI defaults to {@link #DEFAULT_URI}); with Sentinel and Cluster the
     * URI still supplies user, password, TLS ({@code rediss://}) and database.
     */
    public static final class Builder {
        private URI uri = DEFAULT_URI;
        private @Nullable String sentinelMaster;
        private List<HostAndPort> sentinelNodes = List.of();
        private @Nullable String sentinelPassword;
        private List<HostAndPort> clusterNodes = List.of();
        private @Nullable UnifiedJedis client;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private int poolMaxTotal = DEFAULT_POOL_MAX_TOTAL;
        private int poolMinIdle = DEFAULT_POOL_MIN_IDLE;
        private Duration poolMaxWait = DEFAULT_POOL_MAX_WAIT;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private int clusterMaxAttempts = DEFAULT_CLUSTER_MAX_ATTEMPTS;
        private Duration expiredRetention = DEFAULT_EXPIRED_RETENTION;
        private Clock clock = Clock.systemUTC();
        private @Nullable String username;
        private @Nullable String password;
        private RedisTls tls = RedisTls.DEFAULT;
        private @Nullable SSLSocketFactory tlsFactory;

        private Builder() {}

        /**
         * The server, as {@code redis://[[user]:password@]host[:port][/database]}, or {@code rediss://} for TLS.
         *
         * @throws IllegalArgumentException if it is not such a URI
         */
        public Builder uri(URI uri) {
            this.uri = RedisUri.validate(requireNonNull(uri, "uri"));
            return this;
        }

        /** Same as {@link #uri(URI)}. */
        public Builder uri(String uri) {
            return uri(RedisUri.parse(requireNonNull(uri, "uri")));
        }

        /**
         * The user to authenticate as (Redis 6 ACL), given apart from the URI so that it can come from a secret store;
         * the URI must not name one too.
         */
        public Builder username(String username) {
            this.username = nonBlank("username", username);
            return this;
        }

        /**
         * The password, given apart from the URI so that it can come from the environment or a secret store (the URI
         * then carries none); never shown in messages or {@code toString}.
         */
        public Builder password(String password) {
            this.password = nonBlank("password", password);
            return this;
        }

        /**
         * Trusts the certificates of this key store (PKCS#12 or JKS, told apart by content) instead of the JDK's
         * default trust; needs a {@code rediss://} URI. {@code password} may be {@code null} for a store without one.
         */
        public Builder trustStore(Path file, @Nullable String password) {
            this.tls = tls.withTrust(new RedisTls.Store("trustStore", requireNonNull(file, "file"), password));
            return this;
        }

        /** Trusts the CA certificates of this PEM file instead of the JDK's default trust; needs {@code rediss://}. */
        public Builder trustPem(Path caCertificates) {
            this.tls =
                    tls.withTrust(new RedisTls.Pem("trustPem", requireNonNull(caCertificates, "caCertificates"), null));
            return this;
        }

        /** Presents the key and certificate of this key store (PKCS#12 or JKS) for mutual TLS; needs {@code rediss://}. */
        public Builder keyStore(Path file, @Nullable String password) {
            this.tls = tls.withIdentity(new RedisTls.Store("keyStore", requireNonNull(file, "file"), password));
            return this;
        }

        /**
         * Presents this PEM certificate chain (the client's certificate first) and its unencrypted PKCS#8 private key
         * ({@code -----BEGIN PRIVATE KEY-----}) for mutual TLS; needs {@code rediss://}.
         */
        public Builder clientPem(Path certificateChain, Path privateKey) {
            this.tls = tls.withIdentity(new RedisTls.Pem(
                    "clientPem",
                    requireNonNull(certificateChain, "certificateChain"),
                    requireNonNull(privateKey, "privateKey")));
            return this;
        }

        /**
         * Whether the server's certificate must name the host connected to (a DNS name or IP address in its subject
         * alternative names); default {@code true}. Switching it off accepts any certificate the trust accepts, for
         * any host: only for a CA that signs nothing but this Redis.
         */
        public Builder verifyHostname(boolean verify) {
            this.tls = tls.withVerifyHostname(verify);
            return this;
        }

        /** Connects to the master named {@code masterName} as reported by these Sentinels ({@code host:port}). */
        public Builder sentinel(String masterName, List<String> sentinels) {
            requireNonNull(masterName, "masterName");
            requireNonNull(sentinels, "sentinels");
            if (masterName.isBlank() || sentinels.isEmpty()) {
                throw new IllegalArgumentException("a Sentinel master name and at least one Sentinel are required");
            }
            this.sentinelMaster = masterName;
            this.sentinelNodes = hostsAndPorts("sentinels", sentinels, 26379);
            return this;
        }

        /** The password of the Sentinels themselves, if they require one (the master's comes from the URI). */
        public Builder sentinelPassword(String password) {
            this.sentinelPassword = requireNonNull(password, "password");
            return this;
        }

        /** Connects to a Redis Cluster through these seed nodes ({@code host:port}). */
        public Builder cluster(List<String> seedNodes) {
            requireNonNull(seedNodes, "seedNodes");
            if (seedNodes.isEmpty()) {
                throw new IllegalArgumentException("at least one cluster seed node is required");
            }
            this.clusterNodes = hostsAndPorts("seedNodes", seedNodes, 6379);
            return this;
        }

        /**
         * Attempts per command on Redis Cluster; default {@value #DEFAULT_CLUSTER_MAX_ATTEMPTS}. Jedis's cluster
         * executor re-sends a command after a redirection, a connection failure or a read timeout, writes included;
         * each write carries a writer token, so a re-sent write is recognised and never applied twice. A cluster call
         * gives up after about {@code (connectTimeout + readTimeout) * maxAttempts}.
         */
        public Builder clusterMaxAttempts(int attempts) {
            this.clusterMaxAttempts = BuilderChecks.atLeast("clusterMaxAttempts", attempts, 1);
            return this;
        }

        /**
         * A ready client the caller owns and configures (timeouts, pool, TLS): the store uses it and never closes it.
         * A {@code JedisCluster} or (Jedis 7.2+) {@code RedisClusterClient} is recognised as a cluster; any other
         * client must reach one Redis master.
         */
        public Builder client(UnifiedJedis client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * The prefix of every key the store writes; default {@value #DEFAULT_KEY_PREFIX}. No spaces or control
         * characters, and no braces that would make Redis Cluster hash a session key and its bucket's expiry index to
         * different slots (a first <code>{</code> directly followed by <code>}</code>). A prefix with a hash tag of its
         * own (<code>{sk}:</code>) puts every key in one slot.
         */
        public Builder keyPrefix(String prefix) {
            String p = BuilderChecks.keyPrefix("keyPrefix", prefix, Integer.MAX_VALUE);
            for (int b = 0; b < BUCKETS; b++) {
                String t = "{" + HexFormat.of().toHexDigits((byte) b) + "}";
                if (JedisClusterCRC16.getSlot(p + t + "s:x") != JedisClusterCRC16.getSlot(p + t + "e")) {
                    throw BuilderChecks.invalid(
                            "keyPrefix",
                            p,
                            "a prefix whose braces leave each bucket's hash tag in force (no '{}' before any other '{')");
                }
            }
            this.keyPrefix = p;
            return this;
        }

        /** TCP connect timeout, finite and positive; default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = BuilderChecks.positive("connectTimeout", timeout);
            return this;
        }

        /** Time to wait for a reply, finite and positive; default 2 s. */
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = BuilderChecks.positive("readTimeout", timeout);
            return this;
        }

        /** Maximum pooled connections per server; default {@value #DEFAULT_POOL_MAX_TOTAL}. */
        public Builder poolMaxTotal(int max) {
            this.poolMaxTotal = BuilderChecks.atLeast("poolMaxTotal", max, 1);
            return this;
        }

        /** Idle connections kept open per server; default {@value #DEFAULT_POOL_MIN_IDLE}. */
        public Builder poolMinIdle(int min) {
            this.poolMinIdle = BuilderChecks.atLeast("poolMinIdle", min, 0);
            return this;
        }

        /** How long a call waits for a free pooled connection before failing; default 2 s. */
        public Builder poolMaxWait(Duration wait) {
            this.poolMaxWait = BuilderChecks.positive("poolMaxWait", wait);
            return this;
        }

        /** How far past {@code expiresAt} the native Redis expiry is set; default 60 s, may be zero. */
        public Builder expiryGrace(Duration grace) {
            this.expiryGrace = BuilderChecks.expiryGrace("expiryGrace", grace);
            return this;
        }

        /**
         * How long an expired record stays in Redis past {@code expiresAt + expiryGrace}, so that a sweep
         * ({@link RedisSessionStore#claimExpired}) can still claim it and report it with its principal; default 5 min,
         * positive. A session no sweep claims within it leaves Redis unreported. It is also how much longer than the
         * grace an expired session's memory stays in use when nobody sweeps.
         */
        public Builder expiredRetention(Duration retention) {
            this.expiredRetention = BuilderChecks.positive("expiredRetention", retention);
            return this;
        }

        /** The clock for "now" (expiry checks); default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /**
         * Returns the store. A standalone server is connected lazily, by the first command; Sentinel and Cluster seed
         * nodes are asked for the topology now.
         *
         * @throws SessionStoreUnavailableException if no Sentinel or cluster seed node answers
         * @throws IllegalStateException if the Jedis on the class path is not a 7.x (the message names the one found)
         */
        public RedisSessionStore build() {
            JedisVersion.requireSupported();
            int selected =
                    (sentinelMaster != null ? 1 : 0) + (clusterNodes.isEmpty() ? 0 : 1) + (client != null ? 1 : 0);
            if (selected > 1) {
                throw new IllegalArgumentException("choose one of sentinel, cluster or client, not several");
            }
            if (poolMinIdle > poolMaxTotal) {
                throw new IllegalArgumentException(
                        "poolMinIdle (" + poolMinIdle + ") must be <= poolMaxTotal (" + poolMaxTotal + ")");
            }
            if (username != null && RedisUri.user(uri).isPresent()) {
                throw new IllegalArgumentException("username: given apart and in the URI; give it in one place");
            }
            if (password != null && RedisUri.password(uri).isPresent()) {
                throw new IllegalArgumentException("password: given apart and in the URI; give it in one place");
            }
            boolean rediss = "rediss".equalsIgnoreCase(uri.getScheme());
            if (!tls.isDefault() && !rediss) {
                throw new IllegalArgumentException(
                        "trust store, client certificate and hostname verification need a rediss:// URI");
            }
            if (!tls.isDefault() && client != null) {
                throw new IllegalArgumentException("a client passed in brings its own TLS settings");
            }
            if ((username != null || password != null) && client != null) {
                // Accepted silently, the secret would never be sent: the client connects with its own credentials.
                throw new IllegalArgumentException("a client passed in brings its own username and password");
            }
            tlsFactory = rediss && client == null ? tls.socketFactory() : null;
            if (!clusterNodes.isEmpty() && RedisUri.database(uri) != 0) {
                throw new IllegalArgumentException(
                        "Redis Cluster has only database 0, the URI names " + RedisUri.database(uri));
            }
            return new RedisSessionStore(this);
        }

        private static String nonBlank(String setter, String value) {
            if (requireNonNull(value, setter).isBlank()) {
                throw new IllegalArgumentException(setter + ": must not be blank");
            }
            return value;
        }

        private static List<HostAndPort> hostsAndPorts(String setter, List<String> entries, int defaultPort) {
            List<HostAndPort> out = new ArrayList<>();
            for (BuilderChecks.HostPort hp : BuilderChecks.hostPorts(setter, entries, defaultPort)) {
                out.add(new HostAndPort(hp.host(), hp.port()));
            }
            return List.copyOf(out);
        }

        /**
         * Reads the {@code sessionkit.redis.*} keys ({@link RedisSessionStoreProvider}, which documents them) into a new
         * builder, recording a bad value in {@code c} rather than throwing; returns how to build the store.
         */
        static Supplier<SessionStore> fromKeys(ProviderConfig c) {
            Builder b = builder();
            c.common(b::clock, b::connectTimeout, b::expiryGrace);
            c.secret("uri").map(String::trim).filter(u -> !u.isEmpty()).ifPresent(u -> c.apply("uri", u, b::uri));
            Optional<String> master = c.string("sentinel.master");
            List<String> sentinels = c.list("sentinel.nodes");
            List<String> clusterNodes = c.list("cluster.nodes");
            if (master.isPresent() != !sentinels.isEmpty()) {
                c.problem(c.key("sentinel.master") + " and " + c.key("sentinel.nodes")
                        + ": set both for Sentinel mode, or neither");
            } else if (master.isPresent() && !clusterNodes.isEmpty()) {
                c.problem(c.key("sentinel.*") + " and " + c.key("cluster.nodes") + ": choose one mode");
            } else if (master.isPresent()) {
                c.apply("sentinel.nodes", sentinels, nodes -> b.sentinel(master.get(), nodes));
            }
            c.secret("sentinel.password").ifPresent(p -> c.apply("sentinel.password", p, b::sentinelPassword));
            c.string("username", b::username);
            c.secret("password").ifPresent(p -> c.apply("password", p, b::password));
            Optional<String> trustStore = c.string("tls.trust-store");
            Optional<String> trustPassword = c.secret("tls.trust-store-password");
            Optional<String> caFile = c.string("tls.ca-file");
            Optional<String> keyStore = c.string("tls.key-store");
            Optional<String> keyPassword = c.secret("tls.key-store-password");
            Optional<String> certificateFile = c.string("tls.certificate-file");
            Optional<String> keyFile = c.string("tls.key-file");
            if (trustStore.isPresent() && caFile.isPresent()) {
                c.problem(c.key("tls.trust-store") + " and " + c.key("tls.ca-file") + ": choose one");
            }
            trustStore.ifPresent(f -> b.trustStore(Path.of(f), trustPassword.orElse(null)));
            caFile.ifPresent(f -> b.trustPem(Path.of(f)));
            if (keyStore.isPresent() && (certificateFile.isPresent() || keyFile.isPresent())) {
                c.problem(c.key("tls.key-store") + " and " + c.key("tls.certificate-file") + "/" + c.key("tls.key-file")
                        + ": choose one");
            } else if (certificateFile.isPresent() != keyFile.isPresent()) {
                c.problem(c.key("tls.certificate-file") + " and " + c.key("tls.key-file")
                        + ": set both for a client certificate, or neither");
            }
            keyStore.ifPresent(f -> b.keyStore(Path.of(f), keyPassword.orElse(null)));
            if (certificateFile.isPresent() && keyFile.isPresent()) {
                b.clientPem(Path.of(certificateFile.get()), Path.of(keyFile.get()));
            }
            c.bool("tls.verify-hostname", b::verifyHostname);
            if (!clusterNodes.isEmpty()) {
                c.apply("cluster.nodes", clusterNodes, b::cluster);
            }
            c.integer("cluster.max-attempts", b::clusterMaxAttempts);
            c.integer("pool.max-total", b::poolMaxTotal);
            c.integer("pool.min-idle", b::poolMinIdle);
            c.duration("pool.max-wait", b::poolMaxWait);
            c.duration("read-timeout", b::readTimeout);
            c.string("key-prefix", b::keyPrefix);
            c.duration("expired-retention", b::expiredRetention);
            return () -> {
                try {
                    return b.build();
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(c.key("*") + ": " + e.getMessage(), e);
                }
            };
        }
    }
}
