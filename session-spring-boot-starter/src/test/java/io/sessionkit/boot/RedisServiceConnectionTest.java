package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.testing.TestServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.lifecycle.TestcontainersLifecycleApplicationContextInitializer;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * What a user's own test does (the README's Testcontainers setup): a Redis container as a {@code @ServiceConnection}
 * bean, no {@code spring.data.redis.*} and no {@code sessionkit.store}; the starter finds the container through the
 * {@code DataRedisConnectionDetails} it gives and stores sessions in it. Runs where a Docker engine answers; skipped,
 * with the reason, where none does.
 */
class RedisServiceConnectionTest {
    @BeforeEach
    void docker() {
        assumeTrue(
                TestServers.dockerAvailable(),
                () -> "skipped: " + TestServers.dockerProblem()
                        + "; the DataRedisConnectionDetails path is also covered without Docker by "
                        + "SessionKitAutoConfigurationTest.Redis (a connection details bean of the application's)");
    }

    @Test
    void aServiceConnectionContainerIsTheStore() {
        new ApplicationContextRunner()
                .withInitializer(new TestcontainersLifecycleApplicationContextInitializer())
                .withConfiguration(AutoConfigurations.of(
                        ServiceConnectionAutoConfiguration.class,
                        DataRedisAutoConfiguration.class,
                        SessionKitAutoConfiguration.class))
                .withUserConfiguration(Containers.class)
                .withPropertyValues("sessionkit.sweep.interval=0s")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(DataRedisConnectionDetails.class);
                    SessionManager sessions = context.getBean(SessionManager.class);
                    assertThat(sessions.store()).isInstanceOf(RedisSessionStore.class);
                    Session s = sessions.create();
                    s.setAttribute("n", 7);
                    sessions.save(s);
                    assertThat(sessions.find(s.id().value()).orElseThrow().getAttribute("n"))
                            .isEqualTo(7);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class Containers {
        @Bean
        @ServiceConnection
        GenericContainer<?> redis() {
            return new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
        }
    }
}
