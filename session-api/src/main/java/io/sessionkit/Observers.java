package io.sessionkit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Calls into observers and listeners so that nothing they throw reaches the caller; what they throw is logged once
 * a minute per culprit (a broken listener must not flood the log either).
 */
final class Observers {
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final ConcurrentHashMap<Object, Long> LAST_LOGGED = new ConcurrentHashMap<>();

    private Observers() {}

    static void notify(SessionObserver observer, Consumer<SessionObserver> signal) {
        try {
            signal.accept(observer);
        } catch (RuntimeException e) {
            failed(observer, e);
        }
    }

    static SessionObserver.StoreCall start(SessionObserver observer, StoreOperation operation) {
        try {
            return observer.storeCall(operation);
        } catch (RuntimeException e) {
            failed(observer, e);
            return SessionObserver.StoreCall.NONE;
        }
    }

    static void end(SessionObserver.StoreCall call, StoreOutcome outcome) {
        try {
            call.end(outcome);
        } catch (RuntimeException e) {
            failed(call, e);
        }
    }

    static void deliver(SessionEventListener listener, SessionEvent event) {
        try {
            listener.onEvent(listener.receivesPrincipal() ? event : event.withoutPrincipal());
        } catch (RuntimeException e) {
            failed(listener, e);
        }
    }

    /** Logs at WARNING, at most once a minute per {@code culprit}; returns whether it logged. */
    static boolean throttled(Object culprit, String message, @Nullable Object... args) {
        long now = System.nanoTime();
        Long last = LAST_LOGGED.get(culprit);
        if (last != null && now - last < LOG_EVERY_NANOS) {
            return false;
        }
        if (LAST_LOGGED.size() > 1000) {
            LAST_LOGGED.clear(); // culprits are few; a bound in case someone makes listeners per request
        }
        LAST_LOGGED.put(culprit, now);
        SessionManager.LOG.log(System.Logger.Level.WARNING, message, args);
        return true;
    }

    private static void failed(Object culprit, RuntimeException e) {
        throttled(
                culprit,
                "{0} threw {1} (ignored; logged at most once a minute): {2}",
                culprit.getClass().getName(),
                e.getClass().getName(),
                e.getMessage());
    }
}
