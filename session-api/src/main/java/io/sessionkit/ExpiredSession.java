package io.sessionkit;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A record a sweep claimed because it expired (see {@link SessionStore#claimExpired}): what a listener may learn
 * about it, never its raw id.
 *
 * @param key       the hashed key
 * @param principal the user, if the record had one
 * @param expiresAt when it expired, as stored before the claim
 */
public record ExpiredSession(SessionKey key, @Nullable String principal, Instant expiresAt) {
    /** A well-formed key no session can have (no generated id hashes to it in practice): the default ping loads it. */
    static final SessionKey PROBE_KEY = new SessionKey(SessionKey.hash("sessionkit health probe"));

    public ExpiredSession {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
