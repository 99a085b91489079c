package io.sessionkit.servlet;

import io.sessionkit.SessionEvent;
import io.sessionkit.SessionEventListener;
import jakarta.servlet.ServletContext;
import org.jspecify.annotations.Nullable;

/**
 * Turns the manager's {@link SessionEvent.Type#EXPIRED} events into the web app's
 * {@code HttpSessionListener.sessionDestroyed}, through {@link SessionListeners} like every other session event, with
 * an {@link ExpiredHttpSession} as the event's session. The other event types are ignored: the request that created,
 * rotated or invalidated a session told the listeners itself, at the moment the Servlet spec says.
 *
 * <p>Runs where the manager delivers expired events: on the sweeper's thread ({@code sessionkit-sweeper}, or the
 * caller of {@link io.sessionkit.SessionManager#sweepExpired()}), before the sweep removes the record. The web app's
 * class loader is the thread's context class loader for the call, as it is in a request. Each expired session is
 * reported by the one node whose sweep claimed it, so it is told once per cluster (again only if that node died
 * before it removed the record). An invalidated session is deleted from the store, so no sweep ever finds it.
 *
 * <p>After {@link #stop()} (the filter was destroyed; a manager the filter does not own lives on, and cannot drop a
 * listener) nothing is told any more.
 */
final class ExpiryReporter implements SessionEventListener {
    private final SessionListeners listeners;
    private final ServletContext context;
    private final @Nullable ClassLoader loader;
    private volatile boolean stopped;

    ExpiryReporter(SessionListeners listeners, ServletContext context, @Nullable ClassLoader loader) {
        this.listeners = listeners;
        this.context = context;
        this.loader = loader;
    }

    /** The web app's class loader: the context's, else the one of the thread that starts the filter. */
    static @Nullable ClassLoader webAppLoader(ServletContext context) {
        try {
            ClassLoader l = context.getClassLoader();
            if (l != null) {
                return l;
            }
        } catch (SecurityException | UnsupportedOperationException e) {
            // A context that will not tell (a security manager, a programmatic listener's restricted context): the
            // filter starts on the web app's thread, whose context class loader is the web app's.
        }
        return Thread.currentThread().getContextClassLoader();
    }

    @Override
    public void onEvent(SessionEvent event) {
        if (event.type() != SessionEvent.Type.EXPIRED || stopped) {
            return;
        }
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            listeners.sessionDestroyed(new ExpiredHttpSession(event.key(), context));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** No more calls: the web app is going away. */
    void stop() {
        stopped = true;
    }
}
