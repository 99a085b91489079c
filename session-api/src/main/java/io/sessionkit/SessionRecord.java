package io.sessionkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One stored session as the SPI sees it: metadata plus the attributes as a JSON object text. Immutable; backends
 * store and return it without interpreting the attributes.
 *
 * <p>Times are kept to the millisecond (backends store epoch milliseconds); {@code maxIdle} to the second.
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
        String principal,
        String attributes) {

    public SessionRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(maxIdle, "maxIdle");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(attributes, "attributes");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1, was " + version);
        }
        createdAt = truncate(createdAt);
        lastAccessedAt = truncate(lastAccessedAt);
        expiresAt = truncate(expiresAt);
        if (maxIdle.getSeconds() < 1 || maxIdle.getNano() != 0) {
            throw new IllegalArgumentException("maxIdle must be whole seconds >= 1s, was " + maxIdle);
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
                + ", principal=" + (principal == null ? "-" : "set") + ", attributes=" + attributes.length() + " chars]";
    }
}
