package io.sessionkit;

import java.time.Instant;
import java.util.Objects;

/**
 * What can be said about a session without its raw id, e.g. for a "your devices" page or an admin view. Returned by
 * {@link SessionManager#findByPrincipal(String)}; pass {@link #key()} to {@link SessionManager#invalidate(SessionKey)}.
 *
 * @param key            the hashed key
 * @param principal      the user
 * @param createdAt      creation time
 * @param lastAccessedAt last written access
 * @param expiresAt      absolute expiry
 */
public record SessionInfo(
        SessionKey key, String principal, Instant createdAt, Instant lastAccessedAt, Instant expiresAt) {
    static SessionInfo of(SessionRecord r) {
        // Only records found by their principal come here.
        return new SessionInfo(
                r.key(),
                Objects.requireNonNull(r.principal(), "principal"),
                r.createdAt(),
                r.lastAccessedAt(),
                r.expiresAt());
    }
}
