package io.sessionkit.testing;

import io.sessionkit.SessionId;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The version-1 record backend tests write first: a fresh random key (or a given one), created and accessed at the
 * clock's now, idle timeout 30 minutes; and an {@linkplain #expired expired} one. Nothing is stored; the caller
 * decides where the record goes.
 */
public final class FreshRecords {
    /** The idle timeout of every record made here. */
    public static final Duration MAX_IDLE = Duration.ofMinutes(30);

    private FreshRecords() {}

    /** Expires {@link #MAX_IDLE} from now; {@code principal} may be null (no principal). */
    public static SessionRecord record(Clock clock, @Nullable String principal, String attributes) {
        return record(clock, MAX_IDLE, principal, attributes);
    }

    /** Expires {@code ttl} from now; {@code principal} may be null (no principal). */
    public static SessionRecord record(Clock clock, Duration ttl, @Nullable String principal, String attributes) {
        return record(SessionId.generate().key(), clock, ttl, principal, attributes);
    }

    /**
     * Under a given {@code key}, expiring {@link #MAX_IDLE} from now: the first record of a session whose key may still
     * hold an older, expired one.
     */
    public static SessionRecord record(SessionKey key, Clock clock, @Nullable String principal, String attributes) {
        return record(key, clock, MAX_IDLE, principal, attributes);
    }

    /**
     * A record of a session long gone: created 2 h and last accessed 1 h before the clock's now, idle timeout
     * {@link #MAX_IDLE}, expired 30 minutes ago, attributes {@code {}}; a fresh random key, {@code version} as given.
     */
    public static SessionRecord expired(Clock clock, long version, @Nullable String principal) {
        Instant now = clock.instant();
        return new SessionRecord(
                SessionId.generate().key(),
                version,
                now.minusSeconds(7200),
                now.minusSeconds(3600),
                MAX_IDLE,
                now.minusSeconds(1800),
                principal,
                "{}");
    }

    private static SessionRecord record(
            SessionKey key, Clock clock, Duration ttl, @Nullable String principal, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(key, 1, now, now, MAX_IDLE, now.plus(ttl), principal, attributes);
    }
}
