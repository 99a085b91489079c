package io.sessionkit;

/**
 * Receives the {@link SessionEvent}s of a {@link SessionManager} (created, rotated, invalidated, expired).
 *
 * <p>Delivery, and what a listener may cost:
 * <ul>
 *   <li>Request-path events (created, rotated, invalidated) are queued without blocking (one {@code offer} on a bounded
 *       queue, {@code sessionkit.events.queue-capacity}) and delivered in order on one daemon thread,
 *       {@code sessionkit-events}. A slow listener therefore never slows a request; if the queue is full the event is
 *       dropped, counted ({@link SessionObserver#eventsDropped}) and logged at most once a minute.</li>
 *   <li>Expired events are delivered on the sweeper thread, {@code sessionkit-sweeper}, before the sweep removes the
 *       records it claimed: a node that dies before delivery leaves them to be claimed and reported again.</li>
 *   <li>So a listener is called from two threads, possibly at once: it must be thread-safe.</li>
 *   <li>An exception thrown by a listener is logged (once per listener and minute) and otherwise ignored; it never
 *       reaches a request and never stops delivery to other listeners.</li>
 * </ul>
 */
@FunctionalInterface
public interface SessionEventListener {
    void onEvent(SessionEvent event);

    /**
     * Whether this listener receives {@link SessionEvent#principal()}; default false, so a listener that only counts or
     * logs never sees who the user was.
     */
    default boolean receivesPrincipal() {
        return false;
    }

    /** A listener that receives principals ({@link #receivesPrincipal()} true) and hands each event to {@code sink}. */
    static SessionEventListener withPrincipal(java.util.function.Consumer<SessionEvent> sink) {
        java.util.Objects.requireNonNull(sink, "sink");
        return new SessionEventListener() {
            @Override
            public void onEvent(SessionEvent event) {
                sink.accept(event);
            }

            @Override
            public boolean receivesPrincipal() {
                return true;
            }
        };
    }
}
