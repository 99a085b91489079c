package io.sessionkit.demo;

import io.sessionkit.SessionEvent;
import io.sessionkit.SessionEventListener;
import io.sessionkit.SessionObserver;
import java.util.concurrent.atomic.LongAdder;

/**
 * The panel's live counters, fed by SessionKit's event SPI only: a {@link SessionEventListener} counts the sessions
 * this instance created, rotated, saw invalidated and saw expire, and a {@link SessionObserver} counts the
 * compare-and-set conflicts its writes lost (each one retried or answered 409). Nothing here identifies a session or
 * a user. Thread-safe: events arrive on the manager's event and sweeper threads, conflicts on request threads.
 */
final class SessionCounters implements SessionEventListener, SessionObserver {
    private final LongAdder created = new LongAdder();
    private final LongAdder rotated = new LongAdder();
    private final LongAdder invalidated = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder conflicts = new LongAdder();

    /**
     * The counters at one moment.
     *
     * @param created     sessions this instance wrote first
     * @param rotated     ids changed here (login)
     * @param invalidated sessions deleted through this instance (log out, log out everywhere)
     * @param expired     expired sessions this instance's sweeper collected (only on a store that reports expiry)
     * @param conflicts   compare-and-set races this instance's writes lost
     */
    record Counts(long created, long rotated, long invalidated, long expired, long conflicts) {
        /**
         * An estimate of the sessions alive that this instance started: created − invalidated − expired, never below
         * zero. With several instances each counts its own events, and a session created here may end elsewhere (a
         * log-out served by another instance, a sweep by another node), so only the sum over all instances is the
         * cluster's figure; on a store that does not report expiry, sessions that time out are never subtracted.
         */
        long active() {
            return Math.max(0, created - invalidated - expired);
        }
    }

    @Override
    public void onEvent(SessionEvent event) {
        switch (event.type()) {
            case CREATED -> created.increment();
            case ROTATED -> rotated.increment();
            case INVALIDATED -> invalidated.increment();
            case EXPIRED -> expired.increment();
            case IMPORTED -> {
                // Already counted by its CREATED event; where it came from is not shown on this page.
            }
        }
    }

    @Override
    public void conflict(int retry) {
        conflicts.increment();
    }

    Counts counts() {
        return new Counts(created.sum(), rotated.sum(), invalidated.sum(), expired.sum(), conflicts.sum());
    }
}
