package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Something that happened to a session, as {@link SessionEventListener}s see it: hashed keys only, never a raw id, and
 * the principal only for listeners that {@linkplain SessionEventListener#receivesPrincipal() asked for it}.
 *
 * @param type        what happened
 * @param key         the session's hashed key (after a rotation: the new one)
 * @param previousKey for {@link Type#ROTATED}, the key it had before; otherwise null
 * @param principal   the user, when known and asked for; otherwise null
 * @param reason      for {@link Type#INVALIDATED}, who ended it; otherwise null
 * @param at          when, by the manager's clock (for {@link Type#EXPIRED}: when it expired)
 * @param source      for {@link Type#IMPORTED}, where the session came from (a short fixed name such as
 *                    {@code container} or {@code spring-session-redis}); otherwise null
 */
public record SessionEvent(
        Type type,
        SessionKey key,
        @Nullable SessionKey previousKey,
        @Nullable String principal,
        @Nullable Reason reason,
        Instant at,
        @Nullable String source) {

    /** What happened. */
    public enum Type {
        /** The session was first written to the store. */
        CREATED,
        /** The session moved to a new id ({@link SessionManager#rotateId}); {@link #previousKey()} is the old key. */
        ROTATED,
        /** The session was deleted before it expired; {@link #reason()} says by whom. */
        INVALIDATED,
        /** The session expired and a sweep collected it. Reported by one node (at least once). */
        EXPIRED,
        /**
         * The session was made from one kept elsewhere ({@link SessionManager#importSession}: the servlet container's
         * own session, another session library's store) and first written; {@link #source()} names where from.
         * Published right after its {@link #CREATED}.
         */
        IMPORTED
    }

    /** Who ended an {@link Type#INVALIDATED} session. */
    public enum Reason {
        /** The session's own request: log-out ({@link SessionManager#invalidate(Session)} or by its id). */
        REQUEST,
        /** "Log out everywhere" for its principal ({@link SessionManager#invalidateAll}). */
        PRINCIPAL,
        /** An administrator or another user, by hashed key ({@link SessionManager#invalidate(SessionKey)}). */
        ADMIN
    }

    public SessionEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(at, "at");
        if ((type == Type.ROTATED) != (previousKey != null)) {
            throw new IllegalArgumentException("previousKey is set exactly for ROTATED events");
        }
        if ((type == Type.INVALIDATED) != (reason != null)) {
            throw new IllegalArgumentException("reason is set exactly for INVALIDATED events");
        }
        if ((type == Type.IMPORTED) != (source != null)) {
            throw new IllegalArgumentException("source is set exactly for IMPORTED events");
        }
    }

    /** An event of any type but {@link Type#IMPORTED} (no source). */
    public SessionEvent(
            Type type,
            SessionKey key,
            @Nullable SessionKey previousKey,
            @Nullable String principal,
            @Nullable Reason reason,
            Instant at) {
        this(type, key, previousKey, principal, reason, at, null);
    }

    /** This event without its principal. */
    SessionEvent withoutPrincipal() {
        return principal == null ? this : new SessionEvent(type, key, previousKey, null, reason, at, source);
    }
}
