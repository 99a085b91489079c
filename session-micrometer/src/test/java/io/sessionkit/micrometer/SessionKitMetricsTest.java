package io.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.caffeine.CaffeineSessionStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The builder's checks and defaults, and binding a manager that is already built. */
class SessionKitMetricsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** The count of the counter {@code name} that has {@code tags} (key, value, ...). */
    private double counted(String name, String... tags) {
        return meters.get(name).tags(tags).counter().count();
    }

    @Test
    @DisplayName("the builder refuses a missing registry and a blank store name, naming what is wrong")
    void builderChecks() {
        assertThatThrownBy(() -> SessionKitMetrics.builder(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("registry");
        assertThatThrownBy(() -> SessionKitMetrics.builder(meters).store(" "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("store name");
        assertThatThrownBy(() -> SessionKitMetrics.builder(meters).build().bindTo(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("manager");
    }

    @Test
    @DisplayName("without an ObservationRegistry the meters are recorded all the same; the store tag defaults")
    void noObservations() {
        SessionKitMetrics metrics = SessionKitMetrics.builder(meters).build();
        try (CaffeineSessionStore store = CaffeineSessionStore.builder().build();
                SessionManager manager =
                        metrics.bindTo(SessionManager.builder(store)).build()) {
            Session s = manager.create();
            manager.save(s);
            assertThat(manager.find(s.id())).isPresent();
        }
        assertThat(metrics.store()).isEqualTo(SessionKitMetrics.DEFAULT_STORE_NAME);
        assertThat(meters.get("sessionkit.store.calls")
                        .tags("store", "default", "operation", "load", "outcome", "ok")
                        .timer()
                        .count())
                .isEqualTo(1);
        assertThat(counted("sessionkit.saves", "result", "created")).isEqualTo(1);
        // No size gauge unless asked for: only a local store can count its sessions cheaply.
        assertThat(meters.find("sessionkit.store.size").meters()).isEmpty();
    }

    @Test
    @DisplayName("addListener on a built manager gives the session counters (the observer is set only by bindTo)")
    void listenerOnBuiltManager() {
        SessionKitMetrics metrics =
                SessionKitMetrics.builder(meters).store("local").build();
        try (CaffeineSessionStore store = CaffeineSessionStore.builder().build();
                SessionManager manager = SessionManager.builder(store).build()) {
            manager.addListener(metrics);
            Session s = manager.create();
            manager.save(s);
            manager.invalidate(s);
        } // close delivers the queued events
        assertThat(counted("sessionkit.sessions.created")).isEqualTo(1);
        assertThat(counted("sessionkit.sessions.invalidated", "reason", "request"))
                .isEqualTo(1);
        assertThat(meters.find("sessionkit.store.calls").timers()).isEmpty();
    }

    @Test
    @DisplayName("imported sessions count in sessionkit.sessions.adopted by source, skipped attributes in "
            + "sessionkit.import.skipped by source; both are created sessions too")
    void importsAreCountedBySource() {
        SessionKitMetrics metrics =
                SessionKitMetrics.builder(meters).store("local").build();
        try (CaffeineSessionStore store = CaffeineSessionStore.builder().build();
                SessionManager manager =
                        metrics.bindTo(SessionManager.builder(store)).build()) {
            manager.save(manager.importSession("container", java.util.Map.of("cart", "apple"), null));
            manager.save(manager.importSession(
                    "container", java.util.Map.of("cart", "pear", "socket", new Object()), "bob"));
            manager.save(manager.importSession("spring-session-redis", java.util.Map.of(), "carol"));
            manager.save(manager.create());
        } // close delivers the queued events
        assertThat(counted("sessionkit.sessions.adopted", "store", "local", "source", "container"))
                .isEqualTo(2);
        assertThat(counted("sessionkit.sessions.adopted", "source", "spring-session-redis"))
                .isEqualTo(1);
        assertThat(meters.find("sessionkit.sessions.adopted").counters()).hasSize(2);
        assertThat(counted("sessionkit.import.skipped", "source", "container")).isEqualTo(1);
        assertThat(meters.find("sessionkit.import.skipped").counters()).hasSize(1);
        assertThat(counted("sessionkit.sessions.created")).isEqualTo(4);
    }
}
