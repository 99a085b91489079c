package io.sessionkit.memcached;

import static java.util.Objects.requireNonNull;

import io.sessionkit.BuilderChecks;
import io.sessionkit.ProviderConfig;
import io.sessionkit.RecordEnvelope;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionCodecException;
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
 * <p>What it does not do: survive memcached's eviction (a live session may be evicted under memory pressure and is
 * then gone, as if logged out), persist anything across a memcached restart, or find sessions by principal (memcached
 * cannot scan, and an index item could itself be evicted, so "log out everywhere" would silently miss sessions), or
 * report expired sessions ({@link StoreFeature#EXPIRY_EVENTS}: memcached cannot enumerate its items, and it drops an
 * expired item silently). {@link #features()} is empty.
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

    private static final System.Logger LOG = System.getLogger("io.sessionkit.memcached");

    private final List<InetSocketAddress> servers;
    private final Duration operationTimeout;
    private final String keyPrefix;
    private final long maxItemSize;
    private final Duration expiryGrace;
    private final Clock clock;
    private final CasTokens casTokens;
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
        return Set.of();
    }

    @Override
    public boolean create(SessionRecord record) {
        requireNonNull(record, "record");
        SessionKey key = record.key();
        byte[] value = encode(record);
        String itemKey = itemKey(key);
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

        return compareAndSet("replace", itemKey, key, expectedVersion, cas -> cas(itemKey, key, cas, record, value));
    }

    @Override
    public void delete(SessionKey key) {
        requireNonNull(key, "key");
        String itemKey = itemKey(key);
        casTokens.remove(key);
        OperationFuture<Boolean> delete = call("delete", itemKey, key, () -> client.delete(itemKey));
        await(delete, "delete", itemKey, key);
        StatusCode code = statusOf(delete);
        if (code != StatusCode.SUCCESS && code != StatusCode.ERR_NOT_FOUND) {
            throw failed("delete", itemKey, key, delete);
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
        return compareAndSet("delete", itemKey, key, expectedVersion, cas -> deleteIfUnchanged(itemKey, key, cas));
    }

    /**
     * One compare-and-set on the version, for replace and delete: {@code withCas} sends the command with a CAS id and
     * answers memcached's status. Fast path: the CAS id from this store's last gets/add/cas of the key at that version
     * (memcached accepts it only if the item is unchanged since, i.e. still that version with the expiry we saw, which
     * is checked to be in the future). Otherwise, or when the item changed since, a {@code gets} reads what the server
     * holds: absent or expired by this store's clock is GONE, another version is CONFLICT.
     */
    private ReplaceResult compareAndSet(
            String op,
            String itemKey,
            SessionKey key,
            long expectedVersion,
            java.util.function.LongFunction<StatusCode> withCas) {
        CasTokens.Token token = casTokens.get(key);
        if (token != null
                && token.version() == expectedVersion
                && token.expiresAt().isAfter(clock.instant())) {
            ReplaceResult settled = settled(key, withCas.apply(token.cas()));
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
            ReplaceResult settled = settled(key, withCas.apply(current.getCas()));
            if (settled != null) {
                return settled;
            }
        }
        throw contended(op, itemKey, key);
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

    private CASValue<byte[]> gets(String itemKey, SessionKey key) {
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
        casTokens.put(record.key(), new CasTokens.Token(record.version(), casId, record.expiresAt()));
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
    private <T> T call(String command, String itemKey, SessionKey key, Command<T> start) {
        try {
            return start.start();
        } catch (IllegalStateException e) {
            throw unavailable(command, itemKey, key, "the client refused the command (" + e.getMessage() + ")", e);
        }
    }

    private <T> T await(OperationFuture<T> future, String command, String itemKey, SessionKey key) {
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

    private RuntimeException failed(String command, String itemKey, SessionKey key, OperationFuture<?> future) {
        return failed(command, itemKey, key, future, -1);
    }

    private RuntimeException failed(
            String command, String itemKey, SessionKey key, OperationFuture<?> future, long size) {
        OperationStatus status = future.getStatus();
        StatusCode code = status == null ? null : status.getStatusCode();
        if (code == StatusCode.ERR_2BIG) {
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
            String command, String itemKey, SessionKey key, String why, @Nullable Throwable cause) {
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
         * How many keys' CAS ids to remember so that a replace after a load needs no second {@code gets}; 0 turns it
         * off (every replace is then {@code gets} + {@code cas}); default 10 000.
         */
        public Builder casCacheSize(int entries) {
            this.casCacheSize = BuilderChecks.atLeast("casCacheSize", entries, 0);
            return this;
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
            return b::build;
        }
    }
}
