package io.sessionkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stored session as the SPI sees it: metadata plus the attributes as a JSON object text. Immutable; backends
 * store and return it without interpreting the attributes.
 *
 * <p>Times are kept to the millisecond (backends store epoch milliseconds); {@code maxIdle} to the second. Every time
 * lies in {@link #MIN_TIME}..{@link #MAX_TIME} and {@code maxIdle} in 1 s..{@link #MAX_IDLE}: the constructor throws
 * {@link IllegalArgumentException} otherwise, and decoders report such stored metadata as
 * {@link SessionCodecException}, so hostile metadata is undecodable instead of failing a later save.
 *
 * @param key            the hashed key
 * @param version        1 on create, +1 on every successful replace
 * @param createdAt      when the session was created
 * @param lastAccessedAt the last access that was written (lazy touch: see {@link ExpiryPolicy#touchInterval()})
 * @param maxIdle        the idle timeout of this session, whole seconds, at least one second
 * @param expiresAt      absolute expiry: {@code min(lastAccessedAt + maxIdle, createdAt + absoluteTimeout)}
 * @param principal      the authenticated user this session belongs to, or {@code null}
 * @param attributes     the attributes as the text of one JSON object, e.g. {@code {"cart":[1,2]}}
 */
public record SessionRecord(
        SessionKey key,
        long version,
        Instant createdAt,
        Instant lastAccessedAt,
        Duration maxIdle,
        Instant expiresAt,
        @Nullable String principal,
        String attributes) {

    public SessionRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(maxIdle, "maxIdle");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(attributes, "attributes");
        if (version < 1 || version == Long.MAX_VALUE) {
            // Long.MAX_VALUE could never be replaced: the next version would overflow.
            throw new IllegalArgumentException("version must be in 1.." + (Long.MAX_VALUE - 1) + ", was " + version);
        }
        requireInRange(createdAt, "createdAt");
        requireInRange(lastAccessedAt, "lastAccessedAt");
        requireInRange(expiresAt, "expiresAt");
        createdAt = truncate(createdAt);
        lastAccessedAt = truncate(lastAccessedAt);
        expiresAt = truncate(expiresAt);
        if (maxIdle.getSeconds() < 1 || maxIdle.getNano() != 0 || maxIdle.compareTo(MAX_IDLE) > 0) {
            throw new IllegalArgumentException("maxIdle must be whole seconds in 1s.." + MAX_IDLE + ", was " + maxIdle);
        }
    }

    /**
     * The longest idle timeout a record may carry: 100 years, more than {@code Integer.MAX_VALUE} seconds (what
     * {@code HttpSession.setMaxInactiveInterval} can ask for), small enough that no time arithmetic overflows.
     */
    public static final Duration MAX_IDLE = Duration.ofDays(36_500);
    /** The earliest time a record may carry: the Unix epoch. */
    public static final Instant MIN_TIME = Instant.EPOCH;
    /** The latest time a record may carry: the end of year 9999 UTC. */
    public static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

    private static void requireInRange(Instant t, String name) {
        if (t.isBefore(MIN_TIME) || t.isAfter(MAX_TIME)) {
            throw new IllegalArgumentException(
                    name + " must be between " + MIN_TIME + " and " + MAX_TIME + ", was " + t);
        }
    }

    /** Whether this record is expired at {@code now}: {@code expiresAt <= now}. */
    public boolean isExpiredAt(Instant now) {
        return !expiresAt.isAfter(now);
    }

    /** The same record with another version. */
    public SessionRecord withVersion(long newVersion) {
        return new SessionRecord(key, newVersion, createdAt, lastAccessedAt, maxIdle, expiresAt, principal, attributes);
    }

    /** The same record with other attribute text (same version and times): for backdoors and tests, not for saves. */
    public SessionRecord withAttributes(String newAttributes) {
        return new SessionRecord(key, version, createdAt, lastAccessedAt, maxIdle, expiresAt, principal, newAttributes);
    }

    /** The same record with another principal (same version and times): for backdoors and tests, not for saves. */
    public SessionRecord withPrincipal(@Nullable String newPrincipal) {
        return new SessionRecord(key, version, createdAt, lastAccessedAt, maxIdle, expiresAt, newPrincipal, attributes);
    }

    /** The same record under another key (used by rotation). */
    public SessionRecord withKey(SessionKey newKey) {
        return new SessionRecord(newKey, version, createdAt, lastAccessedAt, maxIdle, expiresAt, principal, attributes);
    }

    private static Instant truncate(Instant t) {
        return Instant.ofEpochMilli(t.toEpochMilli());
    }

    @Override
    public String toString() {
        return "SessionRecord[key=" + key.shortForm() + ", version=" + version + ", expiresAt=" + expiresAt
                + ", principal=" + (principal == null ? "-" : "set") + ", attributes=" + attributes.length()
                + " chars]";
    }
}
