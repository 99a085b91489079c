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
}
