package io.sessionkit.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.micrometer.SessionKitMetrics;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * session-micrometer bound to the manager the starter builds, when the application has a {@link MeterRegistry}
 * (Actuator gives one): {@link SessionKitMetrics} on that registry, with the application's
 * {@link ObservationRegistry} when there is one (the {@code sessionkit.store} spans), the {@code store} tag named
 * after the store ({@code sessionkit.store} or the one inferred), and the {@code sessionkit.store.size} gauge for the
 * in-process {@code local} store only (the shared stores would need a scan per publish). Applied through a
 * {@link SessionManagerBuilderCustomizer}.
 *
 * <p>An application's own {@link SessionKitMetrics} bean wins: the starter builds none and binds that one (as the
 * manager's observer; the manager already adds it as a listener, being a {@code SessionEventListener} bean). Off with
 * {@code sessionkit.metrics.enabled=false}. Not applied to a {@link SessionManager} bean of the application's own.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration"
        })
@ConditionalOnClass({SessionKitMetrics.class, MeterRegistry.class, SessionManager.class})
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(
        name = {"sessionkit.enabled", "sessionkit.metrics.enabled"},
        matchIfMissing = true)
public class SessionKitMetricsAutoConfiguration {
    /** For Spring. */
    public SessionKitMetricsAutoConfiguration() {}

    /** The starter's binding, built for the store the manager gets. */
    @Bean
    @ConditionalOnMissingBean(SessionKitMetrics.class)
    SessionManagerBuilderCustomizer sessionKitMetricsBinding(
            MeterRegistry registry, ObjectProvider<ObservationRegistry> observations) {
        return new MetricsBinding(registry, observations.getIfUnique(() -> ObservationRegistry.NOOP));
    }

    /** The application's own binding, as the observer; it is already one of the manager's listeners. */
    @Bean
    @ConditionalOnBean(SessionKitMetrics.class)
    SessionManagerBuilderCustomizer sessionKitMetricsObserver(SessionKitMetrics metrics) {
        return builder -> builder.observer(metrics);
    }

    /** Builds one {@link SessionKitMetrics} per manager, tagged with its store's name. */
    private record MetricsBinding(MeterRegistry registry, ObservationRegistry observations)
            implements SessionManagerBuilderCustomizer {
        /** Without the store: the {@value SessionKitMetrics#DEFAULT_STORE_NAME} tag and no size gauge. */
        @Override
        public void customize(SessionManager.Builder builder) {
            metrics(SessionKitMetrics.DEFAULT_STORE_NAME).build().bindTo(builder);
        }

        @Override
        public void customize(SessionManager.Builder builder, String storeName, SessionStore store) {
            SessionKitMetrics.Builder metrics = metrics(storeName);
            if (store instanceof CaffeineSessionStore local) {
                metrics.storeSize(local::estimatedSize);
            }
            metrics.build().bindTo(builder);
        }

        private SessionKitMetrics.Builder metrics(String storeName) {
            return SessionKitMetrics.builder(registry).store(storeName).observationRegistry(observations);
        }
    }
}
