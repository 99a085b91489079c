package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One session as a request sees it, obtained from {@link SessionManager#create()} or
 * {@link SessionManager#find(String)} and written back with {@link SessionManager#save(Session)}.
 *
 * <p>A {@code Session} is a working copy for one request and is not thread-safe. It records each change as a delta
 * (attribute set or removed, principal, idle timeout), so that {@code save} can re-apply just those changes onto a
 * newer stored version when another request wrote in between: concurrent requests that change different attributes
 * both survive.
 *
 * <p><b>Concurrent changes of the same attribute are never lost silently.</b> If this request read an attribute
 * ({@link #getAttribute}) and then set or removed it, and another request changed that attribute before this one
 * saved, the save fails with {@link SessionConflictException} and writes nothing: the new value was computed from a
 * value that is no longer current. A change written with {@link #updateAttribute} is instead re-run on the fresh
 * value, so it always lands. A set of an attribute this request did not read first is a blind write: the last writer
 * wins, as in any map.
 *
 * <p>Values are stored as JSON when set, within the limits of {@link ValueLimits} (nesting depth, number length) that
 * every backend can store and read back, so a value that cannot be stored fails at {@link #setAttribute}, and
 * {@link #getAttribute(String)} returns a fresh copy: to change a stored list or map, set it again.
 */
public final class Session {
    private static final JsonNode REMOVED = MissingNode.getInstance();
    private static final int MAX_NAME_LENGTH = 256;

    /** Whether {@code node} is the {@link #REMOVED} marker (the only missing node a delta produces). */
    private static boolean isRemoved(@Nullable JsonNode node) {
        return node != null && node.isMissingNode();
    }

    private final AttributeCodec codec;
    private final DecodeFailurePolicy decodeFailurePolicy;
    private final SessionObserver observer;
    private SessionId id;
    private @Nullable SessionRecord stored;
    private final Instant createdAt;
    private final Instant accessedAt;
    private Duration maxIdle;
    private @Nullable String principal;
    private ObjectNode attributes;
    /** This request's changes, in order, as deltas that can be re-applied onto a newer stored version. */
    private final Map<String, Delta> changes = new LinkedHashMap<>();
    /**
     * The stored value (or {@code REMOVED} when absent) of each attribute this request read before changing it: if
     * another request changed it meanwhile, a plain set or remove of it would overwrite a change this request never
     * saw, so the save fails instead (see {@link #setAttribute}).
     */
    private final Map<String, JsonNode> reads = new HashMap<>();

    private boolean principalChanged;
    private boolean maxIdleChanged;
    private Instant expiresAt;
    private boolean invalidated;
    /** Where a new session was imported from ({@link SessionManager#importSession}), until it is first saved. */
    private @Nullable String importedFrom;

    /** A new, unsaved session. */
    Session(
            SessionId id,
            AttributeCodec codec,
            DecodeFailurePolicy policy,
            SessionObserver observer,
            Instant now,
            Duration maxIdle,
            Instant expiresAt) {
        this(
                id,
                null,
                codec,
                policy,
                observer,
                now,
                now,
                maxIdle,
                null,
                JsonNodeFactory.instance.objectNode(),
                expiresAt);
    }

    /** A session loaded from a record whose attributes are already parsed. */
    Session(
            SessionId id,
            SessionRecord stored,
            ObjectNode attributes,
            AttributeCodec codec,
            DecodeFailurePolicy policy,
            SessionObserver observer,
            Instant now) {
        this(
                id,
                stored,
                codec,
                policy,
                observer,
                stored.createdAt(),
                now,
                stored.maxIdle(),
                stored.principal(),
                attributes,
                stored.expiresAt());
    }

    private Session(
            SessionId id,
            @Nullable SessionRecord stored,
            AttributeCodec codec,
            DecodeFailurePolicy policy,
            SessionObserver observer,
            Instant createdAt,
            Instant accessedAt,
            Duration maxIdle,
            @Nullable String principal,
            ObjectNode attributes,
            Instant expiresAt) {
        this.id = id;
        this.stored = stored;
        this.codec = codec;
        this.decodeFailurePolicy = policy;
        this.observer = observer;
        this.createdAt = createdAt;
        this.accessedAt = accessedAt;
        this.maxIdle = maxIdle;
        this.principal = principal;
        this.attributes = attributes;
        this.expiresAt = expiresAt;
    }

    /** The id for the cookie or header. Its {@code toString()} is redacted. */
    public SessionId id() {
        return id;
    }

    /** True until the first successful save. */
    public boolean isNew() {
        return stored == null;
    }

    /** True once invalidated or found gone at save; such a session can no longer be saved. */
    public boolean isInvalidated() {
        return invalidated;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** The time of this access (when the session was created or found). */
    public Instant lastAccessedAt() {
        return accessedAt;
    }

    /**
     * The access time stored before this request, i.e. the previous request's (writes of access time are lazy, so it
     * may lag by up to the touch interval); for a new session, its creation time. This is what
     * {@code HttpSession.getLastAccessedTime()} reports.
     */
    public Instant previousAccessAt() {
        return stored == null ? createdAt : stored.lastAccessedAt();
    }

    /** The stored absolute expiry (for a new session, what it will be once saved). */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The stored version: 0 while new, then 1, 2, … */
    public long version() {
        return stored == null ? 0 : stored.version();
    }

    public Duration maxIdle() {
        return maxIdle;
    }

    /** Changes this session's idle timeout (whole seconds, at least 1 s), written at the next save. */
    public void setMaxIdle(Duration maxIdle) {
        checkValid();
        ExpiryPolicy.requireWholeSeconds(Objects.requireNonNull(maxIdle, "maxIdle"), "maxIdle");
        this.maxIdle = maxIdle;
        this.maxIdleChanged = true;
    }

    public Optional<String> principal() {
        return Optional.ofNullable(principal);
    }

    /** Sets the authenticated user (null to clear). Call {@link SessionManager#rotateId} too on login. */
    public void setPrincipal(@Nullable String principal) {
        checkValid();
        if (principal != null && (principal.isEmpty() || principal.length() > MAX_NAME_LENGTH)) {
            throw new IllegalArgumentException("principal must be 1.." + MAX_NAME_LENGTH + " characters");
        }
        this.principal = principal;
        this.principalChanged = true;
    }

    /** The names of the attributes, in insertion order. */
    public Set<String> attributeNames() {
        Set<String> names = new LinkedHashSet<>();
        attributes.fieldNames().forEachRemaining(names::add);
        return Collections.unmodifiableSet(names);
    }

    /**
     * The plain Java form of an attribute (Map, List, String, Boolean, Integer/Long/BigInteger, Double or BigDecimal;
     * with the Java codec, an object of the class that was stored: a {@code Long} stays a {@code Long}), or null when absent. A fresh copy on every call.
     *
     * @throws SessionCodecException if the stored value cannot be decoded (unless the decode-failure policy is
     *                               {@code DROP_ATTRIBUTE}, which drops it and returns null)
     */
    public @Nullable Object getAttribute(String name) {
        checkValid();
        recordRead(name);
        return peekAttribute(name);
    }

    /**
     * Like {@link #getAttribute(String)}, but not counted as a read for conflict detection: for frameworks that need
     * the current value only to notify it (e.g. {@code HttpSessionBindingListener.valueUnbound}) before a blind set.
     */
    public @Nullable Object peekAttribute(String name) {
        checkValid();
        Objects.requireNonNull(name, "name");
        JsonNode node = attributes.get(name);
        if (node == null) {
            return null;
        }
        try {
            return codec.decode(name, node);
        } catch (SessionCodecException e) {
            return dropOrThrow(name, e);
        }
    }

    /**
     * An attribute read as {@code type}, e.g. {@code getAttribute("cart", Cart.class)}; null when absent.
     *
     * @throws SessionCodecException if the stored value cannot be read as {@code type}
     */
    public <T> @Nullable T getAttribute(String name, Class<T> type) {
        checkValid();
        Objects.requireNonNull(type, "type");
        recordRead(name);
        JsonNode node = attributes.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        return codec.decode(name, node, type);
    }

    /**
     * Sets an attribute; null removes it. The value is encoded now, so a value the codec cannot store fails here.
     *
     * <p>If this request read the attribute before (so the value is likely computed from what it read) and another
     * request changes it before this one is saved, the save fails with {@link SessionConflictException}; use
     * {@link #updateAttribute} for a change that must be re-applied to the fresh value.
     *
     * @throws IllegalArgumentException if the name is empty, longer than 256 characters or holds control characters
     * @throws SessionCodecException    if the value cannot be encoded, or exceeds {@link ValueLimits}
     */
    public void setAttribute(String name, @Nullable Object value) {
        checkValid();
        checkName(name);
        if (value == null) {
            removeAttribute(name);
            return;
        }
        JsonNode node = encode(name, value);
        attributes.set(name, node);
        changes.put(name, new Assign(node));
    }

    /**
     * Removes an attribute, if present. Re-applied if another request wrote meanwhile; like {@link #setAttribute},
     * it fails the save if this request read the attribute and another request changed it meanwhile.
     */
    public void removeAttribute(String name) {
        checkValid();
        Objects.requireNonNull(name, "name");
        attributes.remove(name);
        changes.put(name, new Assign(REMOVED));
    }

    /**
     * Changes an attribute as a function of its current value: {@code fn} gets the current value read as
     * {@code type} (null when absent) and returns the new one (null removes it). It runs now, on the value this request
     * sees, and again on the freshly loaded value if another request wrote the session before this one is saved, so
     * the change is never lost and never overwrites another (N requests adding one item each to a cart leave N items).
     * {@code fn} may therefore run more than once and must have no other side effects.
     *
     * @return the new value, as {@code fn} returned it
     * @throws SessionCodecException if the current value cannot be read as {@code type} or the new one cannot be stored
     */
    public <T> @Nullable T updateAttribute(String name, Class<T> type, UnaryOperator<@Nullable T> fn) {
        checkValid();
        checkName(name);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(fn, "fn");
        Update<T> update = new Update<>(type, fn, changes.get(name));
        T next = update.compute(this, name, attributes.get(name));
        JsonNode node = next == null ? REMOVED : encode(name, next);
        if (isRemoved(node)) {
            attributes.remove(name);
        } else {
            attributes.set(name, node);
        }
        changes.put(name, update);
        return next;
    }

    /** Whether this request changed anything that must be written. */
    public boolean hasChanges() {
        return !changes.isEmpty() || principalChanged || maxIdleChanged;
    }

    @Override
    public String toString() {
        return "Session[" + id + ", version=" + version() + (invalidated ? ", invalidated" : "") + "]";
    }

    // ---- package-private: used by SessionManager ----

    /** The record this session was read from or last saved as; only for a session that is not {@link #isNew()}. */
    SessionRecord stored() {
        return Objects.requireNonNull(stored, "a new session has no stored record");
    }

    ObjectNode attributesNode() {
        return attributes;
    }

    /**
     * The attributes to write on top of {@code base}: base's attributes with this request's deltas re-applied. When
     * {@code base} is what this session was loaded from (or null, for a new session), the working attributes already
     * hold the deltas.
     */
    @SuppressWarnings("ReferenceEquality") // identity is the question: is base the very record this session read?
    ObjectNode mergedAttributes(@Nullable SessionRecord base, @Nullable ObjectNode baseAttributes) {
        if (base == stored) {
            return attributes;
        }
        ObjectNode merged = Objects.requireNonNull(baseAttributes, "baseAttributes");
        for (Map.Entry<String, Delta> change : changes.entrySet()) {
            String name = change.getKey();
            JsonNode value = change.getValue().applyTo(this, name, merged.get(name));
            if (isRemoved(value)) {
                merged.remove(name);
            } else {
                merged.set(name, value);
            }
        }
        return merged;
    }

    /** The record to write on top of {@code base} (null for a new session), accessed at {@code now}. */
    SessionRecord toRecord(
            @Nullable SessionRecord base,
            String mergedAttributes,
            SessionKey key,
            long version,
            Instant now,
            ExpiryPolicy policy) {
        Instant created = base == null ? createdAt : base.createdAt();
        String p = principalChanged || base == null ? principal : base.principal();
        Duration idle = maxIdleChanged || base == null ? maxIdle : base.maxIdle();
        return new SessionRecord(
                key, version, created, now, idle, policy.expiresAt(created, now, idle), p, mergedAttributes);
    }

    /** After a successful write: the record is now the stored state and there are no pending changes. */
    void markSaved(SessionRecord record, ObjectNode savedAttributes) {
        this.stored = record;
        this.attributes = savedAttributes;
        this.principal = record.principal();
        this.maxIdle = record.maxIdle();
        this.expiresAt = record.expiresAt();
        changes.clear();
        reads.clear();
        importedFrom = null;
        principalChanged = false;
        maxIdleChanged = false;
    }

    void markImported(String source) {
        this.importedFrom = source;
    }

    /** The source of a new imported session not saved yet; null otherwise. */
    @Nullable
    String importedFrom() {
        return importedFrom;
    }

    void changeId(SessionId newId) {
        this.id = newId;
    }

    void markInvalidated() {
        this.invalidated = true;
    }

    /**
     * An attribute that fails to decode after the session was handed out. Under {@code DROP_SESSION} it is too late to
     * treat the session as absent, and throwing would fail every request of this session until it expires (a
     * framework reads its attributes on every request), so it is dropped like under {@code DROP_ATTRIBUTE}.
     */
    private @Nullable Object dropOrThrow(String name, SessionCodecException e) {
        SessionManager.observe(observer, o -> o.decodeFailure(decodeFailurePolicy));
        if (decodeFailurePolicy == DecodeFailurePolicy.FAIL) {
            throw e;
        }
        SessionManager.LOG.log(
                System.Logger.Level.WARNING,
                "session {0}: dropping undecodable attribute ''{1}'': {2}",
                id.key().shortForm(),
                name,
                e.getMessage());
        attributes.remove(name);
        changes.put(name, new Assign(REMOVED));
        return null;
    }

    private JsonNode encode(String name, Object value) {
        JsonNode node = codec.encode(name, value);
        ValueLimits.check(name, node);
        return node;
    }

    /** The first read of an attribute this request has not changed yet remembers the stored value. */
    private void recordRead(String name) {
        if (name != null && !changes.containsKey(name) && !reads.containsKey(name)) {
            JsonNode node = attributes.get(name);
            reads.put(name, node == null ? REMOVED : node);
        }
    }

    /** One change of one attribute, re-applicable onto the attribute's value in a newer stored version. */
    private sealed interface Delta permits Assign, Update {
        /** The attribute's new value ({@code REMOVED} to remove it) given its value {@code fresh} (null if absent). */
        JsonNode applyTo(Session session, String name, @Nullable JsonNode fresh);
    }

    /** A set or a removal ({@code REMOVED}): the same value whatever is stored, unless it was computed from a read. */
    private record Assign(JsonNode value) implements Delta {
        @Override
        public JsonNode applyTo(Session session, String name, @Nullable JsonNode fresh) {
            JsonNode read = session.reads.get(name);
            JsonNode now = fresh == null ? REMOVED : fresh;
            if (read != null && !read.equals(now)) {
                throw new SessionConflictException("session " + session.id.key().shortForm() + ": attribute '" + name
                        + "' was changed by another request after this request read it; nothing was written "
                        + "(use Session.updateAttribute for a change that must apply to the current value)");
            }
            return value;
        }
    }

    /** A function of the value, run again on the fresh value (after the earlier change of this request, if any). */
    private record Update<T>(
            Class<T> type,
            UnaryOperator<@Nullable T> fn,
            @Nullable Delta before) implements Delta {
        @Override
        public JsonNode applyTo(Session session, String name, @Nullable JsonNode fresh) {
            JsonNode base = before == null ? fresh : before.applyTo(session, name, fresh);
            T next = compute(session, name, isRemoved(base) ? null : base);
            return next == null ? REMOVED : session.encode(name, next);
        }

        @Nullable
        T compute(Session session, String name, @Nullable JsonNode current) {
            T value = current == null || current.isNull() ? null : session.codec.decode(name, current, type);
            return fn.apply(value);
        }
    }

    private void checkValid() {
        if (invalidated) {
            throw new IllegalStateException("session " + id.key().shortForm() + " was invalidated");
        }
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(
                    "attribute name must be 1.." + MAX_NAME_LENGTH + " characters, was " + name.length());
        }
        for (int i = 0; i < name.length(); i++) {
            // Every ISO control character is a single UTF-16 unit, so checking units equals checking code points.
            if (Character.isISOControl(name.charAt(i))) {
                throw new IllegalArgumentException("attribute name must not contain control characters");
            }
        }
    }
}
