package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.micrometer.SessionKitMetrics;
import io.sessionkit.testing.Browser;
import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link SessionKitMetricsAutoConfiguration}: session-micrometer bound to the starter's manager when a
 * {@link MeterRegistry} bean exists, tagged with the store's name; off by property; the application's own
 * {@link SessionKitMetrics} bean bound instead of the starter's, and counted once.
 */
class SessionKitMetricsAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(SessionKitAutoConfiguration.class, SessionKitMetricsAutoConfiguration.class))
            .withPropertyValues("sessionkit.sweep.interval=0s");

    private final ApplicationContextRunner withRegistry =
            runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    /** Creates, saves and invalidates one session; returns the registry. */
    private static MeterRegistry oneSession(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed();
        SessionManager sessions = context.getBean(SessionManager.class);
        Session s = sessions.create();
        s.setAttribute("n", 1);
        sessions.save(s);
        sessions.invalidate(s);
        return context.getBean(MeterRegistry.class);
    }

    /**
     * Waits for the events thread to have delivered the invalidation (events are delivered in order, on their own
     * thread, so there is nothing to join); polling, not sleeping a fixed time.
     */
    private static void awaitEvents(MeterRegistry registry, String store) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        Supplier<Double> invalidated = () -> {
            Counter c = registry.find("sessionkit.sessions.invalidated")
                    .tag("store", store)
                    .tag("reason", "request")
                    .counter();
            return c == null ? 0 : c.count();
        };
        while (invalidated.get() < 1 && Instant.now().isBefore(deadline)) {
            LockSupport.parkNanos(Duration.ofMillis(5).toNanos()); // the polling interval
        }
        assertThat(invalidated.get()).as("sessionkit.sessions.invalidated").isEqualTo(1);
    }

    /** {@code sessionkit.saves} with {@code result=created}: counted inline, on the saving thread. */
    private static double savesCreated(MeterRegistry registry, String store) {
        return registry.get("sessionkit.saves")
                .tag("store", store)
                .tag("result", "created")
                .counter()
                .count();
    }

    private static double count(MeterRegistry registry, String name, String store) {
        return registry.get(name).tag("store", store).counter().count();
    }

    @Test
    void boundToTheLocalStoreWithTheSizeGauge() {
        withRegistry.withPropertyValues("sessionkit.store=local").run(context -> {
            MeterRegistry registry = oneSession(context);
            assertThat(savesCreated(registry, "local")).isEqualTo(1);
            assertThat(registry.get("sessionkit.store.calls")
                            .tag("store", "local")
                            .tag("operation", "create")
                            .timer()
                            .count())
                    .isEqualTo(1);
            assertThat(registry.find("sessionkit.store.size")
                            .tag("store", "local")
                            .gauge())
                    .isNotNull();
            awaitEvents(registry, "local");
            assertThat(count(registry, "sessionkit.sessions.created", "local")).isEqualTo(1);
        });
    }

    @Test
    void aSharedStoreIsTaggedWithItsNameAndHasNoSizeGauge() {
        String prefix = "sk-boot-metrics-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        withRegistry
                .withPropertyValues(
                        "spring.data.redis.url=" + TestServers.redisUri(), "sessionkit.redis.key-prefix=" + prefix)
                .run(context -> {
                    MeterRegistry registry = oneSession(context);
                    assertThat(savesCreated(registry, "redis")).isEqualTo(1);
                    assertThat(registry.find("sessionkit.store.size").gauges()).isEmpty();
                });
        Cleanup.redisKeys(TestServers.redisUri(), prefix);
    }

    @Test
    void aWebAppWithActuatorHasSessionKitMetersAfterOneRequest() {
        try (ConfigurableApplicationContext app = LoginApp.start(Map.of("sessionkit.store", "local"))) {
            HttpResponse<String> login =
                    new Browser().get(URI.create("http://127.0.0.1:" + LoginApp.port(app) + "/login"));
            assertThat(login.statusCode()).isEqualTo(200);
            MeterRegistry registry = app.getBean(MeterRegistry.class);
            // the login page put the CSRF token into a new session
            assertThat(savesCreated(registry, "local")).isEqualTo(1);
            assertThat(registry.get("sessionkit.store.size").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void offWithoutARegistryOrWithMetricsDisabled() {
        runner.withPropertyValues("sessionkit.store=local")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(SessionManager.class)
                        .doesNotHaveBean("sessionKitMetricsBinding"));
        withRegistry
                .withPropertyValues("sessionkit.store=local", "sessionkit.metrics.enabled=false")
                .run(context -> {
                    assertThat(context).doesNotHaveBean("sessionKitMetricsBinding");
                    MeterRegistry registry = oneSession(context);
                    assertThat(registry.getMeters())
                            .noneMatch(m -> m.getId().getName().startsWith("sessionkit."));
                });
    }

    @Test
    void theApplicationsOwnBindingWinsAndCountsOnce() {
        withRegistry
                .withUserConfiguration(OwnMetrics.class)
                .withPropertyValues("sessionkit.store=local")
                .run(context -> {
                    assertThat(context).doesNotHaveBean("sessionKitMetricsBinding");
                    MeterRegistry registry = oneSession(context);
                    assertThat(registry.find("sessionkit.saves")
                                    .tag("store", "local")
                                    .counters())
                            .isEmpty();
                    assertThat(savesCreated(registry, "mine")).isEqualTo(1);
                    awaitEvents(registry, "mine");
                    // the bean is a listener of the manager once, not again through the binding
                    assertThat(count(registry, "sessionkit.sessions.created", "mine"))
                            .isEqualTo(1);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMetrics {
        @Bean
        SessionKitMetrics ownMetrics(MeterRegistry registry) {
            return SessionKitMetrics.builder(registry).store("mine").build();
        }
    }
}
