package io.sessionkit.springsession;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One Spring Session record as its source read it: the metadata decoded, the attribute values still the bytes Spring
 * Session's serializer wrote (decoded later, through the importer's allow-list).
 *
 * @param id                  the Spring Session id (the cookie's content): never logged, never stored by SessionKit
 * @param primaryId           the JDBC row's {@code PRIMARY_ID}; null for Redis
 * @param maxInactiveInterval negative: never expires (Spring Session's convention)
 * @param principalName       what the source itself recorded as the principal (JDBC's {@code PRINCIPAL_NAME}), or null
 */
record LegacySession(
        String id,
        @Nullable String primaryId,
        Instant creationTime,
        Instant lastAccessedTime,
        Duration maxInactiveInterval,
        Map<String, byte[]> attributes,
        @Nullable String principalName) {

    LegacySession {
        attributes = Map.copyOf(attributes);
    }

    /** Spring Session's own rule ({@code MapSession.isExpired}): idle for at least the max inactive interval. */
    boolean expiredAt(Instant now) {
        return !maxInactiveInterval.isNegative()
                && !now.minus(maxInactiveInterval).isBefore(lastAccessedTime);
    }

    /** When Spring Session would have expired it (its {@code EXPIRY_TIME}); only for a non-negative interval. */
    Instant expiresAt() {
        return lastAccessedTime.plus(maxInactiveInterval);
    }

    @Override
    public String toString() {
        // The id is a bearer token of the old system: never in a log line.
        return "LegacySession[" + LegacyIds.fingerprint(id) + ", " + attributes.size() + " attributes]";
    }
}
