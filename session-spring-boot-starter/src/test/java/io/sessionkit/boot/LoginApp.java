package io.sessionkit.boot;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot app as a user writes it with the starter: Spring MVC and Spring Security form login (CSRF on, the
 * default), logout, {@code maximumSessions(1)}; no SessionKit code at all. {@code test.prevents-login} sets
 * {@code maxSessionsPreventsLogin}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LoginApp.Pages.class)
class LoginApp {
    static final String PASSWORD = "wonderland-3e8b";

    static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(LoginApp.class)
                .properties(properties)
                .properties(Map.of(
                        "server.port", "0",
                        "spring.main.banner-mode", "off",
                        "logging.level.root", "WARN",
                        "management.endpoints.web.exposure.include", "health,sessions",
                        "management.endpoint.health.show-details", "always"))
                .run();
    }

    static int port(ConfigurableApplicationContext node) {
        return ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http, Environment environment) throws Exception {
        boolean prevents = environment.getProperty("test.prevents-login", Boolean.class, false);
        http.authorizeHttpRequests(a -> a.requestMatchers("/login", "/error")
                        .permitAll()
                        .requestMatchers("/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults())
                .sessionManagement(s -> s.maximumSessions(1).maxSessionsPreventsLogin(prevents));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
        for (String name : new String[] {"alice", "bob", "carol", "dave", "erin"}) {
            users.createUser(User.withUsername(name)
                    .password("{noop}" + PASSWORD)
                    .roles("USER")
                    .build());
        }
        users.createUser(User.withUsername("admin")
                .password("{noop}" + PASSWORD)
                .roles("USER", "ADMIN")
                .build());
        return users;
    }

    @RestController
    static class Pages {
        private final UserSessions userSessions;

        Pages(UserSessions userSessions) {
            this.userSessions = userSessions;
        }

        @GetMapping("/me")
        String me(Authentication authentication) {
            return authentication.getName();
        }

        @GetMapping("/")
        String home() {
            return "home";
        }

        @GetMapping("/csrf")
        String csrf(CsrfToken token) {
            return token.getToken();
        }

        @GetMapping("/counter")
        String counter(HttpSession session) {
            Integer n = (Integer) session.getAttribute("counter");
            int next = n == null ? 1 : n + 1;
            session.setAttribute("counter", next);
            return String.valueOf(next);
        }

        @PostMapping("/logout-other-devices")
        String logOutOtherDevices(Authentication user, HttpServletRequest request) {
            return String.valueOf(userSessions.logOutOtherDevices(user, request));
        }
    }
}
