package io.sessionkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long sessions live.
 *
 * <p>A session expires at {@code min(lastAccessedAt + maxIdle, createdAt + absoluteTimeout)}, stored as an absolute
 * instant. Accesses are written lazily: a request that changes nothing writes nothing unless {@code touchInterval}
 * has passed since the stored access time, so idle expiry is exact to within {@code touchInterval}, erring early.
 * A session with its own, shorter idle timeout is touched at least every tenth of it
 * ({@link #touchIntervalFor(Duration)}).
 *
 * @param maxIdle         idle timeout for new sessions, whole seconds, at least 1 s (default 30 minutes)
 * @param absoluteTimeout lifetime cap from creation, at least {@code maxIdle} (default 12 hours)
 * @param touchInterval   minimum time between access-only writes, less than {@code maxIdle} (default a tenth of it)
 */
public record ExpiryPolicy(Duration maxIdle, Duration absoluteTimeout, Duration touchInterval) {
    public static final Duration DEFAULT_MAX_IDLE = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofHours(12);

    public ExpiryPolicy {
        Objects.requireNonNull(maxIdle, "maxIdle");
        Objects.requireNonNull(absoluteTimeout, "absoluteTimeout");
        Objects.requireNonNull(touchInterval, "touchInterval");
        requireWholeSeconds(maxIdle, "maxIdle");
        if (absoluteTimeout.compareTo(maxIdle) < 0) {
            throw new IllegalArgumentException(
                    "absoluteTimeout (" + absoluteTimeout + ") must be >= maxIdle (" + maxIdle + ")");
        }
        if (touchInterval.isNegative() || touchInterval.compareTo(maxIdle) >= 0) {
            throw new IllegalArgumentException(
                    "touchInterval (" + touchInterval + ") must be >= 0 and < maxIdle (" + maxIdle + ")");
        }
    }

    /** 30 minutes idle, 12 hours absolute, touch every 3 minutes. */
    public static ExpiryPolicy defaults() {
        return of(DEFAULT_MAX_IDLE, DEFAULT_ABSOLUTE_TIMEOUT);
    }

    /** The given timeouts with the default touch interval, a tenth of {@code maxIdle}. */
    public static ExpiryPolicy of(Duration maxIdle, Duration absoluteTimeout) {
        return new ExpiryPolicy(maxIdle, absoluteTimeout, maxIdle.dividedBy(10));
    }

    /** This policy with another touch interval. */
    public ExpiryPolicy withTouchInterval(Duration interval) {
        return new ExpiryPolicy(maxIdle, absoluteTimeout, interval);
    }

    /**
     * The touch interval for a session whose own idle timeout is {@code sessionMaxIdle}: {@link #touchInterval()}, but
     * never more than a tenth of that timeout. A session given a shorter timeout than the policy's (e.g.
     * {@code setMaxInactiveInterval(120)} under a 3-minute touch interval) would otherwise expire while in use,
     * because its read-only requests would never write their access time.
     */
    public Duration touchIntervalFor(Duration sessionMaxIdle) {
        Duration tenth = sessionMaxIdle.dividedBy(10);
        return tenth.compareTo(touchInterval) < 0 ? tenth : touchInterval;
    }

    /** The absolute expiry of a session with these times. */
    public Instant expiresAt(Instant createdAt, Instant lastAccessedAt, Duration sessionMaxIdle) {
        Instant idle = lastAccessedAt.plus(sessionMaxIdle);
        Instant absolute = createdAt.plus(absoluteTimeout);
        return idle.isBefore(absolute) ? idle : absolute;
    }

    static void requireWholeSeconds(Duration d, String name) {
        if (d.getSeconds() < 1 || d.getNano() != 0) {
            throw new IllegalArgumentException(name + " must be whole seconds >= 1s, was " + d);
        }
    }
}
