package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@link SessionKitActuatorAutoConfiguration} and the manager's extension points, in plain contexts. */
class SessionKitActuatorAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(SessionKitAutoConfiguration.class, SessionKitActuatorAutoConfiguration.class))
            .withPropertyValues("sessionkit.store=local", "sessionkit.sweep.interval=0s");

    @Test
    void healthFromTheStoreAndTheEndpoint() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionsEndpoint.class));
        runner.withPropertyValues("management.endpoints.web.exposure.include=sessions")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SessionsEndpoint.class);
                    Health health =
                            context.getBean(SessionStoreHealthIndicator.class).health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsEntry("store", "CaffeineSessionStore");
                });
        runner.withPropertyValues("management.health.sessionkit.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SessionStoreHealthIndicator.class));
    }

    @Test
    void customizerBeansChangeTheManagersBuilder() {
        List<String> customized = new CopyOnWriteArrayList<>();
        runner.withBean(SessionManagerBuilderCustomizer.class, () -> b -> customized.add("called"))
                .run(context -> {
                    SessionManager sessions = context.getBean(SessionManager.class);
                    sessions.save(sessions.create());
                    assertThat(customized).containsExactly("called");
                });
    }
}
