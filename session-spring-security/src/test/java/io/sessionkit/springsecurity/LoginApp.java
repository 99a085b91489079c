package io.sessionkit.springsecurity;

import io.sessionkit.SessionManager;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
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
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A plain Spring Boot app: Spring MVC, Spring Security form login with CSRF protection (the default), logout, and
 * SessionKit's servlet filter registered as session-servlet's README says. Only configuration differs between the
 * nodes and stores: {@code sessionkit.store}, the store's keys and {@code sessionkit.codec.types=spring-security}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(LoginApp.Pages.class)
class LoginApp {
    static final String USER = "alice";
    static final String PASSWORD = "wonderland-3e8b";

    /** One node on a random port, on embedded Tomcat (Boot's default), with {@code properties} as its config. */
    static ConfigurableApplicationContext start(Map<String, Object> properties) {
        return new SpringApplicationBuilder(LoginApp.class)
                .properties(properties)
                .properties(Map.of(
                        "server.port", "0",
                        "spring.main.banner-mode", "off",
                        "logging.level.root", "WARN"))
                .run();
    }

    static int port(ConfigurableApplicationContext node) {
        return ((WebServerApplicationContext) node).getWebServer().getPort();
    }

    /** The app owns the manager: opened from Spring's Environment, closed with the context. */
    @Bean(destroyMethod = "close")
    SessionManager sessionManager(Environment environment) {
        return SessionManager.open(environment::getProperty);
    }

    /**
     * Before Spring Security's filter chain (Boot orders it at -100), on every dispatch it runs on, so that every
     * {@code getSession()} below it is SessionKit's.
     */
    @Bean
    FilterRegistrationBean<SessionFilter> sessionKitFilter(SessionManager sessions, Environment environment) {
        FilterRegistrationBean<SessionFilter> registration = new FilterRegistrationBean<>(
                new SessionFilter(sessions, SessionFilterConfig.from(environment::getProperty)));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        registration.addUrlPatterns("/*");
        return registration;
    }

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(a -> a.requestMatchers("/login", "/error")
                        .permitAll()
                        .anyRequest()
                        .authenticated())
                .formLogin(Customizer.withDefaults())
                .logout(Customizer.withDefaults());
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(User.withUsername(USER)
                .password("{noop}" + PASSWORD)
                .roles("USER")
                .build());
    }

    @RestController
    static class Pages {
        /** The public home page and the secret page (which the security chain only lets a logged-in user see). */
        @GetMapping({"/", "/secret"})
        String page(HttpServletRequest request) {
            return request.getRequestURI().equals("/") ? "home" : "the secret page";
        }

        @GetMapping("/me")
        String me(Authentication authentication) {
            return authentication.getName();
        }

        /** The (masked) CSRF token of this session, for the next POST. */
        @GetMapping("/csrf")
        String csrf(CsrfToken token) {
            return token.getToken();
        }

        @PostMapping("/notes")
        String addNote(@RequestParam("text") String text, HttpSession session) {
            session.setAttribute("note", text);
            return "saved " + text;
        }

        @GetMapping("/notes")
        String note(HttpSession session) {
            return String.valueOf(session.getAttribute("note"));
        }
    }
}
