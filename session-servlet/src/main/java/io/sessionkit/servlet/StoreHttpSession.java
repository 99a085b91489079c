package io.sessionkit.servlet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpSession} an application sees for one request, backed by a {@link Session} working copy.
 *
 * <p>{@link Session#getAttribute(String)} decodes a fresh copy on every call, so this class caches each value it
 * hands out or is given: within a request, {@code getAttribute} twice returns the same object, as in any container.
 * For cached lists, sets and maps it also remembers their JSON form when first read or set; at save, a container
 * whose JSON form changed was modified in place and is written with {@link Session#setAttribute} (the classic
 * "add to the cart list in place" keeps working). Other objects changed in place without a new
 * {@code setAttribute} are not written. Nothing is written for values that were only read.
 *
 * <p>Attributes changed with {@link #updateAttribute} are not cached until the next save: their value as saved may
 * differ from what this request computed (the function is re-run on a fresher value after a conflict), so
 * {@code getAttribute} decodes them from the session each time, and a copy changed in place is never written over
 * another request's change.
 *
 * <p>Listeners: {@link HttpSessionBindingListener} values and the application's {@code HttpSessionListener}s,
 * {@code HttpSessionAttributeListener}s and {@code HttpSessionIdListener}s ({@link SessionListeners}) are told as a
 * container tells them. While {@code sessionDestroyed} and the unbinding at {@link #invalidate()} run, the session is
 * read-only: its attributes can still be read, as the Servlet spec requires ("about to be invalidated"), but it is
 * already gone from the store.
 *
 * <p>Not thread-safe, like the request it belongs to.
 */
final class StoreHttpSession implements SessionKitHttpSession {
    private static final ObjectMapper FINGERPRINT =
            new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final SessionRequest request;
    private final Session session;
    private final boolean createdByThisRequest;
    private final Map<String, Object> cache = new HashMap<>();
    /** The JSON form of cached containers when they were read or set, to spot changes made in place. */
    private final Map<String, String> pristine = new HashMap<>();
    /** Attributes changed with {@link #updateAttribute} since the last save: never cached, never tracked in place. */
    private final Set<String> updated = new HashSet<>();

    private boolean invalidated;
    /**
     * While {@link #invalidate()} tells the listeners: what is left to unbind, readable but no longer changeable;
     * null otherwise.
     */
    private @Nullable Map<String, @Nullable Object> expiring;

    StoreHttpSession(SessionRequest request, Session session, boolean createdByThisRequest) {
        this.request = request;
        this.session = session;
        this.createdByThisRequest = createdByThisRequest;
    }

    Session session() {
        return session;
    }

    /** Invalidated here, or found gone at save (another request invalidated or rotated it). */
    boolean isInvalidated() {
        return invalidated || session.isInvalidated();
    }

    /** Whether {@link #invalidate()} of this request deleted it: only then is the client told to drop the id. */
    boolean invalidatedByThisRequest() {
        return invalidated;
    }

    /** After every save of this request: what {@link #updateAttribute} changed is now stored, and cacheable again. */
    void afterSave() {
        updated.clear();
    }

    @Override
    public long getCreationTime() {
        checkReadable();
        return session.createdAt().toEpochMilli();
    }

    @Override
    public String getId() {
        // The raw id: it is the application's own token (it already holds it in the cookie). Never logged here.
        return session.id().value();
    }

    /** The time this request accessed the session, in epoch milliseconds. */
    @Override
    public long getLastAccessedTime() {
        checkReadable();
        return session.previousAccessAt().toEpochMilli();
    }

    @Override
    public ServletContext getServletContext() {
        return request.getServletContext();
    }

    /**
     * Sets this session's idle timeout. Zero or a negative value ("never time out" in the Servlet spec) means as long
     * as the absolute timeout ({@code sessionkit.absolute-timeout}) allows: a stored session always has an end.
     */
    @Override
    public void setMaxInactiveInterval(int interval) {
        checkValid();
        Duration idle = interval > 0
                ? Duration.ofSeconds(interval)
                : Duration.ofSeconds(Math.max(
                        1, request.manager().expiryPolicy().absoluteTimeout().toSeconds()));
        session.setMaxIdle(idle);
        request.sessionChanged();
    }

    @Override
    public int getMaxInactiveInterval() {
        return (int) Math.min(Integer.MAX_VALUE, session.maxIdle().toSeconds());
    }

    @Override
    public @Nullable Object getAttribute(String name) {
        checkReadable();
        Objects.requireNonNull(name, "name");
        Map<String, @Nullable Object> left = expiring;
        if (left != null) {
            return left.get(name);
        }
        if (cache.containsKey(name)) {
            return cache.get(name);
        }
        if (updated.contains(name)) {
            return session.getAttribute(name); // a fresh copy: see the class doc
        }
        Object value = session.getAttribute(name);
        if (value != null) {
            cache.put(name, value);
            if (rememberPristine(name, value)) {
                request.sessionChanged(); // a list or map handed out may be changed in place before the next write
            }
        }
        return value;
    }

    @Override
    public java.util.Enumeration<String> getAttributeNames() {
        checkReadable();
        Map<String, @Nullable Object> left = expiring;
        if (left != null) {
            return Collections.enumeration(new ArrayList<>(left.keySet()));
        }
        return Collections.enumeration(new ArrayList<>(session.attributeNames()));
    }

    /**
     * Stores the value now: a value the codec cannot store fails here with
     * {@link io.sessionkit.SessionCodecException}, not later at save.
     */
    @Override
    public void setAttribute(String name, Object value) {
        checkValid();
        if (value == null) {
            removeAttribute(name);
            return;
        }
        boolean existed = cache.containsKey(name) || session.attributeNames().contains(name);
        Object old = currentValueForUnbind(name);
        session.setAttribute(name, value); // encodes now: an unstorable value fails before any listener is told
        request.sessionChanged();
        updated.remove(name);
        cache.put(name, value);
        rememberPristine(name, value);
        if (old != value) {
            // The same object again is stored anew, but it was neither unbound nor newly bound.
            SessionListeners.valueBound(this, name, value);
            SessionListeners.valueUnbound(this, name, old);
        }
        if (existed) {
            request.listeners().attributeReplaced(this, name, old);
        } else {
            request.listeners().attributeAdded(this, name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        checkValid();
        Objects.requireNonNull(name, "name");
        if (!cache.containsKey(name) && !session.attributeNames().contains(name)) {
            return; // nothing to remove: do not turn a read-only request into a write
        }
        Object old = currentValueForUnbind(name);
        session.removeAttribute(name);
        request.sessionChanged();
        updated.remove(name);
        cache.remove(name);
        pristine.remove(name);
        SessionListeners.valueUnbound(this, name, old);
        request.listeners().attributeRemoved(this, name, old);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Neither {@link HttpSessionBindingListener}s nor {@code HttpSessionAttributeListener}s are notified: the function
     * may run again at save, on another value.
     */
    @Override
    public <T> @Nullable T updateAttribute(String name, Class<T> type, UnaryOperator<@Nullable T> fn) {
        checkValid();
        T next = session.updateAttribute(name, type, fn);
        request.sessionChanged();
        updated.add(name);
        cache.remove(name);
        pristine.remove(name);
        return next;
    }

    @Override
    public Optional<String> getPrincipal() {
        checkReadable();
        return session.principal();
    }

    @Override
    public void setPrincipal(@Nullable String principal) {
        if (principal == null && expiring != null) {
            return; // deleted from the store, and from the principal index with it, before the listeners were told
        }
        checkValid();
        session.setPrincipal(principal);
        request.sessionChanged();
    }

    /**
     * Deletes the session from the store at once, then tells the listeners, as a container does: the
     * {@code HttpSessionListener}s' {@code sessionDestroyed} first (the attributes can still be read), then, attribute by
     * attribute, {@link HttpSessionBindingListener#valueUnbound} and {@code HttpSessionAttributeListener.attributeRemoved}.
     * Binding listeners are the values read in this request and stored ones that decode to listeners (e.g. with the Java
     * serialization codec). Sessions that expire in the store are never announced: nothing runs when a record times out.
     *
     * <p>The store delete comes first: if it fails ({@link io.sessionkit.SessionStoreUnavailableException}), the
     * session stays valid and usable, the client keeps its cookie, nobody is told, and the exception propagates (the
     * filter answers 503 unless the application handles it). Never a cleared cookie for a session that is still live.
     */
    @Override
    public void invalidate() {
        checkValid();
        // Every attribute's value when someone listens for the whole session; else only the binding listeners.
        boolean everything = request.listeners().any();
        Map<String, @Nullable Object> values = new LinkedHashMap<>();
        for (String name : session.attributeNames()) {
            Object v = currentValueForUnbind(name);
            if (everything || v instanceof HttpSessionBindingListener) {
                values.put(name, v);
            }
        }
        request.manager().invalidate(session);
        invalidated = true;
        request.sessionChanged();
        cache.clear();
        pristine.clear();
        updated.clear();
        expiring = values;
        try {
            request.listeners().sessionDestroyed(this);
            for (String name : new ArrayList<>(values.keySet())) {
                Object v = values.remove(name);
                SessionListeners.valueUnbound(this, name, v);
                request.listeners().attributeRemoved(this, name, v);
            }
        } finally {
            expiring = null;
        }
    }

    /** True until the client has sent this session's id back: created by this request, or not yet saved. */
    @Override
    public boolean isNew() {
        checkReadable();
        return createdByThisRequest || session.isNew();
    }

    /** Writes lists, sets and maps that were changed in place since they were read or set (see class doc). */
    void writeBackChangedContainers() {
        if (isInvalidated()) {
            return;
        }
        for (Map.Entry<String, String> e : pristine.entrySet()) {
            Object current = cache.get(e.getKey());
            String now = current == null ? null : fingerprint(current);
            if (now != null && !now.equals(e.getValue())) {
                session.setAttribute(e.getKey(), current);
                e.setValue(now);
            }
        }
    }

    /** Remembers the JSON form of a list, set or map; true if the value is one whose in-place changes are tracked. */
    private boolean rememberPristine(String name, Object value) {
        @Nullable String f = isContainer(value) ? fingerprint(value) : null;
        if (f != null) {
            pristine.put(name, f);
            return true;
        }
        pristine.remove(name);
        return false;
    }

    /** The value's JSON text, used only to compare; null when it has no JSON form (then changes are not detected). */
    private static @Nullable String fingerprint(Object value) {
        try {
            return FINGERPRINT.writeValueAsString(value);
        } catch (JsonProcessingException | RuntimeException | StackOverflowError e) {
            return null;
        }
    }

    private static boolean isContainer(Object value) {
        return value instanceof Collection<?> || value instanceof Map<?, ?>;
    }

    /**
     * The value a listener would be told about: the cached one, else the stored one decoded (null if unreadable).
     * Peeked, not read: a blind {@code setAttribute} must not count as a read-modify-write for conflict detection.
     */
    private @Nullable Object currentValueForUnbind(String name) {
        if (cache.containsKey(name)) {
            return cache.get(name);
        }
        if (!session.attributeNames().contains(name)) {
            return null;
        }
        try {
            return session.peekAttribute(name);
        } catch (SessionCodecException e) {
            return null;
        }
    }

    /** For changes: the session must be live. */
    private void checkValid() {
        if (isInvalidated()) {
            throw new IllegalStateException(
                    expiring != null
                            ? "the session is being invalidated: its listeners may read it, not change it"
                            : "the session was invalidated");
        }
    }

    /** For reads: live, or being invalidated (its listeners are being told). */
    private void checkReadable() {
        if (expiring == null) {
            checkValid();
        }
    }
}
