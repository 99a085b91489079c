package io.sessionkit.boot;

import io.sessionkit.SessionManager;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator support when Spring Boot Actuator is on the class path: the store's health ({@link
 * SessionStoreHealthIndicator}, {@code management.health.sessionkit.enabled}) and the {@code sessions} endpoint
 * ({@link SessionsEndpoint}, exposed like any endpoint). Each backs off for a bean of the application's.
 */
@AutoConfiguration(after = SessionKitAutoConfiguration.class)
@ConditionalOnBean(SessionManager.class)
public class SessionKitActuatorAutoConfiguration {
    /** For Spring. */
    public SessionKitActuatorAutoConfiguration() {}

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    @ConditionalOnEnabledHealthIndicator("sessionkit")
    static class HealthConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "sessionKitHealthIndicator")
        SessionStoreHealthIndicator sessionKitHealthIndicator(SessionManager manager) {
            return new SessionStoreHealthIndicator(manager);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(
            name = {
                "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
                "org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint"
            })
    static class EndpointConfiguration {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        SessionsEndpoint sessionsEndpoint(SessionManager manager) {
            return new SessionsEndpoint(manager);
        }
    }
}
