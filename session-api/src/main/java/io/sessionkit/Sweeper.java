package io.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Collects expired records for one manager: on a store with {@link StoreFeature#EXPIRY_EVENTS} it claims them in
 * batches, reports each as an {@link SessionEvent.Type#EXPIRED} event and then removes them; on a store with only
 * {@link StoreFeature#PURGE_EXPIRED} it purges. Runs on one daemon thread every interval ±20% (so nodes do not sweep in
 * step), the first time after a random part of the interval.
 */
final class Sweeper implements AutoCloseable {
    /** The most batches one sweep claims, so one run is bounded and a backlog is worked off over several runs. */
    static final int MAX_BATCHES_PER_SWEEP = 100;

    private final SessionStore store;
    private final SessionObserver observer;
    private final EventDispatcher events;
    private final int batchSize;
    private final Duration lease;
    private final Duration interval;
    private final @Nullable ScheduledExecutorService executor;

    Sweeper(
            SessionStore store,
            SessionObserver observer,
            EventDispatcher events,
            Duration interval,
            int batchSize,
            Duration lease) {
        this.store = store;
        boolean sweepable = store.features().contains(StoreFeature.EXPIRY_EVENTS)
                || store.features().contains(StoreFeature.PURGE_EXPIRED);
        this.observer = observer;
        this.events = events;
        this.batchSize = batchSize;
        this.lease = lease;
        this.interval = interval;
        if (interval.isZero() || !sweepable) {
            this.executor = null;
        } else {
            ScheduledExecutorService e = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sessionkit-sweeper");
                t.setDaemon(true);
                return t;
            });
            // Assigned before the first run is scheduled: a run that starts at once must see it to reschedule itself.
            this.executor = e;
            long first = ThreadLocalRandom.current().nextLong(interval.toMillis() + 1);
            var unused = e.schedule(this::runAndReschedule, first, TimeUnit.MILLISECONDS);
        }
    }

    /** Whether a background thread sweeps. */
    boolean scheduled() {
        return executor != null;
    }

    private void runAndReschedule() {
        try {
            sweep();
        } catch (RuntimeException e) {
            Observers.throttled(this, "session sweep failed, retrying at the next interval: {0}", e.toString());
        }
        ScheduledExecutorService e = executor;
        if (e != null && !e.isShutdown()) {
            long millis = interval.toMillis();
            long jittered = millis * 8 / 10 + ThreadLocalRandom.current().nextLong(millis * 4 / 10 + 1);
            try {
                var unused = e.schedule(this::runAndReschedule, jittered, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // closed meanwhile
            }
        }
    }

    /**
     * One sweep now, on the calling thread.
     *
     * @return how many expired records were collected
     */
    int sweep() {
        long start = System.nanoTime();
        int collected = 0;
        if (store.features().contains(StoreFeature.EXPIRY_EVENTS)) {
            for (int batch = 0; batch < MAX_BATCHES_PER_SWEEP; batch++) {
                List<ExpiredSession> claimed = store.claimExpired(batchSize, lease);
                if (claimed.isEmpty()) {
                    break;
                }
                if (events.active()) {
                    for (ExpiredSession s : claimed) {
                        events.deliverNow(new SessionEvent(
                                SessionEvent.Type.EXPIRED, s.key(), null, s.principal(), null, s.expiresAt()));
                    }
                }
                store.removeExpired(claimed);
                collected += claimed.size();
                if (claimed.size() < batchSize) {
                    break;
                }
            }
        } else if (store.features().contains(StoreFeature.PURGE_EXPIRED)) {
            collected = store.purgeExpired();
        }
        int total = collected;
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Observers.notify(observer, o -> o.swept(total, took));
        return total;
    }

    @Override
    public void close() {
        ScheduledExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
