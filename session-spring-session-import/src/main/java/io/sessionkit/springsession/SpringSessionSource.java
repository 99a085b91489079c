package io.sessionkit.springsession;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where Spring Session kept its sessions: {@link SpringSessionRedisSource} or {@link SpringSessionJdbcSource}. A source
 * reads one legacy record by its Spring Session id and deletes it; it never writes one, and it knows nothing of
 * SessionKit's store. Thread-safe.
 */
public abstract sealed class SpringSessionSource permits SpringSessionRedisSource, SpringSessionJdbcSource {
    SpringSessionSource() {}

    /**
     * The name the imported session reports as its source ({@code spring-session-redis} or {@code spring-session-jdbc}),
     * for logs and metrics.
     */
    public abstract String name();

    /**
     * The record stored under {@code sessionId}, expired or not, in one read; empty when there is none.
     *
     * @throws io.sessionkit.SessionStoreUnavailableException when the legacy store cannot be read
     */
    abstract Optional<LegacySession> find(String sessionId);

    /**
     * Deletes the record and whatever the source keeps beside it for it (Redis: its index keys; JDBC: its attribute
     * rows). {@code principal} is the name the record was indexed under, when known.
     *
     * @throws io.sessionkit.SessionStoreUnavailableException when the legacy store cannot be written
     */
    abstract void delete(LegacySession session, @Nullable String principal);

    /**
     * Where the import of {@code sessionId} stands, so that concurrent requests presenting the same legacy cookie end
     * in one SessionKit session: null when no request has claimed it, {@link #PENDING} while one is importing it, else
     * the SessionKit id it was imported as (kept for {@link #FORWARD_TTL} after the import). The default knows nothing
     * (every request imports on its own).
     */
    @Nullable
    String importState(String sessionId) {
        return null;
    }

    /**
     * Claims the import of {@code sessionId} for this request, atomically: true for exactly one of several racing
     * requests (for {@link #CLAIM_TTL}, or until {@link #forward}). The default claims always.
     */
    boolean claim(String sessionId) {
        return true;
    }

    /** Records that {@code sessionId} was imported as {@code sessionKitId}, for {@link #FORWARD_TTL}. */
    void forward(String sessionId, String sessionKitId) {}

    /** {@link #importState} of a claimed import not finished yet. */
    static final String PENDING = "";
    /** How long a claim holds when its request never finishes the import (its store failed, the node died). */
    static final java.time.Duration CLAIM_TTL = java.time.Duration.ofSeconds(10);
    /** How long a concurrent request presenting the legacy cookie joins the session it was imported as. */
    static final java.time.Duration FORWARD_TTL = java.time.Duration.ofSeconds(10);
}
