package io.sessionkit.boot;

import io.sessionkit.SessionManager;

/**
 * Changes the {@link SessionManager.Builder} the starter builds the manager with, after the configuration was applied
 * and before {@code build()}: an observer, listeners, anything a binding needs from the start. Beans of this type are
 * applied in their order. The hook for the Micrometer binding ({@code io.sessionkit.micrometer.SessionKitMetrics},
 * whose {@code bindTo(SessionManager.Builder)} fits it).
 */
@FunctionalInterface
public interface SessionManagerBuilderCustomizer {
    /** Changes {@code builder}. */
    void customize(SessionManager.Builder builder);
}
