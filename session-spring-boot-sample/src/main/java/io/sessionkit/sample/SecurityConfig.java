package io.sessionkit.sample;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security as most apps set it up: every page but the login page needs a user, Spring Security's own login
 * form and logout, CSRF protection on (the default). Nothing here knows where the session is kept.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfig {
    /** The demo users' password (the README says so): {@code alice} and {@code bob} both log in with it. */
    static final String DEMO_PASSWORD = "sample-password";

    static final String[] DEMO_USERS = {"alice", "bob"};

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests.requestMatchers("/login", "/error")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (String name : DEMO_USERS) {
            // {noop}: a plain-text password, for a demo only; a real app stores {bcrypt} hashes.
            users.createUser(User.withUsername(name)
                    .password("{noop}" + DEMO_PASSWORD)
                    .roles("USER")
                    .build());
        }
        return users;
    }
}
