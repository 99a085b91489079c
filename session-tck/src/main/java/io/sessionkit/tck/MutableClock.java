package io.sessionkit.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock the kit moves by hand, so expiry is tested without sleeping. It starts at the real current time (to the
 * millisecond) so that a backend's native TTLs, computed from it, stay in the future while the kit advances
 * logical time past {@code expiresAt}. Thread-safe.
 */
public final class MutableClock extends Clock {
    /** The time every clock made by {@link #offset} shares; changed under its own lock. */
    private static final class Now {
        private volatile Instant value;

        Now(Instant value) {
            this.value = value;
        }
    }

    private final Now now;
    private final Duration offset;

    private MutableClock(Instant start) {
        this(new Now(start), Duration.ZERO);
    }

    private MutableClock(Now now, Duration offset) {
        this.now = now;
        this.offset = offset;
    }

    /**
     * A clock that moves with this one but reads {@code offset} later (earlier, if negative): another node's clock,
     * skewed. Advancing either moves both.
     */
    public MutableClock offset(Duration offset) {
        Objects.requireNonNull(offset, "offset");
        return new MutableClock(now, this.offset.plus(offset));
    }

    /** A clock at the current real time, truncated to milliseconds. */
    public static MutableClock startingNow() {
        return new MutableClock(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** Moves time forward (or back, with a negative duration). */
    public void advance(Duration d) {
        Objects.requireNonNull(d, "d");
        synchronized (now) {
            now.value = now.value.plus(d);
        }
    }

    /** Sets this clock to {@code instant} (a clock made by {@link #offset} keeps its offset). */
    public void set(Instant instant) {
        Instant start = Objects.requireNonNull(instant, "instant").minus(offset);
        synchronized (now) {
            now.value = start;
        }
    }

    @Override
    public Instant instant() {
        return now.value.plus(offset);
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
