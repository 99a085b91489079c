package io.sessionkit.servlet;

import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Tells the application's {@link HttpSessionListener}s, {@link HttpSessionIdListener}s and
 * {@link HttpSessionAttributeListener}s about SessionKit sessions, as the container would about its own: the ones the
 * container holds (read at each event, so the container's list is the one truth) and the ones added with
 * {@link SessionFilterConfig.Builder#listener}, each instance once even if registered both ways.
 *
 * <p>Order as in Tomcat and Jetty: registration order, {@code sessionDestroyed} in reverse. A listener that throws is
 * logged at WARNING and the others are still told; the request goes on. The same goes for
 * {@link HttpSessionBindingListener} values.
 */
final class SessionListeners {
    /** No container listeners, none added: nothing is ever told. */
    static final SessionListeners NONE = new SessionListeners(List::of, List.of());

    private final Supplier<? extends Iterable<?>> container;
    private final List<?> added;

    /**
     * @param container what the container holds now (any kind of listener; the others are skipped)
     * @param added     listeners from {@link SessionFilterConfig#listeners()}
     */
    SessionListeners(Supplier<? extends Iterable<?>> container, List<?> added) {
        this.container = container;
        this.added = List.copyOf(added);
    }

    /** Whether anyone listens for session or attribute events now (else the filter skips the work they need). */
    boolean any() {
        return !of(HttpSessionListener.class).isEmpty()
                || !of(HttpSessionAttributeListener.class).isEmpty();
    }

    /** Whether an {@link HttpSessionListener} is registered now: only then are expired sessions worth reporting. */
    boolean anySessionListener() {
        return !of(HttpSessionListener.class).isEmpty();
    }

    void sessionCreated(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(of(HttpSessionListener.class), "sessionCreated", l -> l.sessionCreated(event));
    }

    /**
     * On {@code invalidate()}, while the session can still be read (attributes included): the Servlet spec's "about to
     * be invalidated". For a session that expired in the store, {@code session} is an {@link ExpiredHttpSession}
     * ({@link ExpiryReporter}).
     */
    void sessionDestroyed(HttpSession session) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        List<HttpSessionListener> ls = new ArrayList<>(of(HttpSessionListener.class));
        Collections.reverse(ls);
        each(ls, "sessionDestroyed", l -> l.sessionDestroyed(event));
    }

    /** After {@code changeSessionId()}: {@code session.getId()} is the new id. */
    void sessionIdChanged(HttpSession session, String oldId) {
        HttpSessionEvent event = new HttpSessionEvent(session);
        each(of(HttpSessionIdListener.class), "sessionIdChanged", l -> l.sessionIdChanged(event, oldId));
    }

    void attributeAdded(HttpSession session, String name, Object value) {
        List<HttpSessionAttributeListener> ls = of(HttpSessionAttributeListener.class);
        if (!ls.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(ls, "attributeAdded", l -> l.attributeAdded(event));
        }
    }

    /** {@code old} is the value replaced, as the Servlet spec has it for {@code attributeReplaced}. */
    void attributeReplaced(HttpSession session, String name, @Nullable Object old) {
        List<HttpSessionAttributeListener> ls = of(HttpSessionAttributeListener.class);
        if (!ls.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
            each(ls, "attributeReplaced", l -> l.attributeReplaced(event));
        }
    }

    void attributeRemoved(HttpSession session, String name, @Nullable Object old) {
        List<HttpSessionAttributeListener> ls = of(HttpSessionAttributeListener.class);
        if (!ls.isEmpty()) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
            each(ls, "attributeRemoved", l -> l.attributeRemoved(event));
        }
    }

    static void valueBound(HttpSession session, String name, Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(List.of(l), "valueBound", x -> x.valueBound(event));
        }
    }

    static void valueUnbound(HttpSession session, String name, @Nullable Object value) {
        if (value instanceof HttpSessionBindingListener l) {
            HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, value);
            each(List.of(l), "valueUnbound", x -> x.valueUnbound(event));
        }
    }

    /** The listeners of one kind: the container's, then the added ones, each instance once. */
    private <L> List<L> of(Class<L> type) {
        List<L> out = new ArrayList<>();
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Object l : container.get()) {
            if (type.isInstance(l) && seen.add(l)) {
                out.add(type.cast(l));
            }
        }
        for (Object l : added) {
            if (type.isInstance(l) && seen.add(l)) {
                out.add(type.cast(l));
            }
        }
        return out;
    }

    private static <L> void each(List<L> listeners, String method, Consumer<L> call) {
        for (L l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                SessionFilter.LOG.log(
                        System.Logger.Level.WARNING,
                        l.getClass().getName() + "." + method + " threw; the other listeners are told and the request"
                                + " goes on",
                        e);
            }
        }
    }
}
