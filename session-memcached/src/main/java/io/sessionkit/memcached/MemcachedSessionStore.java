package io.sessionkit.memcached;

import static java.util.Objects.requireNonNull;

import io.sessionkit.BuilderChecks;
import io.sessionkit.ProviderConfig;
import io.sessionkit.RecordEnvelope;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFailures;
import io.sessionkit.StoreFeature;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.ConnectionObserver;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.BulkFuture;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.ops.OperationStatus;
import net.spy.memcached.ops.StatusCode;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} on one or more memcached servers, through spymemcached with the binary protocol and Ketama
 * consistent hashing. Each session is one item: the key is {@code keyPrefix + hashed key} (always under 250 bytes,
 * printable ASCII without spaces), the value the UTF-8 JSON {@link RecordEnvelope}, flags 0, never compressed.
 *
 * <p>Commands: {@code create} is {@code add}; {@code load} is {@code gets}; {@code replace} is {@code cas}, preceded
 * by a {@code gets} only when this store has not just loaded (or written) that key at that version; {@code delete} is
 * {@code delete}, and its compare-and-set form a binary-protocol {@code delete} with the CAS id (again preceded by a
 * {@code gets} only when the store has none for that version). So a request that loads and changes a session costs two commands, a read-only request one, a new
 * session one.
 *
 * <p>Expiry: the item's exptime is the time from now to {@code expiresAt + expiryGrace}, in whole seconds rounded up
 * and at least 1, relative, so that memcached counts it on its own clock and a node whose clock is off does not write
 * items memcached already considers expired. Only beyond memcached's 30-day limit for relative times is it the
 * absolute Unix time, which memcached compares with its own clock: there a node behind the server by more than the
 * grace loses the session early by the difference. It only collects garbage: {@code load}, {@code replace} and
 * {@code delete} judge expiry by this store's clock.
 *
 * <p>Failures: a server that is down fails calls for its keys at once ({@link FailureMode#Cancel}); a server that does
 * not answer fails them after {@code operationTimeout}. Both surface as {@link SessionStoreUnavailableException}
 * naming the server and the command. Keys never move to another server while one is down, so a session is never
 * silently forked.
 *
 * <p>Principal index ({@link StoreFeature#PRINCIPAL_INDEX}): one item per principal, {@code keyPrefix + "p:" +
 * base64url(SHA-256(principal))}, listing the hashed keys of its sessions ({@link PrincipalIndexItem}), each with the
 * time up to which it covers the session's expiry. It is changed only with {@code gets} + {@code add}/{@code cas}
 * (bounded retries, then {@link SessionStoreUnavailableException}) and always added to <em>before</em> the record is
 * written and removed from <em>after</em>, so a failure in between leaves a stale entry (skipped by readers, dropped
 * later), never a live session missing from it. A write adds or raises an entry when the record gets a principal,
 * changes it, or carries its expiry past the entry's cover (covers are rounded up to {@code principalIndexRefresh},
 * so an active session raises it about once per refresh period); a delete or principal change removes the entry.
 * Every index write drops entries whose cover passed more than {@code expiryGrace} ago; {@link #findByPrincipal} reads
 * the index and then every listed record in one {@code getBulk}, returns only live records whose principal still
 * matches, and drops entries whose record is gone or moved (once they are older than {@code expiryGrace} + 1 min, so
 * that a login whose index entry is written but whose record is not yet is never dropped). At most
 * {@code principalIndexMaxSessions} entries per principal: a login beyond that, once stale entries are dropped, fails.
 * memcached may evict the index item like any other: until each session's next index write, such sessions are not
 * found, and "log out everywhere" misses them (see the module README).
 *
 * <p>What it does not do: survive memcached's eviction (a live session may be evicted under memory pressure and is
 * then gone, as if logged out), persist anything across a memcached restart, rebuild an evicted principal index
 * (memcached cannot enumerate the records that carry the principal), or report expired sessions
 * ({@link StoreFeature#EXPIRY_EVENTS}: memcached cannot enumerate its items, and it drops an expired item silently).
 */
public final class MemcachedSessionStore implements SessionStore {
    /** Servers used when none are configured. */
    public static final String DEFAULT_SERVERS = "127.0.0.1:11211";
    /** How long one command may take before it fails; well under spymemcached's own 2.5 s default. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofMillis(500);
    /** Prefix of every item key. */
    public static final String DEFAULT_KEY_PREFIX = "sk:";
    /** The servers' item size limit in bytes (key + value + header): memcached's default {@code -I 1m}. */
    public static final long DEFAULT_MAX_ITEM_SIZE = 1024 * 1024;
    /** How long {@link Builder#build()} waits for the first connection to every server. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** How long past {@code expiresAt} memcached keeps an item before collecting it. */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofMinutes(1);
    /** The longest wait between attempts to reconnect to a server that went away. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(2);
    /** How many keys' CAS ids the store remembers to save the {@code gets} before a {@code cas}. */
    public static final int DEFAULT_CAS_CACHE_SIZE = 10_000;
    /**
     * After this many consecutive operation timeouts on one server's connection, with no answer in between, the
     * connection is dropped and opened again. spymemcached's own default, about 1 000, leaves a half-open connection
     * (the peer gone without FIN or RST: a dead host, a lost NAT or firewall entry) failing every call for its keys
     * for minutes.
     */
    public static final int DEFAULT_RECONNECT_AFTER_TIMEOUTS = 10;
    /**
     * The most sessions one principal's index holds; beyond it (stale entries dropped first) a login of that principal
     * fails. Lowered to what fits when {@link Builder#maxItemSize} is too small for it (about 15 000 fit in 1 MiB).
     */
    public static final int DEFAULT_PRINCIPAL_INDEX_MAX_SESSIONS = 1000;
    /** The step principal index covers are rounded up to: an active session's entry is rewritten about this often. */
    public static final Duration DEFAULT_PRINCIPAL_INDEX_REFRESH = Duration.ofHours(1);

    /** memcached reads an exptime above 30 days as an absolute Unix time. */
    static final long MAX_RELATIVE_EXPTIME_SECONDS = 60L * 60 * 24 * 30;
    /** memcached's limit on key length in bytes. */
    static final int MAX_KEY_LENGTH = 250;
    /** Longest prefix we accept: a hashed key is 43 characters. */
    static final int MAX_PREFIX_LENGTH = 200;
    /** Bytes memcached adds to key and value when it checks an item against {@code -I}; measured 59, rounded up. */
    static final int ITEM_OVERHEAD = 64;
    /** memcached's smallest allowed {@code -I}. */
    static final long MIN_ITEM_SIZE = 1024;
    /** Bound on retries when the item changes between two of our own commands (races with other writers). */
    private static final int MAX_ATTEMPTS = 8;
    /**
     * Bound on gets/cas rounds on one principal index item: every login of the principal writes it, so concurrent
     * logins contend; each lost round means another writer won, so 64 rounds cover 64 concurrent writers.
     */
    static final int INDEX_MAX_ATTEMPTS = 64;
    /** How much older than the expiry grace an index entry must be before a reader drops it for a missing record. */
    static final Duration INDEX_SETTLE_TIME = Duration.ofMinutes(1);
    /** What the index item key adds to the prefix: {@code p:} and the hashed principal. */
    static final int INDEX_KEY_SUFFIX_LENGTH = 2 + SessionKey.LENGTH;

    private static final System.Logger LOG = System.getLogger("io.sessionkit.memcached");

    private final List<InetSocketAddress> servers;
    private final Duration operationTimeout;
    private final String keyPrefix;
    private final long maxItemSize;
    private final Duration expiryGrace;
    private final Clock clock;
    private final CasTokens casTokens;
    private final int principalIndexMaxSessions;
    private final long principalIndexRefreshMillis;
    private final MemcachedClient client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MemcachedSessionStore(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.operationTimeout = b.operationTimeout;
        this.keyPrefix = b.keyPrefix;
        this.maxItemSize = b.maxItemSize;
        this.expiryGrace = b.expiryGrace;
        this.clock = b.clock;
        this.casTokens = new CasTokens(b.casCacheSize);
        this.principalIndexMaxSessions = b.principalIndexMaxSessions();
        this.principalIndexRefreshMillis = b.principalIndexRefresh.toMillis();
        Set<SocketAddress> everConnected = ConcurrentHashMap.newKeySet();
        CountDownLatch firstConnections = new CountDownLatch(servers.size());
        ConnectionObserver observer = new ConnectionObserver() {
            // CAS ids restart from 1 when a memcached server restarts, so an id remembered from before could match
            // an unrelated item afterwards. Forget them all whenever any connection drops or comes back.
            @Override
            public void connectionEstablished(SocketAddress sa, int reconnectCount) {
                casTokens.clear();
                if (everConnected.add(sa)) {
                    firstConnections.countDown();
                    LOG.log(System.Logger.Level.DEBUG, "memcached {0} connected", describe(sa));
                } else {
                    LOG.log(System.Logger.Level.INFO, "memcached {0} reconnected", describe(sa));
                }
            }

            @Override
            public void connectionLost(SocketAddress sa) {
                casTokens.clear();
                LOG.log(
                        System.Logger.Level.WARNING,
                        "memcached {0} connection lost; its sessions are unavailable until it returns",
                        describe(sa));
            }
        };
        ConnectionFactoryBuilder cf = new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                // Cancel: calls for a dead server fail at once. Retry would queue them until the op timeout, and
                // Redistribute would send them to another server that does not hold the session.
                .setFailureMode(FailureMode.Cancel)
                .setOpTimeout(operationTimeout.toMillis())
                // Never block a request thread waiting for room in a full write queue.
                .setOpQueueMaxBlockTime(operationTimeout.toMillis())
                .setMaxReconnectDelay(Math.max(1, b.maxReconnectDelay.toSeconds()))
                // spymemcached drops a connection once its run of timeouts exceeds (threshold - 2): this makes it N.
                .setTimeoutExceptionThreshold((int) Math.min(Integer.MAX_VALUE, b.reconnectAfterTimeouts + 1L))
                .setDaemon(true)
                .setInitialObservers(List.of(observer));
        try {
            this.client = new MemcachedClient(cf.build(), new ArrayList<>(servers));
        } catch (IOException e) {
            throw new SessionStoreUnavailableException("cannot start the memcached client for " + serverList(), e);
        }
        // spymemcached connects in the background, and FailureMode.Cancel fails every call for a server not yet
        // connected; so wait, briefly and boundedly, for the first connections. A server still down after that is
        // not an error here: its keys fail fast until it comes up.
        try {
            if (!firstConnections.await(b.connectTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                List<String> missing = new ArrayList<>();
                for (InetSocketAddress a : servers) {
                    if (!everConnected.contains(a)) {
                        missing.add(describe(a));
                    }
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "memcached {0} not connected within {1} ms; calls for its keys fail until it is",
                        String.join(",", missing),
                        b.connectTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            client.shutdown(0, TimeUnit.MILLISECONDS);
            throw new SessionStoreUnavailableException("interrupted while connecting to memcached " + serverList(), e);
        }
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.of(StoreFeature.PRINCIPAL_INDEX);
    }

    @Override
    public boolean create(SessionRecord record) {
        requireNonNull(record, "record");
        SessionKey key = record.key();
        byte[] value = encode(record);
        String itemKey = itemKey(key);
        String principal = record.principal();
        if (principal != null) {
            // Index first: if the add below fails, a stale entry is left (harmless), never a live session unlisted.
            indexAdd(principal, key, coverSeconds(record.expiresAt()));
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            OperationFuture<Boolean> add = call(
                    "add",
                    itemKey,
                    key,
                    () -> client.add(itemKey, exptime(record.expiresAt()), value, ByteArrayTranscoder.INSTANCE));
            await(add, "add", itemKey, key);
            StatusCode added = statusOf(add);
            if (added == StatusCode.SUCCESS) {
                remember(record, add);
                return true;
            }
            if (added != StatusCode.ERR_EXISTS && added != StatusCode.ERR_NOT_STORED) {
                throw failed("add", itemKey, key, add, value.length);
            }
            // Something holds the key. Only a live record may block create: an expired one that memcached has not
            // collected yet (its exptime runs expiryGrace past expiresAt) is overwritten with cas.
            CASValue<byte[]> current = gets(itemKey, key);
            if (current == null) {
                continue;
            }
            SessionRecord stored;
            try {
                stored = decode(key, current.getValue());
            } catch (SessionCodecException e) {
                // We cannot tell whether it is live; refuse rather than destroy data we cannot read.
                return false;
            }
            if (!stored.isExpiredAt(clock.instant())) {
                remember(stored, current.getCas());
                return false;
            }
            if (cas(itemKey, key, current.getCas(), record, value) == StatusCode.SUCCESS) {
                return true;
            }
        }
        throw contended("create", itemKey, key);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        requireNonNull(key, "key");
        String itemKey = itemKey(key);
        CASValue<byte[]> current = gets(itemKey, key);
        if (current == null) {
            casTokens.remove(key);
            return Optional.empty();
        }
        SessionRecord record;
        try {
            record = decode(key, current.getValue());
        } catch (SessionCodecException e) {
            casTokens.remove(key);
            throw e;
        }
        if (record.isExpiredAt(clock.instant())) {
            casTokens.remove(key);
            return Optional.empty();
        }
        remember(record, current.getCas());
        return Optional.of(record);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        requireNonNull(record, "record");
        SessionKey key = record.key();
        byte[] value = encode(record);
        String itemKey = itemKey(key);

        return compareAndSet("replace", itemKey, key, expectedVersion, (cas, prior) -> {
            indexBeforeWrite(prior, record);
            StatusCode code = cas(itemKey, key, cas, record, value);
            if (code == StatusCode.SUCCESS) {
                indexAfterWrite(prior, key, record.principal());
            }
            return code;
        });
    }

    @Override
    public void delete(SessionKey key) {
        requireNonNull(key, "key");
        String itemKey = itemKey(key);
        // The principal whose index lists this session: known from this store's last command on the key, else read.
        CasTokens.Token token = casTokens.get(key);
        String principal;
        if (token != null) {
            principal = token.principal();
        } else {
            principal = storedPrincipal(itemKey, key);
        }
        casTokens.remove(key);
        OperationFuture<Boolean> delete = call("delete", itemKey, key, () -> client.delete(itemKey));
        await(delete, "delete", itemKey, key);
        StatusCode code = statusOf(delete);
        if (code != StatusCode.SUCCESS && code != StatusCode.ERR_NOT_FOUND) {
            throw failed("delete", itemKey, key, delete);
        }
        if (principal != null) {
            indexRemoveQuietly(principal, key);
        }
    }

    /** The principal of the record stored under the key (live or not), or null if none, or it cannot be decoded. */
    private @Nullable String storedPrincipal(String itemKey, SessionKey key) {
        CASValue<byte[]> current = gets(itemKey, key);
        if (current == null) {
            return null;
        }
        try {
            return decode(key, current.getValue()).principal();
        } catch (SessionCodecException e) {
            return null;
        }
    }

    /**
     * Compare-and-set delete: memcached's binary {@code delete} carrying a CAS id, which removes the item only if it is
     * unchanged since that id was issued (spymemcached sends it on the binary protocol this store uses; its text
     * protocol has no such command). The id comes from this store's last gets/add/cas of the key at that version,
     * when it has one: then it is one command. Otherwise, or when the item changed since, a {@code gets} first reads
     * what the server holds: absent or expired by this store's clock is GONE, another version is CONFLICT, and nothing
     * is ever removed unless the server confirms it is the item of the expected version.
     */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        requireNonNull(key, "key");
        String itemKey = itemKey(key);
        return compareAndSet("delete", itemKey, key, expectedVersion, (cas, prior) -> {
            StatusCode code = deleteIfUnchanged(itemKey, key, cas);
            String principal = prior.principal();
            if (code == StatusCode.SUCCESS && principal != null) {
                indexRemoveQuietly(principal, key);
            }
            return code;
        });
    }

    /**
     * One compare-and-set on the version, for replace and delete: {@code withCas} sends the command with a CAS id and
     * answers memcached's status. Fast path: the CAS id from this store's last gets/add/cas of the key at that version
     * (memcached accepts it only if the item is unchanged since, i.e. still that version with the expiry we saw, which
     * is checked to be in the future). Otherwise, or when the item changed since, a {@code gets} reads what the server
     * holds: absent or expired by this store's clock is GONE, another version is CONFLICT.
     */
    private ReplaceResult compareAndSet(
            String op, String itemKey, SessionKey key, long expectedVersion, WithCas withCas) {
        CasTokens.Token token = casTokens.get(key);
        if (token != null
                && token.version() == expectedVersion
                && token.expiresAt().isAfter(clock.instant())) {
            ReplaceResult settled =
                    settled(key, withCas.apply(token.cas(), new Prior(token.principal(), token.expiresAt())));
            if (settled != null) {
                return settled;
            }
            // EXISTS: the item changed since we saw it; ask the server what it holds now.
        }
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            CASValue<byte[]> current = gets(itemKey, key);
            if (current == null) {
                casTokens.remove(key);
                return ReplaceResult.GONE;
            }
            SessionRecord stored = decode(key, current.getValue());
            if (stored.isExpiredAt(clock.instant())) {
                casTokens.remove(key);
                return ReplaceResult.GONE;
            }
            if (stored.version() != expectedVersion) {
                remember(stored, current.getCas());
                return ReplaceResult.CONFLICT;
            }
            ReplaceResult settled =
                    settled(key, withCas.apply(current.getCas(), new Prior(stored.principal(), stored.expiresAt())));
            if (settled != null) {
                return settled;
            }
        }
        throw contended(op, itemKey, key);
    }

    /** What the stored record at the expected version held, as far as index upkeep needs it. */
    private record Prior(@Nullable String principal, Instant expiresAt) {}

    /** A command sent with a CAS id, given what the record it replaces held. */
    private interface WithCas {
        StatusCode apply(long cas, Prior prior);
    }

    /**
     * What a command sent with a CAS id answered: OK when it applied, GONE (the CAS id forgotten) when the item is
     * gone, null when the item changed since the id was issued (EXISTS), so that the caller reads it again.
     */
    private @Nullable ReplaceResult settled(SessionKey key, StatusCode status) {
        if (status == StatusCode.SUCCESS) {
            return ReplaceResult.OK;
        }
        if (status == StatusCode.ERR_NOT_FOUND) {
            casTokens.remove(key);
            return ReplaceResult.GONE;
        }
        return null;
    }

    private StatusCode deleteIfUnchanged(String itemKey, SessionKey key, long casId) {
        casTokens.remove(key);
        OperationFuture<Boolean> delete = call("delete", itemKey, key, () -> client.delete(itemKey, casId));
        await(delete, "delete", itemKey, key);
        StatusCode code = statusOf(delete);
        if (code != StatusCode.SUCCESS && code != StatusCode.ERR_NOT_FOUND && code != StatusCode.ERR_EXISTS) {
            throw failed("delete", itemKey, key, delete);
        }
        return code;
    }

    /**
     * Every server answers: one {@code version} command sent to all of them at once (one round trip, in parallel),
     * waiting at most the operation timeout. Better than the default probe {@code gets}, which reaches only the one
     * server its key hashes to, while with consistent hashing each server holds its own share of the sessions. A
     * server the client has lost the connection to fails the check at once, without a command.
     *
     * @throws SessionStoreUnavailableException naming every server that is disconnected or did not answer in time
     */
    @Override
    public void ping() {
        Collection<SocketAddress> down = client.getUnavailableServers();
        if (!down.isEmpty()) {
            throw unavailablePing("not connected to " + describeAll(down), null);
        }
        Map<SocketAddress, String> versions;
        try {
            versions = client.getVersions();
        } catch (IllegalStateException e) {
            throw unavailablePing("the client refused the command (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            // spymemcached wraps an interrupt while waiting in a bare RuntimeException.
            if (e.getCause() instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw unavailablePing("interrupted while waiting", e);
            }
            throw e;
        }
        List<SocketAddress> silent = new ArrayList<>(client.getAvailableServers());
        silent.addAll(client.getUnavailableServers());
        silent.removeAll(versions.keySet());
        if (!silent.isEmpty()) {
            throw unavailablePing(
                    "no answer within " + operationTimeout.toMillis() + " ms from " + describeAll(silent), null);
        }
    }

    private SessionStoreUnavailableException unavailablePing(String why, @Nullable Throwable cause) {
        return StoreFailures.unavailable("memcached " + serverList(), "ping", null, why, cause);
    }

    private static String describeAll(Collection<SocketAddress> addresses) {
        List<String> names = new ArrayList<>();
        for (SocketAddress a : addresses) {
            names.add(describe(a));
        }
        return String.join(",", names);
    }

    /** Shuts the client down, waiting at most the operation timeout for queued commands. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            client.shutdown(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
            casTokens.clear();
        }
    }

    @Override
    public String toString() {
        return "MemcachedSessionStore[" + serverList() + ", prefix=" + keyPrefix + "]";
    }

    // ---- package-private views for tests and the backdoor ----

    /** The item key of a session: {@code keyPrefix + key}, checked against memcached's key rules. */
    String itemKey(SessionKey key) {
        String itemKey = keyPrefix + key.value();
        // Both parts are validated (prefix at build, key by SessionKey); this guards against either rule changing.
        if (itemKey.length() >= MAX_KEY_LENGTH || !isPrintableAscii(itemKey)) {
            throw new IllegalStateException("item key for " + key.shortForm() + " breaks memcached's key rules");
        }
        return itemKey;
    }

    /** The server that holds {@code key}'s item. */
    InetSocketAddress serverFor(SessionKey key) {
        return (InetSocketAddress)
                client.getNodeLocator().getPrimary(itemKey(key)).getSocketAddress();
    }

    List<InetSocketAddress> servers() {
        return servers;
    }

    String keyPrefix() {
        return keyPrefix;
    }

    Clock clock() {
        return clock;
    }

    int principalIndexMaxSessions() {
        return principalIndexMaxSessions;
    }

    int rememberedCasIds() {
        return casTokens.size();
    }

    /**
     * The exptime memcached gets for a record expiring at {@code expiresAt}: seconds from {@code now} to
     * {@code expiresAt + grace}, rounded up and at least 1 (0 would mean "never"); above 30 days, the absolute Unix
     * time in seconds, as memcached reads any larger value that way.
     */
    static int exptime(Instant expiresAt, Duration grace, Instant now) {
        long until = expiresAt.toEpochMilli() + grace.toMillis();
        long seconds = Math.max(1, ceilDiv(until - now.toEpochMilli(), 1000));
        if (seconds <= MAX_RELATIVE_EXPTIME_SECONDS) {
            return (int) seconds;
        }
        return (int) Math.min(ceilDiv(until, 1000), Integer.MAX_VALUE);
    }

    // ---- principal index ----

    /**
     * The live records of {@code principal}: its index item ({@code gets}), then every listed record in one
     * {@code getBulk} (one command per server, in parallel). Only live records whose principal still matches are
     * returned; the index is a hint, the record the truth. Entries found stale are dropped with one {@code cas} (or a
     * {@code delete} with CAS id when none is left), skipped if the index changed meanwhile: a record that is gone or
     * belongs to another principal once the entry is older than {@code expiryGrace} + 1 min (a younger one may be a
     * login whose record is being written), a record expired for longer than the grace. An entry whose live record
     * expires past its cover (written by a client that does not keep the index up) has its cover raised the same way.
     * Undecodable records are skipped and logged.
     *
     * @throws SessionStoreUnavailableException if the index's server or any listed record's server fails: a lookup
     *         never silently leaves out the sessions of a server it could not read
     */
    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        requireNonNull(principal, "principal");
        String indexKey = indexKey(principal);
        CASValue<byte[]> current = gets(indexKey, null);
        if (current == null) {
            return List.of();
        }
        PrincipalIndexItem index = parseIndex(indexKey, current.getValue());
        if (index == null || index.isEmpty()) {
            return List.of();
        }
        List<PrincipalIndexItem.Entry> listed = List.copyOf(index.entries());
        List<String> itemKeys = itemKeys(listed);
        Map<String, byte[]> values = getBulk(indexKey, itemKeys);
        Instant now = clock.instant();
        long nowMillis = now.toEpochMilli();
        long graceMillis = expiryGrace.toMillis();
        long settleMillis = expiryGrace.plus(INDEX_SETTLE_TIME).toMillis();
        List<SessionRecord> found = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < listed.size(); i++) {
            PrincipalIndexItem.Entry e = listed.get(i);
            SessionKey key = new SessionKey(e.key());
            byte[] value = values.get(itemKeys.get(i));
            boolean settled = e.writtenSeconds() * 1000 + settleMillis <= nowMillis;
            if (value == null) {
                if (settled || e.coverSeconds() * 1000 + graceMillis <= nowMillis) {
                    changed |= index.remove(e.key());
                }
                continue;
            }
            SessionRecord record;
            try {
                record = decode(key, value);
            } catch (SessionCodecException ex) {
                StoreFailures.skipped(LOG, "memcached " + server(itemKeys.get(i)), "findByPrincipal", key, ex);
                continue;
            }
            if (!principal.equals(record.principal())) {
                if (settled) {
                    changed |= index.remove(e.key());
                }
                continue;
            }
            if (record.isExpiredAt(now)) {
                if (record.expiresAt().toEpochMilli() + graceMillis <= nowMillis) {
                    changed |= index.remove(e.key());
                }
                continue;
            }
            found.add(record);
            long cover = coverSeconds(record.expiresAt());
            if (cover > e.coverSeconds()) {
                index.raise(new PrincipalIndexItem.Entry(e.key(), cover, e.writtenSeconds()));
                changed = true;
            }
        }
        if (changed) {
            writeIndexOnce(indexKey, current.getCas(), index);
        }
        return List.copyOf(found);
    }

    /** The index item key of a principal: the prefix, {@code p:}, and the hashed principal (never the name itself). */
    String indexKey(String principal) {
        String indexKey = keyPrefix + "p:" + SessionKey.hash(principal);
        if (indexKey.length() >= MAX_KEY_LENGTH || !isPrintableAscii(indexKey)) {
            throw new IllegalStateException("principal index key breaks memcached's key rules");
        }
        return indexKey;
    }

    /** The server that holds {@code principal}'s index item. */
    InetSocketAddress serverForPrincipal(String principal) {
        return (InetSocketAddress)
                client.getNodeLocator().getPrimary(indexKey(principal)).getSocketAddress();
    }

    /**
     * The index cover of a record expiring at {@code expiresAt}: that time rounded up to the next multiple of
     * {@code principalIndexRefresh} since the epoch, in epoch seconds. A write raises an entry only when the cover of
     * its new expiry passes the old one, so an active session rewrites its entry about once per refresh period.
     */
    long coverSeconds(Instant expiresAt) {
        long millis = expiresAt.toEpochMilli();
        long step = principalIndexRefreshMillis;
        long covered = -Math.floorDiv(-millis, step) * step;
        return ceilDiv(covered, 1000);
    }

    /** Before a replace: the new principal's entry added, or raised when the new expiry passes its cover. */
    private void indexBeforeWrite(Prior prior, SessionRecord record) {
        String principal = record.principal();
        if (principal == null) {
            return;
        }
        long cover = coverSeconds(record.expiresAt());
        if (!principal.equals(prior.principal()) || cover > coverSeconds(prior.expiresAt())) {
            indexAdd(principal, record.key(), cover);
        }
    }

    /** After a replace or delete that went through: the old principal's entry removed if the principal changed. */
    private void indexAfterWrite(Prior prior, SessionKey key, @Nullable String newPrincipal) {
        String old = prior.principal();
        if (old != null && !old.equals(newPrincipal)) {
            indexRemoveQuietly(old, key);
        }
    }

    /**
     * Adds {@code key} to {@code principal}'s index with at least {@code cover}, dropping entries whose cover passed
     * more than the grace ago; {@code add} when there is no index item, else {@code cas}, retried while other writers
     * win. At the cap, the listed records are read ({@code getBulk}) to drop entries of sessions that are gone before
     * refusing.
     *
     * @throws SessionException when the principal already has {@code principalIndexMaxSessions} live sessions
     * @throws SessionStoreUnavailableException when the index's server fails, or the item kept changing for
     *         {@value #INDEX_MAX_ATTEMPTS} rounds
     */
    private void indexAdd(String principal, SessionKey key, long cover) {
        String indexKey = indexKey(principal);
        for (int attempt = 0; attempt < INDEX_MAX_ATTEMPTS; attempt++) {
            CASValue<byte[]> current = gets(indexKey, null);
            PrincipalIndexItem index = current == null ? null : parseIndex(indexKey, current.getValue());
            if (index == null) {
                index = new PrincipalIndexItem();
            }
            Instant now = clock.instant();
            index.dropCoveredBefore(now.toEpochMilli(), expiryGrace.toMillis());
            PrincipalIndexItem.Entry old = index.get(key.value());
            long newCover = old == null ? cover : Math.max(cover, old.coverSeconds());
            if (old == null && index.size() >= principalIndexMaxSessions) {
                dropGoneSessions(indexKey, principal, index, now);
                if (index.size() >= principalIndexMaxSessions) {
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "principal index {0} is full ({1} live sessions): login refused",
                            shortIndex(indexKey),
                            index.size());
                    throw new SessionException("memcached " + server(indexKey) + ": principal index "
                            + shortIndex(indexKey) + " already lists " + index.size()
                            + " live sessions, the limit (sessionkit.memcached.principal-index.max-sessions); "
                            + "the session was not written");
                }
            }
            index.put(new PrincipalIndexItem.Entry(key.value(), newCover, ceilDiv(now.toEpochMilli(), 1000)));
            byte[] value = index.toBytes();
            int exptime = exptime(Instant.ofEpochSecond(index.maxCoverSeconds()));
            StatusCode code;
            if (current == null) {
                OperationFuture<Boolean> add = call(
                        "add",
                        indexKey,
                        null,
                        () -> client.add(indexKey, exptime, value, ByteArrayTranscoder.INSTANCE));
                await(add, "add", indexKey, null);
                code = statusOf(add);
                if (code == StatusCode.ERR_NOT_STORED) {
                    code = StatusCode.ERR_EXISTS;
                }
            } else {
                long casId = current.getCas();
                OperationFuture<?> cas = call(
                        "cas",
                        indexKey,
                        null,
                        () -> client.asyncCAS(indexKey, casId, exptime, value, ByteArrayTranscoder.INSTANCE));
                await(cas, "cas", indexKey, null);
                code = statusOf(cas);
            }
            if (code == StatusCode.SUCCESS) {
                return;
            }
            if (code != StatusCode.ERR_EXISTS && code != StatusCode.ERR_NOT_FOUND) {
                throw indexFailed("index write", indexKey, code);
            }
        }
        throw indexKeptChanging(indexKey);
    }

    /**
     * At the cap: drops entries whose record is gone, belongs to another principal (both once settled), or expired
     * longer than the grace ago, reading the records with one {@code getBulk}.
     */
    private void dropGoneSessions(String indexKey, String principal, PrincipalIndexItem index, Instant now) {
        List<PrincipalIndexItem.Entry> listed = List.copyOf(index.entries());
        List<String> itemKeys = itemKeys(listed);
        Map<String, byte[]> values = getBulk(indexKey, itemKeys);
        long nowMillis = now.toEpochMilli();
        long settleMillis = expiryGrace.plus(INDEX_SETTLE_TIME).toMillis();
        for (int i = 0; i < listed.size(); i++) {
            PrincipalIndexItem.Entry e = listed.get(i);
            byte[] value = values.get(itemKeys.get(i));
            boolean settled = e.writtenSeconds() * 1000 + settleMillis <= nowMillis;
            if (value == null) {
                if (settled) {
                    index.remove(e.key());
                }
                continue;
            }
            try {
                SessionRecord record = decode(new SessionKey(e.key()), value);
                if ((settled && !principal.equals(record.principal()))
                        || record.expiresAt().toEpochMilli() + expiryGrace.toMillis() <= nowMillis) {
                    index.remove(e.key());
                }
            } catch (SessionCodecException ex) {
                // Cannot tell; keep the entry.
            }
        }
    }

    /**
     * Removes {@code key} from {@code principal}'s index after its record went or moved: {@code cas}, or a
     * {@code delete} with CAS id when no entry is left. A failure only leaves a stale entry, which readers skip and
     * later writes and lookups drop, so it is logged, not thrown: the record write it follows has happened.
     */
    private void indexRemoveQuietly(String principal, SessionKey key) {
        String indexKey = indexKey(principal);
        try {
            for (int attempt = 0; attempt < INDEX_MAX_ATTEMPTS; attempt++) {
                CASValue<byte[]> current = gets(indexKey, null);
                if (current == null) {
                    return;
                }
                PrincipalIndexItem index = parseIndex(indexKey, current.getValue());
                if (index == null) {
                    return;
                }
                boolean removed = index.remove(key.value());
                int dropped = index.dropCoveredBefore(clock.millis(), expiryGrace.toMillis());
                if (!removed && dropped == 0) {
                    return;
                }
                StatusCode code = writeIndex(indexKey, current.getCas(), index);
                if (code == StatusCode.SUCCESS || code == StatusCode.ERR_NOT_FOUND) {
                    return;
                }
                if (code != StatusCode.ERR_EXISTS) {
                    throw indexFailed("index write", indexKey, code);
                }
            }
            throw indexKeptChanging(indexKey);
        } catch (SessionException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "session {0} left in principal index {1} (readers skip it; it is dropped later): {2}",
                    key.shortForm(),
                    shortIndex(indexKey),
                    e.getMessage());
        }
    }

    /** One attempt to store the index as changed from the item of {@code casId}: cas, or delete it when empty. */
    private StatusCode writeIndex(String indexKey, long casId, PrincipalIndexItem index) {
        if (index.isEmpty()) {
            OperationFuture<Boolean> delete = call("delete", indexKey, null, () -> client.delete(indexKey, casId));
            await(delete, "delete", indexKey, null);
            return statusOf(delete);
        }
        byte[] value = index.toBytes();
        int exptime = exptime(Instant.ofEpochSecond(index.maxCoverSeconds()));
        OperationFuture<?> cas = call(
                "cas",
                indexKey,
                null,
                () -> client.asyncCAS(indexKey, casId, exptime, value, ByteArrayTranscoder.INSTANCE));
        await(cas, "cas", indexKey, null);
        return statusOf(cas);
    }

    /** A lookup's clean-up: one attempt, skipped if the index changed meanwhile; a failure is only logged. */
    private void writeIndexOnce(String indexKey, long casId, PrincipalIndexItem index) {
        try {
            writeIndex(indexKey, casId, index);
        } catch (SessionException e) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "principal index {0}: clean-up skipped: {1}",
                    shortIndex(indexKey),
                    e.getMessage());
        }
    }

    /**
     * The parsed index, or null when the item is not one (written by something else): logged, and then treated as
     * absent, so the next login of the principal overwrites it and lookups find nothing until then.
     */
    private @Nullable PrincipalIndexItem parseIndex(String indexKey, byte[] value) {
        try {
            return PrincipalIndexItem.parse(value);
        } catch (IllegalArgumentException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "principal index {0} cannot be read ({1}); treated as empty",
                    shortIndex(indexKey),
                    e.getMessage());
            return null;
        }
    }

    /** The listed records' values by item key (absent ones left out): one command per server, in parallel. */
    private Map<String, byte[]> getBulk(String indexKey, List<String> itemKeys) {
        BulkFuture<Map<String, byte[]>> bulk;
        try {
            bulk = client.asyncGetBulk(itemKeys, ByteArrayTranscoder.INSTANCE);
        } catch (IllegalStateException e) {
            throw indexUnavailable("getBulk", indexKey, "the client refused the command (" + e.getMessage() + ")", e);
        }
        try {
            return bulk.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            bulk.cancel(true);
            throw indexUnavailable("getBulk", indexKey, "no answer within " + operationTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            bulk.cancel(true);
            throw indexUnavailable("getBulk", indexKey, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof CancellationException
                    ? "a server is down (command cancelled, not queued)"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            throw indexUnavailable("getBulk", indexKey, why, cause);
        } catch (CancellationException e) {
            throw indexUnavailable("getBulk", indexKey, "a server is down (command cancelled, not queued)", e);
        }
    }

    private SessionStoreUnavailableException indexFailed(String command, String indexKey, StatusCode code) {
        return indexUnavailable(command, indexKey, String.valueOf(code), null);
    }

    /** The item keys of the sessions {@code listed} names, in its order (for one {@code getBulk}). */
    private List<String> itemKeys(List<PrincipalIndexItem.Entry> listed) {
        List<String> itemKeys = new ArrayList<>(listed.size());
        for (PrincipalIndexItem.Entry e : listed) {
            itemKeys.add(itemKey(new SessionKey(e.key())));
        }
        return itemKeys;
    }

    /** An index write that found the item changed between {@code gets} and {@code cas} on every attempt. */
    private SessionStoreUnavailableException indexKeptChanging(String indexKey) {
        return indexUnavailable(
                "index write",
                indexKey,
                "gave up after " + INDEX_MAX_ATTEMPTS + " attempts: the item kept changing between gets and cas",
                null);
    }

    private SessionStoreUnavailableException indexUnavailable(
            String command, String indexKey, String why, @Nullable Throwable cause) {
        return StoreFailures.unavailable(
                "memcached " + server(indexKey),
                command + " of principal index " + shortIndex(indexKey),
                null,
                why,
                cause);
    }

    /** {@code p:} and the first 8 characters of the hashed principal, for logs and errors. */
    private String shortIndex(String indexKey) {
        int at = keyPrefix.length() + 2;
        return "p:" + indexKey.substring(at, Math.min(indexKey.length(), at + 8));
    }

    // ---- internals ----

    private int exptime(Instant expiresAt) {
        return exptime(expiresAt, expiryGrace, clock.instant());
    }

    private StatusCode cas(String itemKey, SessionKey key, long casId, SessionRecord record, byte[] value) {
        OperationFuture<?> cas = call(
                "cas",
                itemKey,
                key,
                () -> client.asyncCAS(
                        itemKey, casId, exptime(record.expiresAt()), value, ByteArrayTranscoder.INSTANCE));
        await(cas, "cas", itemKey, key);
        StatusCode code = statusOf(cas);
        if (code == StatusCode.SUCCESS) {
            remember(record, cas);
        } else if (code != StatusCode.ERR_EXISTS && code != StatusCode.ERR_NOT_FOUND) {
            throw failed("cas", itemKey, key, cas, value.length);
        }
        return code;
    }

    private @Nullable CASValue<byte[]> gets(String itemKey, @Nullable SessionKey key) {
        OperationFuture<CASValue<byte[]>> gets =
                call("gets", itemKey, key, () -> client.asyncGets(itemKey, ByteArrayTranscoder.INSTANCE));
        CASValue<byte[]> value = await(gets, "gets", itemKey, key);
        if (value == null) {
            StatusCode code = statusOf(gets);
            if (code != StatusCode.SUCCESS && code != StatusCode.ERR_NOT_FOUND) {
                throw failed("gets", itemKey, key, gets);
            }
        }
        return value;
    }

    /**
     * The envelope bytes, refused before any write if the item would exceed {@code maxItemSize}: memcached counts the
     * key and {@value #ITEM_OVERHEAD} bytes of header (measured: 59 on 1.6) against its {@code -I} limit, so a
     * max-item-size equal to the server's {@code -I} means every value this store sends is one the server takes.
     */
    private byte[] encode(SessionRecord record) {
        byte[] value = RecordEnvelope.encode(record).getBytes(StandardCharsets.UTF_8);
        long limit = maxItemSize - itemKey(record.key()).length() - ITEM_OVERHEAD;
        if (value.length > limit) {
            throw new SessionTooLargeException(
                    "session " + record.key().shortForm() + " does not fit in a memcached item of " + maxItemSize
                            + " bytes",
                    value.length,
                    limit);
        }
        return value;
    }

    private static SessionRecord decode(SessionKey key, byte[] value) {
        return RecordEnvelope.decode(key, new String(value, StandardCharsets.UTF_8));
    }

    private void remember(SessionRecord record, long casId) {
        casTokens.put(
                record.key(), new CasTokens.Token(record.version(), casId, record.expiresAt(), record.principal()));
    }

    /** Remembers the CAS id memcached returned for our own write; forgets the key if it returned none. */
    private void remember(SessionRecord record, OperationFuture<?> write) {
        Long casId = null;
        try {
            casId = write.getCas();
        } catch (UnsupportedOperationException e) {
            // spymemcached reports no CAS id for this write; the next replace will gets first.
        }
        if (casId != null && casId != 0) {
            remember(record, casId);
        } else {
            casTokens.remove(record.key());
        }
    }

    private interface Command<T> {
        T start();
    }

    /** Starts a command, turning the client's refusals (shut down, full queue) into unavailability. */
    private <T> T call(String command, String itemKey, @Nullable SessionKey key, Command<T> start) {
        try {
            return start.start();
        } catch (IllegalStateException e) {
            throw unavailable(command, itemKey, key, "the client refused the command (" + e.getMessage() + ")", e);
        }
    }

    private <T> T await(OperationFuture<T> future, String command, String itemKey, @Nullable SessionKey key) {
        try {
            return future.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel();
            throw unavailable(command, itemKey, key, "no answer within " + operationTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel();
            throw unavailable(command, itemKey, key, "interrupted while waiting", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof CancellationException
                    ? "server is down (command cancelled, not queued)"
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            throw unavailable(command, itemKey, key, why, cause);
        } catch (CancellationException e) {
            throw unavailable(command, itemKey, key, "server is down (command cancelled, not queued)", e);
        }
    }

    private static StatusCode statusOf(OperationFuture<?> future) {
        OperationStatus status = future.getStatus();
        if (status == null || status.getStatusCode() == null) {
            return StatusCode.ERR_CLIENT;
        }
        return status.getStatusCode();
    }

    private RuntimeException failed(
            String command, String itemKey, @Nullable SessionKey key, OperationFuture<?> future) {
        return failed(command, itemKey, key, future, -1);
    }

    private RuntimeException failed(
            String command, String itemKey, @Nullable SessionKey key, OperationFuture<?> future, long size) {
        OperationStatus status = future.getStatus();
        StatusCode code = status == null ? null : status.getStatusCode();
        if (code == StatusCode.ERR_2BIG && key != null) {
            // The server's item limit (-I) is below the configured max-item-size, or the item overhead tipped it over.
            return new SessionTooLargeException(
                    "session " + key.shortForm() + " refused by memcached " + server(itemKey)
                            + " as too large; set sessionkit.memcached.max-item-size to the server's -I",
                    size,
                    maxItemSize);
        }
        String message = status == null ? "no status" : code + " " + status.getMessage();
        return unavailable(command, itemKey, key, message, null);
    }

    private SessionStoreUnavailableException unavailable(
            String command, String itemKey, @Nullable SessionKey key, String why, @Nullable Throwable cause) {
        return StoreFailures.unavailable("memcached " + server(itemKey), command, key, why, cause);
    }

    private SessionStoreUnavailableException contended(String command, String itemKey, SessionKey key) {
        return unavailable(
                command,
                itemKey,
                key,
                "gave up after " + MAX_ATTEMPTS + " attempts: the item kept changing between gets and cas",
                null);
    }

    private String server(String itemKey) {
        try {
            return describe(client.getNodeLocator().getPrimary(itemKey).getSocketAddress());
        } catch (RuntimeException e) {
            return serverList();
        }
    }

    private String serverList() {
        List<String> names = new ArrayList<>();
        for (InetSocketAddress a : servers) {
            names.add(describe(a));
        }
        return String.join(",", names);
    }

    private static String describe(SocketAddress sa) {
        if (sa instanceof InetSocketAddress a) {
            return a.getHostString() + ":" + a.getPort();
        }
        return String.valueOf(sa);
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static long ceilDiv(long x, long y) {
        return -Math.floorDiv(-x, y);
    }

    /**
     * Parses {@code host:port,host:port} ({@code [::1]:11211} for IPv6 literals), resolving host names now.
     *
     * @throws IllegalArgumentException describing the bad entry
     */
    static List<InetSocketAddress> parseServers(String hostPorts) {
        requireNonNull(hostPorts, "servers");
        List<InetSocketAddress> out = new ArrayList<>();
        for (BuilderChecks.HostPort hp : BuilderChecks.hostPorts("servers", List.of(hostPorts.split(",")), 0)) {
            out.add(new InetSocketAddress(hp.host(), hp.port()));
        }
        return List.copyOf(out);
    }

    /** Options for a {@link MemcachedSessionStore}; every one has a documented default. Not thread-safe. */
    public static final class Builder {
        // Empty until set (servers(...) refuses an empty list): the default is parsed, and resolved, only at build.
        private List<InetSocketAddress> servers = List.of();
        private Duration operationTimeout = DEFAULT_OPERATION_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private long maxItemSize = DEFAULT_MAX_ITEM_SIZE;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
        private int casCacheSize = DEFAULT_CAS_CACHE_SIZE;
        private int reconnectAfterTimeouts = DEFAULT_RECONNECT_AFTER_TIMEOUTS;
        private int principalIndexMaxSessions = 0; // 0: the default, lowered to what fits in maxItemSize
        private Duration principalIndexRefresh = DEFAULT_PRINCIPAL_INDEX_REFRESH;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The servers as {@code host:port,host:port}; default {@value #DEFAULT_SERVERS}. */
        public Builder servers(String hostPorts) {
            this.servers = parseServers(hostPorts);
            return this;
        }

        /** The servers; at least one. Keys are spread over them by Ketama consistent hashing. */
        public Builder servers(Collection<InetSocketAddress> servers) {
            requireNonNull(servers, "servers");
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("servers must not be empty");
            }
            servers.forEach(s -> requireNonNull(s, "server"));
            this.servers = List.copyOf(servers);
            return this;
        }

        /** How long one command may take; positive and finite; default 500 ms. */
        public Builder operationTimeout(Duration timeout) {
            this.operationTimeout = BuilderChecks.positive("operationTimeout", timeout);
            return this;
        }

        /**
         * How long {@link #build()} waits for the first connection to every server; positive and finite; default 1 s.
         * A server not connected by then does not fail the build: calls for its keys fail until it connects.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = BuilderChecks.positive("connectTimeout", timeout);
            return this;
        }

        /**
         * The item key prefix; printable ASCII without spaces, at most 200 characters, so that prefix plus the
         * 43-character hashed key stays under memcached's 250-byte limit; default {@value #DEFAULT_KEY_PREFIX}.
         */
        public Builder keyPrefix(String prefix) {
            this.keyPrefix = BuilderChecks.keyPrefix("keyPrefix", prefix, MAX_PREFIX_LENGTH);
            return this;
        }

        /**
         * The servers' item size limit ({@code memcached -I}) in bytes, at least 1024; a record whose item (key, value
         * and memcached's header) would exceed it fails with SessionTooLargeException before anything is sent;
         * default 1 MiB, memcached's default.
         */
        public Builder maxItemSize(long bytes) {
            if (bytes < MIN_ITEM_SIZE) {
                throw BuilderChecks.invalid(
                        "maxItemSize", bytes, "at least " + MIN_ITEM_SIZE + " bytes (memcached's smallest -I)");
            }
            this.maxItemSize = bytes;
            return this;
        }

        /** How long past {@code expiresAt} memcached keeps an item; zero or more; default 1 minute. */
        public Builder expiryGrace(Duration grace) {
            this.expiryGrace = BuilderChecks.expiryGrace("expiryGrace", grace);
            return this;
        }

        /** The longest wait between reconnect attempts to a lost server, whole seconds, at least 1 s; default 2 s. */
        public Builder maxReconnectDelay(Duration delay) {
            this.maxReconnectDelay = BuilderChecks.between(
                    "maxReconnectDelay",
                    delay,
                    Duration.ofSeconds(1),
                    BuilderChecks.MAX_TIMEOUT,
                    "(spymemcached counts whole seconds)");
            return this;
        }

        /**
         * After how many consecutive operation timeouts on a server's connection, with no answer in between, the
         * connection is dropped and reopened (calls for that server's keys fail at once until it is back, within
         * {@link #maxReconnectDelay}); at least 1; default {@value #DEFAULT_RECONNECT_AFTER_TIMEOUTS}. This is what
         * ends a half-open connection, whose peer vanished without FIN: nothing else would notice it. Lower: faster
         * recovery from a dead connection, but a slow server is reconnected to sooner, for nothing.
         */
        public Builder reconnectAfterTimeouts(int timeouts) {
            this.reconnectAfterTimeouts = BuilderChecks.atLeast("reconnectAfterTimeouts", timeouts, 1);
            return this;
        }

        /**
         * How many keys' CAS ids to remember so that a replace after a load needs no second {@code gets}; 0 turns it
         * off (every replace is then {@code gets} + {@code cas}); default 10 000.
         */
        public Builder casCacheSize(int entries) {
            this.casCacheSize = BuilderChecks.atLeast("casCacheSize", entries, 0);
            return this;
        }

        /**
         * The most sessions one principal's index lists, at least 1; a login beyond it, once entries of sessions that
         * are gone are dropped, fails with a {@link SessionException} and writes nothing. Each entry takes at most
         * {@value PrincipalIndexItem#MAX_ENTRY_BYTES} bytes of the index item, which must fit in
         * {@link #maxItemSize}; default {@value #DEFAULT_PRINCIPAL_INDEX_MAX_SESSIONS}, or what fits when less.
         */
        public Builder principalIndexMaxSessions(int sessions) {
            this.principalIndexMaxSessions = BuilderChecks.atLeast("principalIndexMaxSessions", sessions, 1);
            return this;
        }

        /**
         * The step principal index covers are rounded up to, whole seconds, 1 s to 30 days: a session's entry is
         * rewritten (one {@code gets} + {@code cas} on the index) when a write carries its expiry into a later step,
         * so about once per step for an active session; a larger step costs fewer index writes, and an entry then
         * outlives its session by up to one step plus the grace before writes drop it (lookups skip it at once).
         * After an eviction of the index, a session not logged in, rotated or moved since reappears in it at the
         * latest at its first write one step on. Default 1 hour.
         */
        public Builder principalIndexRefresh(Duration step) {
            Duration checked = BuilderChecks.between(
                    "principalIndexRefresh",
                    step,
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(MAX_RELATIVE_EXPTIME_SECONDS),
                    "(whole seconds)");
            if (checked.toMillis() % 1000 != 0) {
                throw BuilderChecks.invalid("principalIndexRefresh", step, "whole seconds");
            }
            this.principalIndexRefresh = checked;
            return this;
        }

        /** How many entries fit in a principal index item under {@link #maxItemSize}. */
        private int principalIndexFit() {
            long room = maxItemSize
                    - ITEM_OVERHEAD
                    - keyPrefix.length()
                    - INDEX_KEY_SUFFIX_LENGTH
                    - PrincipalIndexItem.maxValueBytes(0);
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, room / PrincipalIndexItem.MAX_ENTRY_BYTES));
        }

        private int principalIndexMaxSessions() {
            int fit = principalIndexFit();
            if (principalIndexMaxSessions == 0) {
                return Math.max(1, Math.min(DEFAULT_PRINCIPAL_INDEX_MAX_SESSIONS, fit));
            }
            if (principalIndexMaxSessions > fit) {
                throw BuilderChecks.invalid(
                        "principalIndexMaxSessions",
                        principalIndexMaxSessions,
                        "at most " + fit + ", what fits in an item of maxItemSize " + maxItemSize + " bytes ("
                                + PrincipalIndexItem.MAX_ENTRY_BYTES + " bytes per session)");
            }
            return principalIndexMaxSessions;
        }

        /** The clock for expiry decisions; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /**
         * Creates the store and starts connecting in the background; a server that is down now is retried, and
         * calls for its keys fail until it is up.
         */
        public MemcachedSessionStore build() {
            if (servers.isEmpty()) {
                servers = parseServers(DEFAULT_SERVERS);
            }
            return new MemcachedSessionStore(this);
        }

        /**
         * Reads the {@code sessionkit.memcached.*} keys ({@link MemcachedSessionStoreProvider}, which documents them) into a new
         * builder, recording a bad value in {@code c} rather than throwing; returns how to build the store.
         */
        static Supplier<SessionStore> fromKeys(ProviderConfig c) {
            Builder b = builder();
            c.common(b::clock, b::connectTimeout, b::expiryGrace);
            c.string("servers", b::servers);
            c.duration("operation-timeout", b::operationTimeout);
            c.string("key-prefix", b::keyPrefix);
            c.bytes("max-item-size", b::maxItemSize);
            c.duration("max-reconnect-delay", b::maxReconnectDelay);
            c.integer("cas-cache-size", b::casCacheSize);
            c.integer("reconnect-after-timeouts", b::reconnectAfterTimeouts);
            c.integer("principal-index.max-sessions", b::principalIndexMaxSessions);
            c.duration("principal-index.refresh", b::principalIndexRefresh);
            if (b.principalIndexMaxSessions != 0) {
                // Whether it fits depends on max-item-size and key-prefix too: checked once all are read.
                c.apply("principal-index.max-sessions", b, Builder::principalIndexMaxSessions);
            }
            return b::build;
        }
    }
}
