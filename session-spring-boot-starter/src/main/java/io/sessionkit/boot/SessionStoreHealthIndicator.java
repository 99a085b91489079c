package io.sessionkit.boot;

import io.sessionkit.SessionManager;
import io.sessionkit.StoreHealth;
import java.util.Objects;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The session store's health ({@link SessionManager#health()}: one cheap round trip, bounded by the store's timeouts),
 * under {@code sessionKit} in {@code /actuator/health}: up or down, the store's type, the check's latency, and why it
 * is down (the exception's class and message; store errors carry no ids or secrets).
 */
public final class SessionStoreHealthIndicator implements HealthIndicator {
    private final SessionManager manager;

    /** The health of {@code manager}'s store. */
    public SessionStoreHealthIndicator(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    @Override
    public Health health() {
        StoreHealth h = manager.health();
        Health.Builder b = h.up() ? Health.up() : Health.down();
        b.withDetail("store", manager.store().getClass().getSimpleName())
                .withDetail("latency", h.latency().toMillis() + "ms");
        String failure = h.failure();
        if (failure != null) {
            b.withDetail("failure", failure);
        }
        return b.build();
    }
}
