package io.sessionkit;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Delivers request-path events on one daemon thread from a bounded queue: a request pays one non-blocking
 * {@code offer}, never a listener's time. Expired events are delivered directly by the sweeper
 * ({@link #deliverNow}), which may wait for listeners.
 */
final class EventDispatcher implements AutoCloseable {
    /** How long {@link #close} waits for queued events to be delivered. */
    static final long CLOSE_DRAIN_MILLIS = 2_000;

    private final List<SessionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final SessionObserver observer;
    private final BlockingQueue<SessionEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private @Nullable Thread thread;
    private volatile boolean closing;

    EventDispatcher(List<SessionEventListener> listeners, SessionObserver observer, int capacity) {
        this.observer = observer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        listeners.forEach(this::add);
    }

    /** Adds a listener; the delivery thread starts with the first one. */
    synchronized void add(SessionEventListener listener) {
        if (closing) {
            throw new IllegalStateException("the session manager is closed");
        }
        listeners.add(listener);
        if (thread == null) {
            Thread t = new Thread(this::run, "sessionkit-events");
            t.setDaemon(true);
            t.start();
            thread = t;
        }
    }

    /** Whether anyone listens: without listeners no event is made. */
    boolean active() {
        return !listeners.isEmpty();
    }

    /** Queues {@code event} without blocking; drops and counts it if the queue is full or closing. */
    void publish(SessionEvent event) {
        if (closing || !queue.offer(event)) {
            long total = dropped.incrementAndGet();
            Observers.notify(observer, o -> o.eventsDropped(1));
            Observers.throttled(
                    this,
                    "session event queue full (sessionkit.events.queue-capacity); {0} events dropped so far",
                    total);
        }
    }

    /** Delivers {@code event} to every listener on the calling thread. */
    void deliverNow(SessionEvent event) {
        for (SessionEventListener l : listeners) {
            Observers.deliver(l, event);
        }
    }

    long dropped() {
        return dropped.get();
    }

    private void run() {
        while (true) {
            SessionEvent event;
            try {
                event = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (event != null) {
                deliverNow(event);
            } else if (closing) {
                return;
            }
        }
    }

    /** Stops accepting events and waits up to {@link #CLOSE_DRAIN_MILLIS} for the queued ones to be delivered. */
    @Override
    public void close() {
        Thread thread;
        synchronized (this) {
            closing = true;
            thread = this.thread;
        }
        if (thread == null) {
            return;
        }
        try {
            thread.join(CLOSE_DRAIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
