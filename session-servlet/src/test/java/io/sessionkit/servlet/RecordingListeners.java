package io.sessionkit.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Session listeners that write what they are told into the deployment's {@link EventLog} (the servlet context
 * attribute {@link #LOG_ATTRIBUTE}), one class per way of registering them, so a test sees which were told and how
 * often. Public with public constructors: the containers instantiate the declared ones by class name.
 */
public final class RecordingListeners {
    static final String LOG_ATTRIBUTE = "test.events";

    private RecordingListeners() {}

    /** What the listeners of one deployment were told, in order, each line led by the listener's simple name. */
    static final class EventLog {
        private final List<String> events = new CopyOnWriteArrayList<>();

        void add(String event) {
            events.add(event);
        }

        /** The events of one listener class, without its name. */
        List<String> of(Class<?> listener) {
            String tag = listener.getSimpleName() + ": ";
            List<String> out = new ArrayList<>();
            for (String e : events) {
                if (e.startsWith(tag)) {
                    out.add(e.substring(tag.length()));
                }
            }
            return out;
        }

        List<String> all() {
            return List.copyOf(events);
        }
    }

    static void record(HttpSession session, Object listener, String event) {
        ServletContext context = session.getServletContext();
        if (context != null && context.getAttribute(LOG_ATTRIBUTE) instanceof EventLog log) {
            log.add(listener.getClass().getSimpleName() + ": " + event);
        }
    }

    /** The destruction of {@code s} with its attributes, read in the order of {@code names}. */
    static String destroyed(HttpSession s, Iterable<String> names) {
        List<String> attributes = new ArrayList<>();
        for (String name : names) {
            attributes.add(name + "=" + s.getAttribute(name));
        }
        return "destroyed " + s.getId() + " " + attributes;
    }

    static String idChanged(HttpSessionEvent e, String oldSessionId) {
        return "idChanged " + oldSessionId + " -> " + e.getSession().getId();
    }

    /** Every session event, with what a careful listener would check about it. */
    public abstract static class Recording
            implements HttpSessionListener, HttpSessionIdListener, HttpSessionAttributeListener {
        /** Where every callback ends: records the event. */
        void tell(HttpSession session, String event) {
            record(session, this, event);
        }

        @Override
        public void sessionCreated(HttpSessionEvent e) {
            HttpSession s = e.getSession();
            tell(s, "created " + s.getId() + " kit=" + (s instanceof SessionKitHttpSession) + " new=" + s.isNew());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent e) {
            HttpSession s = e.getSession();
            tell(s, destroyed(s, new TreeSet<>(Collections.list(s.getAttributeNames()))));
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent e, String oldSessionId) {
            tell(e.getSession(), idChanged(e, oldSessionId));
        }

        @Override
        public void attributeAdded(HttpSessionBindingEvent e) {
            tell(e.getSession(), "added " + e.getName() + "=" + e.getValue());
        }

        @Override
        public void attributeReplaced(HttpSessionBindingEvent e) {
            tell(
                    e.getSession(),
                    "replaced " + e.getName() + " old=" + e.getValue() + " now="
                            + e.getSession().getAttribute(e.getName()));
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent e) {
            tell(e.getSession(), "removed " + e.getName() + "=" + e.getValue());
        }
    }

    /** Registered by class name, as a {@code <listener>} in web.xml or a {@code @WebListener} class. */
    public static final class Declared extends Recording {}

    /** Registered with {@code ServletContext.addListener(instance)}, as Spring Boot's ServletListenerRegistrationBean. */
    public static final class AddedInstance extends Recording {}

    /** Registered with {@code ServletContext.addListener(Class)}. */
    public static final class AddedClass extends Recording {}

    /** Registered with {@link SessionFilterConfig.Builder#listener}. */
    public static final class Programmatic extends Recording {}

    /**
     * Shaped like Spring Security's {@code HttpSessionEventPublisher}: an {@link HttpSessionListener} and
     * {@link HttpSessionIdListener} that needs the servlet context (to find the Spring context) and, on destroy, reads
     * every attribute (to find the security contexts).
     */
    public static final class PublisherLike implements HttpSessionListener, HttpSessionIdListener {
        @Override
        public void sessionCreated(HttpSessionEvent e) {
            record(e.getSession(), this, "created " + e.getSession().getId());
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent e) {
            HttpSession s = e.getSession();
            record(s, this, destroyed(s, Collections.list(s.getAttributeNames())));
        }

        @Override
        public void sessionIdChanged(HttpSessionEvent e, String oldSessionId) {
            record(e.getSession(), this, idChanged(e, oldSessionId));
        }
    }

    /**
     * Checks, on {@code sessionDestroyed}, what a listener can and cannot do with the session it is handed: its id, the
     * attributes, the servlet context, whether changes are refused, and whether the thread's context class loader is
     * the one its requests ran with (recorded at {@code sessionCreated}, in a request).
     */
    public static final class ExpiryProbe implements HttpSessionListener {
        private volatile @org.jspecify.annotations.Nullable ClassLoader requestLoader;

        @Override
        public void sessionCreated(HttpSessionEvent e) {
            requestLoader = Thread.currentThread().getContextClassLoader();
        }

        @Override
        public void sessionDestroyed(HttpSessionEvent e) {
            HttpSession s = e.getSession();
            record(
                    s,
                    this,
                    "destroyed " + s.getId() + " names=" + Collections.list(s.getAttributeNames()) + " a="
                            + s.getAttribute("a") + " context=" + (s.getServletContext() != null) + " set="
                            + refused(() -> s.setAttribute("x", "y")) + " remove="
                            + refused(() -> s.removeAttribute("a"))
                            + " invalidate=" + refused(s::invalidate) + " webAppLoader="
                            + (Thread.currentThread().getContextClassLoader() == requestLoader));
        }

        static String refused(Runnable change) {
            try {
                change.run();
                return "allowed";
            } catch (IllegalStateException refused) {
                return "refused";
            }
        }
    }

    /**
     * Follows a login attribute ({@code user}) into the session's principal, as the Spring Boot starter follows Spring
     * Security's context: set on add, cleared on remove, also when the remove comes from {@code invalidate()}.
     */
    public static final class PrincipalFollower implements HttpSessionAttributeListener {
        @Override
        public void attributeAdded(HttpSessionBindingEvent e) {
            if ("user".equals(e.getName()) && e.getSession() instanceof SessionKitHttpSession s) {
                s.setPrincipal(String.valueOf(e.getValue()));
            }
        }

        @Override
        public void attributeRemoved(HttpSessionBindingEvent e) {
            if ("user".equals(e.getName()) && e.getSession() instanceof SessionKitHttpSession s) {
                String before = s.getPrincipal().orElse("none");
                s.setPrincipal(null);
                record(
                        s,
                        this,
                        "removed user principal=" + before + " set="
                                + ExpiryProbe.refused(() -> s.setPrincipal("mallory")));
            }
        }
    }

    /** Throws from every callback (each goes through {@link Recording#tell}). */
    public static final class Throwing extends Recording {
        @Override
        void tell(HttpSession session, String event) {
            throw new IllegalStateException("listener failure for the test");
        }
    }
}
