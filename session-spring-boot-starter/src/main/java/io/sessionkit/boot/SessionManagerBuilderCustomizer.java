package io.sessionkit.boot;

import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;

/**
 * Changes the {@link SessionManager.Builder} the starter builds the manager with, after the configuration was applied
 * and before {@code build()}: an observer, listeners, anything a binding needs from the start. Beans of this type are
 * applied in their order, each once. The starter's Micrometer binding ({@code SessionKitMetricsAutoConfiguration}) is
 * one. Not applied when the application defines its own {@link SessionManager} bean.
 */
@FunctionalInterface
public interface SessionManagerBuilderCustomizer {
    /** Changes {@code builder}. */
    void customize(SessionManager.Builder builder);

    /**
     * Changes {@code builder}, knowing the store the manager is built on: what the starter calls. {@code storeName} is
     * {@code sessionkit.store}, or the store the starter inferred ({@code local} when it found no connection), or
     * {@value #DEFAULT_STORE_NAME} for the application's own {@link SessionStore} bean when {@code sessionkit.store}
     * is unset. The default calls {@link #customize(SessionManager.Builder)}; a customizer that must not touch the
     * store (the manager owns its use) only looks at it.
     */
    default void customize(SessionManager.Builder builder, String storeName, SessionStore store) {
        customize(builder);
    }

    /** The store name given for an application's own {@link SessionStore} bean when {@code sessionkit.store} is unset. */
    String DEFAULT_STORE_NAME = "default";
}
