package io.sessionkit.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The two demo users. The rest of the security setup is Spring Boot's default filter chain: every page needs a login,
 * Spring Security's own login form at {@code /login} and logout at {@code POST /logout}, CSRF protection on. Nothing
 * here knows where the session is kept.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {
    /** The password of both demo users, {@code alice} and {@code bob} (the README says so). */
    static final String DEMO_PASSWORD = "sample-password";

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(demoUser("alice"), demoUser("bob"));
    }

    private static UserDetails demoUser(String name) {
        // {noop}: a plain-text password, for a demo only; a real app stores {bcrypt} hashes.
        return User.withUsername(name)
                .password("{noop}" + DEMO_PASSWORD)
                .roles("USER")
                .build();
    }
}
