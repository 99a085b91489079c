package io.sessionkit.boot;

import io.sessionkit.SessionManager;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.session.SessionRegistry;

/**
 * Spring Security on SessionKit, on when Spring Security and session-spring-security are on the class path (off with
 * {@code sessionkit.security.enabled=false}): Spring Security's session objects on the JSON codec
 * ({@code sessionkit.codec.types} gets {@code spring-security}, see {@link BootSessionKitConfig}); the session's
 * principal set from the login ({@link SecurityContextPrincipalListener}); a {@link SessionRegistry} over the principal
 * index ({@link PrincipalIndexSessionRegistry}); {@link UserSessions}. Rotation on login needs nothing here: Spring
 * Security's default session-fixation protection calls {@code request.changeSessionId()}, which SessionKit's filter
 * answers with {@code SessionManager.rotateId}.
 */
@AutoConfiguration(after = {SessionKitAutoConfiguration.class, SessionKitWebAutoConfiguration.class})
@ConditionalOnClass(
        name = {
            SessionKitSecurityAutoConfiguration.VALUE_TYPES,
            "org.springframework.security.core.session.SessionRegistry",
            "org.springframework.security.web.context.HttpSessionSecurityContextRepository"
        })
@ConditionalOnBooleanProperty(name = "sessionkit.security.enabled", matchIfMissing = true)
@ConditionalOnBean(SessionManager.class)
public class SessionKitSecurityAutoConfiguration {
    static final String VALUE_TYPES = "io.sessionkit.springsecurity.SpringSecurityValueTypes";

    /** For Spring. */
    public SessionKitSecurityAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean
    SessionRegistry sessionKitSessionRegistry(SessionManager manager) {
        return new PrincipalIndexSessionRegistry(manager);
    }

    @Bean
    @ConditionalOnMissingBean
    UserSessions userSessions(SessionManager manager) {
        return new UserSessions(manager);
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnMissingBean(name = "sessionKitPrincipalListener")
    ServletListenerRegistrationBean<SecurityContextPrincipalListener> sessionKitPrincipalListener() {
        return new ServletListenerRegistrationBean<>(new SecurityContextPrincipalListener());
    }
}
