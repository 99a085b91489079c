package io.sessionkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The façade applications use: create, find, save, update, rotate and invalidate sessions on one
 * {@link SessionStore}. All policy lives here, once, for every backend: expiry, lazy touch, deltas and
 * compare-and-set retries, rotation, size limits, the attribute codec and what to do with undecodable records.
 *
 * <p>Round trips to the store per request: a read-only request inside the touch interval costs 1 ({@link #find});
 * a request that changes the session costs 2 ({@link #find} + one compare-and-set in {@link #save}); a new session
 * costs 1 (the insert in {@link #save}). Conflicts add a reload and a retry each.
 *
 * <p>Thread-safe. {@link Session} objects are not: each belongs to one request. Writers of one session within this
 * manager take turns (a fair per-session lock), so compare-and-set retries are spent only on writers elsewhere.
 *
 * <pre>{@code
 * SessionManager sessions = SessionManager.open(SessionKitConfig.fromEnvironment()); // sessionkit.store=redis …
 * Session s = sessions.find(cookieValue).orElseGet(sessions::create);
 * s.setAttribute("cart", List.of("apple", "pear"));
 * sessions.save(s);                                   // then send s.id().value() back in the cookie
 * }</pre>
 */
public final class SessionManager implements AutoCloseable {
    static final System.Logger LOG = System.getLogger("io.sessionkit");

    /** Default {@code sessionkit.max-session-size}: 256 KiB of encoded attributes. */
    public static final long DEFAULT_MAX_SESSION_SIZE = 256 * 1024;
    /** Default {@code sessionkit.max-retries}: compare-and-set attempts after the first, before giving up. */
    public static final int DEFAULT_MAX_RETRIES = 20;

    /** Default {@code sessionkit.sweep.interval}: how often this node collects expired records; zero = never. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);
    /** Default {@code sessionkit.sweep.batch-size}: expired records claimed per store call. */
    public static final int DEFAULT_SWEEP_BATCH_SIZE = 1000;
    /** Default {@code sessionkit.sweep.lease}: how long a claim on expired records holds before others may retake it. */
    public static final Duration DEFAULT_SWEEP_LEASE = Duration.ofMinutes(2);
    /** Default {@code sessionkit.events.queue-capacity}: request-path events waiting for delivery. */
    public static final int DEFAULT_EVENT_QUEUE_CAPACITY = 10_000;

    private static final int IMMEDIATE_RETRIES = 3;

    private final SessionStore userStore;
    private final SessionStore store;
    private final SessionObserver observer;
    private final EventDispatcher events;
    private final Sweeper sweeper;
    private final Clock clock;
    private final ExpiryPolicy policy;
    private final AttributeCodec codec;
    private final DecodeFailurePolicy decodeFailurePolicy;
    private final long maxSessionSize;
    private final int maxRetries;
    private final boolean ownsStore;
    private final KeyLocks locks = new KeyLocks();

    private SessionManager(Builder b) {
        SessionStore given = Objects.requireNonNull(b.store, "store");
        SessionEncryption encryption = b.encryption;
        if (encryption != null && given instanceof EncryptingStore) {
            if (!b.encryptionFromConfig) {
                throw new IllegalStateException(
                        "the store is encrypted already (sessionkit.encryption.*): set encryption once");
            }
            // Opened by SessionStores.open from the same configuration: encrypted once already.
            encryption = null;
        }
        this.userStore = encryption == null ? given : encryption.wrap(given);
        this.observer = b.observer;
        this.store = observer == SessionObserver.NONE ? userStore : new ObservedStore(userStore, observer);
        this.events = new EventDispatcher(b.listeners, observer, b.eventQueueCapacity);
        this.clock = b.clock;
        this.policy = b.policy;
        this.codec = b.codec;
        this.decodeFailurePolicy = b.decodeFailurePolicy;
        this.maxSessionSize = b.maxSessionSize;
        this.maxRetries = b.maxRetries;
        this.ownsStore = b.ownsStore;
        this.sweeper = new Sweeper(store, observer, events, b.sweepInterval, b.sweepBatchSize, b.sweepLease);
    }

    /** A builder over a store the caller owns (closing the manager does not close it, unless told to). */
    public static Builder builder(SessionStore store) {
        return new Builder().store(store);
    }

    /**
     * Opens the store named by {@code sessionkit.store} (see {@link SessionStores}) and applies the policy keys
     * listed in {@link SessionKitConfig}. The manager owns the store and closes it.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    public static SessionManager open(SessionKitConfig config) {
        Builder b = policyFrom(config);
        return b.store(SessionStores.open(config)).closeStoreOnClose(true).build();
    }

    /**
     * As {@link #open(SessionKitConfig)}, with {@code customizer} given the builder first, which then holds the policy
     * keys of {@code config}: for what configuration cannot say, such as an {@linkplain Builder#observer observer} and
     * {@linkplain Builder#listener listeners} that must be there from the start, or an injected clock. The store is
     * opened after the customizer returns (so a customizer that throws opens nothing) and replaces any store it set;
     * the manager owns it and closes it.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    public static SessionManager open(SessionKitConfig config, java.util.function.Consumer<Builder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        Builder b = policyFrom(config);
        customizer.accept(b);
        return b.store(SessionStores.open(config)).closeStoreOnClose(true).build();
    }

    /**
     * A builder holding the policy keys of {@code config} listed in {@link SessionKitConfig} (expiry, limits, codec,
     * sweep, events) and its clock, with no store yet: for integrations that build the store themselves, for example
     * on a connection the application already has, and read everything else from the same configuration as
     * {@link #open} does. Unlike {@link #open} it opens nothing and does not look at {@code sessionkit.store}; set the
     * store with {@link Builder#store}, and {@link Builder#closeStoreOnClose} if the manager is to own it.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    public static Builder builder(SessionKitConfig config) {
        Builder b = policyFrom(Objects.requireNonNull(config, "config"));
        b.encryption = SessionEncryption.fromConfig(config).orElse(null);
        b.encryptionFromConfig = true;
        return b;
    }

    /** A builder holding the policy keys of {@code config} (no store yet). */
    static Builder policyFrom(SessionKitConfig c) {
        Builder b = new Builder().clock(c.clock());
        Duration maxIdle = c.duration("sessionkit.max-idle", ExpiryPolicy.DEFAULT_MAX_IDLE);
        Duration absolute = c.duration("sessionkit.absolute-timeout", ExpiryPolicy.DEFAULT_ABSOLUTE_TIMEOUT);
        Duration touch = c.duration("sessionkit.touch-interval", maxIdle.dividedBy(10));
        try {
            b.expiryPolicy(new ExpiryPolicy(maxIdle, absolute, touch));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "sessionkit.max-idle / sessionkit.absolute-timeout / sessionkit.touch-interval: " + e.getMessage(),
                    e);
        }
        long size = c.bytes("sessionkit.max-session-size", DEFAULT_MAX_SESSION_SIZE);
        if (size < 1024) {
            throw SessionKitConfig.invalid("sessionkit.max-session-size", String.valueOf(size), "at least 1KiB");
        }
        b.maxSessionSize(size);
        int retries = c.integer("sessionkit.max-retries", DEFAULT_MAX_RETRIES);
        if (retries < 0) {
            throw SessionKitConfig.invalid("sessionkit.max-retries", String.valueOf(retries), "a number >= 0");
        }
        b.maxRetries(retries);
        Duration sweepInterval = c.duration("sessionkit.sweep.interval", DEFAULT_SWEEP_INTERVAL);
        Duration lease = c.duration("sessionkit.sweep.lease", DEFAULT_SWEEP_LEASE);
        int batch = c.integer("sessionkit.sweep.batch-size", DEFAULT_SWEEP_BATCH_SIZE);
        int capacity = c.integer("sessionkit.events.queue-capacity", DEFAULT_EVENT_QUEUE_CAPACITY);
        configured("sessionkit.sweep.interval", () -> b.sweepInterval(sweepInterval));
        configured("sessionkit.sweep.lease", () -> b.sweepLease(lease));
        configured("sessionkit.sweep.batch-size", () -> b.sweepBatchSize(batch));
        configured("sessionkit.events.queue-capacity", () -> b.eventQueueCapacity(capacity));
        b.decodeFailurePolicy(c.enumValue(
                "sessionkit.on-decode-failure", DecodeFailurePolicy.class, DecodeFailurePolicy.DROP_SESSION));
        String codec = c.string("sessionkit.codec", "json").toLowerCase(Locale.ROOT);
        switch (codec) {
            case "json" -> b.jsonCodec(ValueTypeProviders.fromConfig(c.string("sessionkit.codec.types", "")));
            case "java" -> {
                String mode = c.string("sessionkit.codec.java.mode", "enforce").toLowerCase(Locale.ROOT);
                if (!mode.equals("enforce") && !mode.equals("learn")) {
                    throw SessionKitConfig.invalid("sessionkit.codec.java.mode", mode, "enforce or learn");
                }
                String filter = c.string("sessionkit.codec.java.filter", "");
                b.codec = mode.equals("learn")
                        ? JavaSerializationCodec.learning(filter)
                        : new JavaSerializationCodec(filter);
            }
            default -> throw SessionKitConfig.invalid("sessionkit.codec", codec, "json or java");
        }
        return b;
    }

    /** Applies a configured value to the builder; a value the builder refuses is reported under its key. */
    private static void configured(String key, Runnable apply) {
        try {
            apply.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    /** A new session, in memory only until {@link #save}. */
    public Session create() {
        Instant now = clock.instant();
        return new Session(
                SessionId.generate(),
                codec,
                decodeFailurePolicy,
                observer,
                now,
                policy.maxIdle(),
                policy.expiresAt(now, now, policy.maxIdle()));
    }

    /**
     * A new session, in memory only until {@link #save}, holding a copy of a session kept elsewhere: the servlet
     * container's own session, another session library's store. It has a fresh id (the old one is never reused) and
     * is new: its idle and absolute timeouts count from now. Each attribute goes through this manager's codec; one
     * whose value cannot be encoded ({@link SessionCodecException}) or whose name is not allowed is skipped, logged at
     * WARNING with its name only (never its value) and counted ({@link SessionObserver#importSkipped}). A principal
     * that is not allowed (empty, over 256 characters) is dropped the same way. When {@link #save} first writes it,
     * listeners get {@link SessionEvent.Type#CREATED} and then {@link SessionEvent.Type#IMPORTED} with
     * {@code source}.
     *
     * <p>It does not check the whole size: a session over {@code sessionkit.max-session-size} fails at {@link #save}
     * with {@link SessionTooLargeException}, as any other.
     *
     * @param source     a short fixed name of where it came from (the {@code source} of the event and the metric
     *                   tag), never anything per session; non-blank
     * @param attributes values by name, as the application stored them
     * @param principal  the user's name, or null
     */
    public Session importSession(String source, java.util.Map<String, ?> attributes, @Nullable String principal) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(attributes, "attributes");
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        Session session = create();
        session.markImported(source);
        for (java.util.Map.Entry<String, ?> e : attributes.entrySet()) {
            String name = e.getKey();
            try {
                session.setAttribute(name, e.getValue());
            } catch (SessionCodecException | IllegalArgumentException | NullPointerException refused) {
                // The name only: a value may hold a password or a token, and its message could quote it.
                observe(observer, o -> o.importSkipped(source));
                LOG.log(
                        System.Logger.Level.WARNING,
                        "session imported from {0}: attribute ''{1}'' skipped, its value cannot be stored ({2})",
                        source,
                        printable(name),
                        refused.getClass().getSimpleName());
            }
        }
        if (principal != null) {
            try {
                session.setPrincipal(principal);
            } catch (IllegalArgumentException refused) {
                observe(observer, o -> o.importSkipped(source));
                LOG.log(
                        System.Logger.Level.WARNING,
                        "session imported from {0}: principal dropped ({1} characters; 1..256 allowed)",
                        source,
                        principal.length());
            }
        }
        return session;
    }

    /** {@code name} fit for a log line: control characters escaped, at most 256 characters. */
    private static String printable(@Nullable String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(name.length(), 256));
        for (int i = 0; i < name.length() && i < 256; i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * The live session for an id presented by a client. A value that is not a well-formed id is absent without any
     * store call; an unknown or expired id is absent and is never adopted.
     */
    public Optional<Session> find(@Nullable String rawId) {
        return SessionId.parse(rawId).flatMap(this::find);
    }

    /** The live session for an id, or empty. One round trip. */
    public Optional<Session> find(SessionId id) {
        Objects.requireNonNull(id, "id");
        Instant now = clock.instant();
        return load(id.key(), now)
                .map(l -> new Session(id, l.record, l.attributes, codec, decodeFailurePolicy, observer, now));
    }

    /**
     * Writes what this request did: inserts a new session; writes changes with compare-and-set, re-applying this
     * request's deltas onto a newer version after a conflict; writes an access-only touch only when the touch
     * interval has passed; otherwise writes nothing.
     *
     * @throws SessionTooLargeException  before any write, if the encoded attributes exceed the size limit
     * @throws SessionConflictException  after {@code maxRetries} lost races
     * @throws IllegalStateException     if the session was invalidated
     */
    public SaveResult save(Session session) {
        requireUsable(session);
        SaveResult result = saveUnobserved(session);
        if (observer != SessionObserver.NONE) {
            long bytes = result == SaveResult.UNCHANGED || result == SaveResult.GONE
                    ? -1
                    : utf8Length(session.stored().attributes());
            Observers.notify(observer, o -> o.saved(result, bytes));
        }
        return result;
    }

    private SaveResult saveUnobserved(Session session) {
        Instant now = clock.instant();
        if (session.isNew()) {
            ObjectNode attributes = session.attributesNode();
            String text = encode(session, attributes);
            SessionRecord record = session.toRecord(null, text, session.id().key(), 1, now, policy);
            if (!store.create(record)) {
                throw new SessionException(
                        "session " + session.id().key().shortForm() + " already exists; refusing to overwrite it");
            }
            String importedFrom = session.importedFrom();
            session.markSaved(record, attributes);
            publish(SessionEvent.Type.CREATED, record.key(), null, record.principal(), null);
            if (importedFrom != null && events.active()) {
                events.publish(new SessionEvent(
                        SessionEvent.Type.IMPORTED,
                        record.key(),
                        null,
                        record.principal(),
                        null,
                        clock.instant(),
                        importedFrom));
            }
            return SaveResult.CREATED;
        }
        boolean changed = session.hasChanges();
        Duration touch = policy.touchIntervalFor(session.stored().maxIdle());
        if (!changed && Duration.between(session.stored().lastAccessedAt(), now).compareTo(touch) < 0) {
            return SaveResult.UNCHANGED;
        }
        return locks.withLock(session.id().key(), () -> write(session, changed, now));
    }

    private SaveResult write(Session session, boolean changed, Instant now) {
        SessionRecord base = session.stored();
        ObjectNode baseAttributes = null;
        for (int attempt = 0; ; attempt++) {
            ObjectNode merged = session.mergedAttributes(base, baseAttributes);
            String text = encode(session, merged);
            SessionRecord next = session.toRecord(base, text, base.key(), base.version() + 1, now, policy);
            switch (store.replace(next, base.version())) {
                case OK -> {
                    session.markSaved(next, merged);
                    return changed ? SaveResult.UPDATED : SaveResult.TOUCHED;
                }
                case GONE -> {
                    session.markInvalidated();
                    return SaveResult.GONE;
                }
                case CONFLICT -> {
                    checkRetries(attempt, base.key());
                    Optional<Loaded> fresh = load(base.key(), clock.instant());
                    if (fresh.isEmpty()) {
                        session.markInvalidated();
                        return SaveResult.GONE;
                    }
                    if (!changed) {
                        // Another request wrote, and so touched, the session: nothing of ours is left to write.
                        session.markSaved(fresh.get().record, fresh.get().attributes);
                        return SaveResult.UNCHANGED;
                    }
                    base = fresh.get().record;
                    baseAttributes = fresh.get().attributes;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * Atomic read-modify-write: loads the session, applies {@code mutation} and writes with compare-and-set; on a
     * conflict it reloads and runs {@code mutation} again on the fresh state. So {@code mutation} may run more than
     * once and must not have other side effects. N threads × M increments give exactly N×M.
     *
     * @return the saved session, or empty if the id is malformed, unknown, expired or was invalidated meanwhile
     * @throws SessionConflictException after {@code maxRetries} lost races
     */
    public Optional<Session> update(@Nullable String rawId, Consumer<Session> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        Optional<SessionId> parsed = SessionId.parse(rawId);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SessionId id = parsed.get();
        return locks.withLock(id.key(), () -> updateLocked(id, mutation));
    }

    private Optional<Session> updateLocked(SessionId id, Consumer<Session> mutation) {
        for (int attempt = 0; ; attempt++) {
            Instant now = clock.instant();
            Optional<Loaded> loaded = load(id.key(), now);
            if (loaded.isEmpty()) {
                return Optional.empty();
            }
            SessionRecord base = loaded.get().record;
            Session session = new Session(id, base, loaded.get().attributes, codec, decodeFailurePolicy, observer, now);
            mutation.accept(session);
            if (!session.hasChanges()) {
                return Optional.of(session);
            }
            String text = encode(session, session.attributesNode());
            SessionRecord next = session.toRecord(base, text, id.key(), base.version() + 1, now, policy);
            switch (store.replace(next, base.version())) {
                case OK -> {
                    session.markSaved(next, session.attributesNode());
                    return Optional.of(session);
                }
                case GONE -> {
                    return Optional.empty();
                }
                case CONFLICT -> checkRetries(attempt, id.key());
                default -> throw new IllegalStateException();
            }
        }
    }

    /**
     * Moves the session to a fresh id (call it on login and on any privilege change, against session fixation). The
     * latest stored version plus this request's unsaved changes is written under the new id, and the old record is
     * removed with compare-and-set on the version this is based on: two round trips, no cross-key command, so it works
     * on Redis Cluster. A new, unsaved session just takes a new id.
     *
     * <p>Races: a request that wrote the old id after this one loaded it makes the removal conflict; the new record is
     * then deleted, the old one reloaded and this request's changes re-applied (as in {@link #save}), so no write that
     * was acknowledged to anyone is lost. Once the old record is removed, writers of the old id get
     * {@link SaveResult#GONE}: they learn the session moved and their changes are not written. If the session was
     * invalidated meanwhile (log-out, "log out everywhere", an administrator), rotation fails and nothing lives under
     * either id.
     *
     * @throws IllegalStateException     if the session was invalidated, here or by another request meanwhile
     * @throws SessionConflictException  after {@code maxRetries} lost races, or if an attribute this request read and
     *                                   changed was changed by another request (see {@link Session#setAttribute})
     * @throws SessionTooLargeException  before any write, if the encoded attributes exceed the size limit
     */
    public void rotateId(Session session) {
        requireUsable(session);
        SessionId newId = SessionId.generate();
        if (session.isNew()) {
            session.changeId(newId);
            return;
        }
        locks.withLock(session.id().key(), () -> {
            rotate(session, newId);
            return null;
        });
    }

    private void rotate(Session session, SessionId newId) {
        SessionKey oldKey = session.id().key();
        SessionRecord base = session.stored();
        ObjectNode baseAttributes = null;
        for (int attempt = 0; ; attempt++) {
            ObjectNode merged = session.mergedAttributes(base, baseAttributes);
            String text = encode(session, merged);
            SessionRecord next = session.toRecord(base, text, newId.key(), 1, clock.instant(), policy);
            if (!store.create(next)) {
                throw new SessionException(
                        "session " + newId.key().shortForm() + " already exists; refusing to overwrite it");
            }
            ReplaceResult removed;
            try {
                removed = store.delete(oldKey, base.version());
            } catch (RuntimeException e) {
                // Whether the old record went is unknown: never leave two live copies (the old id could be the
                // attacker's fixated one), so the new one goes too.
                deleteAfterFailure(newId.key(), e);
                throw e;
            }
            switch (removed) {
                case OK -> {
                    session.changeId(newId);
                    session.markSaved(next, merged);
                    publish(SessionEvent.Type.ROTATED, newId.key(), oldKey, next.principal(), null);
                    return;
                }
                case GONE -> {
                    store.delete(newId.key());
                    session.markInvalidated();
                    throw new IllegalStateException("session " + oldKey.shortForm()
                            + " was invalidated by another request; it was not moved to a new id");
                }
                case CONFLICT -> {
                    store.delete(newId.key());
                    checkRetries(attempt, oldKey);
                    Optional<Loaded> fresh = load(oldKey, clock.instant());
                    if (fresh.isEmpty()) {
                        session.markInvalidated();
                        throw new IllegalStateException("session " + oldKey.shortForm()
                                + " was invalidated by another request; it was not moved to a new id");
                    }
                    base = fresh.get().record;
                    baseAttributes = fresh.get().attributes;
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    private void deleteAfterFailure(SessionKey key, RuntimeException cause) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * Deletes the session from the store; the object can no longer be used. The session is marked invalid only once the
     * delete succeeded: if the store fails, the exception propagates and the session (and the client's cookie) stay.
     */
    public void invalidate(Session session) {
        Objects.requireNonNull(session, "session");
        if (!session.isNew() && !session.isInvalidated()) {
            store.delete(session.id().key());
            publish(
                    SessionEvent.Type.INVALIDATED,
                    session.id().key(),
                    null,
                    session.principal().orElse(null),
                    SessionEvent.Reason.REQUEST);
        }
        session.markInvalidated();
    }

    /** Deletes the session with this id, if the value is a well-formed id. */
    public void invalidate(@Nullable String rawId) {
        SessionId.parse(rawId).ifPresent(id -> {
            store.delete(id.key());
            publish(SessionEvent.Type.INVALIDATED, id.key(), null, null, SessionEvent.Reason.REQUEST);
        });
    }

    /** Deletes the session with this hashed key (e.g. from {@link #findByPrincipal}). */
    public void invalidate(SessionKey key) {
        store.delete(Objects.requireNonNull(key, "key"));
        publish(SessionEvent.Type.INVALIDATED, key, null, null, SessionEvent.Reason.ADMIN);
    }

    /**
     * The live sessions of a user, without their raw ids.
     *
     * @throws UnsupportedOperationException if the store does not declare {@link StoreFeature#PRINCIPAL_INDEX}
     */
    public List<SessionInfo> findByPrincipal(String principal) {
        Objects.requireNonNull(principal, "principal");
        Instant now = clock.instant();
        return store.findByPrincipal(principal).stream()
                .filter(r -> !r.isExpiredAt(now) && principal.equals(r.principal()))
                .map(SessionInfo::of)
                .toList();
    }

    /**
     * "Log out everywhere": deletes every live session of a user.
     *
     * @return how many sessions were deleted
     * @throws UnsupportedOperationException if the store does not declare {@link StoreFeature#PRINCIPAL_INDEX}
     */
    public int invalidateAll(String principal) {
        List<SessionInfo> sessions = findByPrincipal(principal);
        for (SessionInfo info : sessions) {
            store.delete(info.key());
            publish(SessionEvent.Type.INVALIDATED, info.key(), null, principal, SessionEvent.Reason.PRINCIPAL);
        }
        return sessions.size();
    }

    /** The store as passed in, behind its {@linkplain Builder#encryption encryption} if any (calls made on it directly are not observed). */
    public SessionStore store() {
        return userStore;
    }

    /**
     * Checks that the store answers: one cheap round trip ({@link SessionStore#ping()}), bounded by the store's
     * timeouts. Never throws for a store failure; it reports it.
     */
    public StoreHealth health() {
        long start = System.nanoTime();
        try {
            store.ping();
            return new StoreHealth(true, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (RuntimeException e) {
            String message = e.getMessage();
            return new StoreHealth(
                    false,
                    Duration.ofNanos(System.nanoTime() - start),
                    e.getClass().getSimpleName() + (message == null ? "" : ": " + message));
        }
    }

    /**
     * Adds a listener to a built manager, for integrations handed one (the servlet filter, the Spring Boot starter);
     * the same as {@link Builder#listener}. Events before this call are not replayed.
     *
     * @throws IllegalStateException if the manager is closed
     */
    public void addListener(SessionEventListener listener) {
        events.add(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Collects expired records now, on the calling thread, as the background sweeper does every
     * {@code sessionkit.sweep.interval}: claims them, reports each to the listeners as {@code EXPIRED} and removes them
     * ({@link StoreFeature#EXPIRY_EVENTS}), or purges ({@link StoreFeature#PURGE_EXPIRED}); otherwise does nothing.
     *
     * @return how many expired records were collected
     */
    public int sweepExpired() {
        return sweeper.sweep();
    }

    /** The idle and absolute timeouts this manager applies. */
    public ExpiryPolicy expiryPolicy() {
        return policy;
    }

    /** The clock of access and expiry times (the store's, when built from configuration). */
    public Clock clock() {
        return clock;
    }

    /** The size limit in bytes of a session's encoded attributes. */
    public long maxSessionSize() {
        return maxSessionSize;
    }

    /** Closes the store if this manager owns it (it does when made by {@link #open}). */
    @Override
    public void close() {
        sweeper.close();
        events.close();
        if (ownsStore) {
            userStore.close();
        }
    }

    /** Queues a request-path event for the listeners; free when there are none. */
    private void publish(
            SessionEvent.Type type,
            SessionKey key,
            @Nullable SessionKey previous,
            @Nullable String principal,
            SessionEvent.@Nullable Reason reason) {
        if (events.active()) {
            events.publish(new SessionEvent(type, key, previous, principal, reason, clock.instant()));
        }
    }

    /** Tells {@code observer} something, unless it is the no-op one; never throws. */
    static void observe(SessionObserver observer, java.util.function.Consumer<SessionObserver> signal) {
        if (observer != SessionObserver.NONE) {
            Observers.notify(observer, signal);
        }
    }

    // ---- internals ----

    private record Loaded(SessionRecord record, ObjectNode attributes) {}

    private Optional<Loaded> load(SessionKey key, Instant now) {
        SessionRecord record;
        try {
            record = store.load(key).orElse(null);
        } catch (SessionCodecException e) {
            return undecodable(key, e);
        }
        if (record == null || record.isExpiredAt(now)) {
            return Optional.empty();
        }
        ObjectNode attributes;
        try {
            attributes = Json.parseObject(record.attributes());
        } catch (JsonProcessingException | RuntimeException e) {
            SessionCodecException failure =
                    new SessionCodecException("record " + key.shortForm() + " has unreadable attributes", e);
            if (decodeFailurePolicy != DecodeFailurePolicy.DROP_ATTRIBUTE) {
                return undecodable(key, failure);
            }
            observe(observer, o -> o.decodeFailure(decodeFailurePolicy));
            LOG.log(
                    System.Logger.Level.WARNING,
                    "session {0}: attributes unreadable, keeping the session without them: {1}",
                    key.shortForm(),
                    e.getMessage());
            attributes = JsonNodeFactory.instance.objectNode();
        }
        if (decodeFailurePolicy == DecodeFailurePolicy.DROP_SESSION) {
            String bad = codec.firstUndecodable(record.attributes(), attributes);
            if (bad != null) {
                return undecodable(
                        key,
                        new SessionCodecException("record " + key.shortForm() + ": attribute '" + bad
                                + "' holds a type tag that names no registered type"));
            }
        }
        return Optional.of(new Loaded(record, attributes));
    }

    /**
     * An undecodable record is absent (the client gets a fresh session, so the old id is not presented again and
     * this is logged once) or, under {@code FAIL}, an exception. It is not deleted: a newer node in a rolling upgrade
     * may be able to read it, and native expiry or the sweeper collects it.
     */
    private Optional<Loaded> undecodable(SessionKey key, SessionCodecException e) {
        observe(observer, o -> o.decodeFailure(decodeFailurePolicy));
        if (decodeFailurePolicy == DecodeFailurePolicy.FAIL) {
            throw e;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "session {0}: undecodable record treated as absent: {1}",
                key.shortForm(),
                e.getMessage());
        return Optional.empty();
    }

    private String encode(Session session, ObjectNode attributes) {
        String text = Json.write(attributes);
        long size = utf8Length(text);
        if (size > maxSessionSize) {
            observe(observer, o -> o.tooLarge(size, maxSessionSize));
            throw new SessionTooLargeException(
                    "session " + session.id().key().shortForm()
                            + " is too large to store (sessionkit.max-session-size); nothing was written",
                    size,
                    maxSessionSize);
        }
        return text;
    }

    private void checkRetries(int attempt, SessionKey key) {
        if (attempt >= maxRetries) {
            observe(observer, o -> o.conflictsExhausted(attempt + 1));
            throw new SessionConflictException("session " + key.shortForm() + ": still conflicting after "
                    + (attempt + 1) + " attempts (sessionkit.max-retries=" + maxRetries + "); nothing was written");
        }
        observe(observer, o -> o.conflict(attempt + 1));
        // The first retries go at once: the reload already costs a round trip, and a loser that sleeps while the
        // winner's node writes again straight away loses every race (seen on PostgreSQL, where a commit holds the row
        // until the log is flushed). Only persistent contention backs off, exponentially with full jitter.
        long capNanos = backoffCapNanos(attempt);
        if (capNanos > 0) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(capNanos));
        }
    }

    /**
     * The most a retry after failed attempt {@code attempt} (0-based) waits: nothing for the first
     * {@value #IMMEDIATE_RETRIES}, then 0.1 ms doubling up to 10 ms; the wait itself is uniform in [0, cap).
     */
    static long backoffCapNanos(int attempt) {
        if (attempt < IMMEDIATE_RETRIES) {
            return 0;
        }
        return Math.min(10_000_000L, 100_000L << Math.min(attempt - IMMEDIATE_RETRIES, 10));
    }

    /** The bound on all waits of one call that gives up after {@code maxRetries} retries (112.7 ms for 20). */
    static long maxTotalBackoffNanos(int maxRetries) {
        long total = 0;
        for (int attempt = 0; attempt < maxRetries; attempt++) {
            total += backoffCapNanos(attempt);
        }
        return total;
    }

    private static void requireUsable(Session session) {
        Objects.requireNonNull(session, "session");
        if (session.isInvalidated()) {
            throw new IllegalStateException(
                    "session " + session.id().key().shortForm() + " was invalidated or is gone");
        }
    }

    static long utf8Length(CharSequence s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /** Builds a {@link SessionManager}; every setting has a documented default. */
    public static final class Builder {
        private @Nullable SessionStore store;
        private Clock clock = Clock.systemUTC();
        private ExpiryPolicy policy = ExpiryPolicy.defaults();
        private AttributeCodec codec = JsonAttributeCodec.INSTANCE;
        private DecodeFailurePolicy decodeFailurePolicy = DecodeFailurePolicy.DROP_SESSION;
        private long maxSessionSize = DEFAULT_MAX_SESSION_SIZE;
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private boolean ownsStore;
        private SessionObserver observer = SessionObserver.NONE;
        private final List<SessionEventListener> listeners = new java.util.ArrayList<>();
        private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
        private int sweepBatchSize = DEFAULT_SWEEP_BATCH_SIZE;
        private Duration sweepLease = DEFAULT_SWEEP_LEASE;
        private int eventQueueCapacity = DEFAULT_EVENT_QUEUE_CAPACITY;

        private @Nullable SessionEncryption encryption;
        private boolean encryptionFromConfig;

        private Builder() {}

        public Builder store(SessionStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The clock for access and expiry times; default {@link Clock#systemUTC()}. Use the store's clock. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /** Default {@link ExpiryPolicy#defaults()}. */
        public Builder expiryPolicy(ExpiryPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** Maximum encoded attributes in bytes; default {@link #DEFAULT_MAX_SESSION_SIZE}. */
        public Builder maxSessionSize(long bytes) {
            this.maxSessionSize = BuilderChecks.atLeast("maxSessionSize", bytes, 1L);
            return this;
        }

        /** Compare-and-set retries after the first attempt; default {@link #DEFAULT_MAX_RETRIES}. */
        public Builder maxRetries(int retries) {
            this.maxRetries = BuilderChecks.atLeast("maxRetries", retries, 0);
            return this;
        }

        /**
         * Encrypts what the store holds of each session ({@link SessionEncryption}): the manager uses
         * {@code encryption.wrap(store)}, and {@link SessionManager#store()} returns that. Default none;
         * {@link SessionManager#builder(SessionKitConfig)} sets the configured one ({@code sessionkit.encryption.*}), which
         * is skipped when the store was opened by {@link SessionStores#open} from that configuration (encrypted already).
         */
        public Builder encryption(@Nullable SessionEncryption encryption) {
            this.encryption = encryption;
            this.encryptionFromConfig = false;
            return this;
        }

        /** Default {@link DecodeFailurePolicy#DROP_SESSION}. */
        public Builder decodeFailurePolicy(DecodeFailurePolicy policy) {
            this.decodeFailurePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /** The default codec: JSON values and objects mapped by their properties, no polymorphic typing. */
        public Builder jsonCodec() {
            this.codec = JsonAttributeCodec.INSTANCE;
            return this;
        }

        /**
         * The JSON codec, with {@code types} coming back as themselves (see {@link ValueTypes}): how an application or
         * an integration such as Spring Security's gets its own objects back without unsafe deserialization.
         */
        public Builder jsonCodec(ValueTypes types) {
            this.codec = new JsonAttributeCodec(Objects.requireNonNull(types, "types"));
            return this;
        }

        /**
         * Opt-in Java serialization for {@link java.io.Serializable} values, read back only through an
         * {@link java.io.ObjectInputFilter} allowing the JDK value types plus {@code allowList}, a JEP 290 pattern such
         * as {@code com.example.cart.*;com.example.User}. Everything else is refused before it is instantiated.
         */
        public Builder javaSerialization(String allowList) {
            this.codec = new JavaSerializationCodec(allowList);
            return this;
        }

        /** Whether {@link SessionManager#close()} closes the store; default false for a store passed in. */
        public Builder closeStoreOnClose(boolean owns) {
            this.ownsStore = owns;
            return this;
        }

        /**
         * Adds a listener for created / rotated / invalidated / expired events (see {@link SessionEventListener} for
         * threads and bounds). With no listener no event is made.
         */
        public Builder listener(SessionEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The observer of store calls and operational signals (one; combine several yourself); default none, and then
         * the store is called directly.
         */
        public Builder observer(SessionObserver observer) {
            this.observer = Objects.requireNonNull(observer, "observer");
            return this;
        }

        /**
         * How often this node collects expired records (claiming them and reporting {@code EXPIRED} events on stores
         * with {@link StoreFeature#EXPIRY_EVENTS}, purging on stores with {@link StoreFeature#PURGE_EXPIRED}), ±20%,
         * on a daemon thread; {@link Duration#ZERO} = never (then call {@link SessionManager#sweepExpired()} yourself).
         * Default {@link #DEFAULT_SWEEP_INTERVAL}. An expired session is reported within the store's expiry grace plus
         * 1.2 × this interval after it expired, while at least one node sweeps and keeps up.
         */
        public Builder sweepInterval(Duration interval) {
            this.sweepInterval = BuilderChecks.zeroOrPositive("sweepInterval", interval);
            return this;
        }

        /** Expired records claimed per store call; default {@link #DEFAULT_SWEEP_BATCH_SIZE}. */
        public Builder sweepBatchSize(int records) {
            this.sweepBatchSize = BuilderChecks.atLeast("sweepBatchSize", records, 1);
            return this;
        }

        /**
         * How long a claim on expired records holds: a node that dies after claiming leaves them to others after
         * this; it must exceed the time listeners take for one batch. Default {@link #DEFAULT_SWEEP_LEASE}.
         */
        public Builder sweepLease(Duration lease) {
            this.sweepLease = BuilderChecks.positive("sweep lease", lease);
            return this;
        }

        /** Request-path events that may wait for delivery before new ones are dropped; default 10 000. */
        public Builder eventQueueCapacity(int events) {
            this.eventQueueCapacity = BuilderChecks.atLeast("eventQueueCapacity", events, 1);
            return this;
        }

        public SessionManager build() {
            return new SessionManager(this);
        }
    }
}
