package io.sessionkit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of {@link SessionManager#health()}: one round trip to the store, bounded by the store's timeouts.
 *
 * @param up      whether the store answered
 * @param latency how long the check took
 * @param failure why not, when not up: the exception's class and message (store errors never carry ids or secrets)
 */
public record StoreHealth(
        boolean up, Duration latency, @Nullable String failure) {
    public StoreHealth {
        Objects.requireNonNull(latency, "latency");
        if (up != (failure == null)) {
            throw new IllegalArgumentException("failure is set exactly when the store is down");
        }
    }
}
