package io.sessionkit.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the kit moves by hand, so expiry is tested without sleeping. It starts at the real current time (to the
 * millisecond) so that a backend's native TTLs, computed from it, stay in the future while the kit advances
 * logical time past {@code expiresAt}. Thread-safe.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    private MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    /** A clock at the current real time, truncated to milliseconds. */
    public static MutableClock startingNow() {
        return new MutableClock(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** Moves time forward (or back, with a negative duration). */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (ZoneOffset.UTC.equals(zone)) {
            return this;
        }
        throw new UnsupportedOperationException("MutableClock is UTC only");
    }
}
