package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletListenerRegistrationBean;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.User;

/** {@link SessionKitSecurityAutoConfiguration}: its beans, the codec types, the registry over the principal index. */
class SessionKitSecurityAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    SessionKitAutoConfiguration.class,
                    SessionKitWebAutoConfiguration.class,
                    SessionKitSecurityAutoConfiguration.class))
            .withPropertyValues("sessionkit.store=local", "sessionkit.sweep.interval=0s");

    @Test
    void onWithSpringSecurity() {
        runner.run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .hasSingleBean(SessionRegistry.class)
                    .hasSingleBean(UserSessions.class)
                    .hasBean("sessionKitPrincipalListener");
            assertThat(context.getBean(SessionRegistry.class)).isInstanceOf(PrincipalIndexSessionRegistry.class);
            assertThat(context.getBean(SessionKitConfig.class).get("sessionkit.codec.types"))
                    .isEqualTo("spring-security");
            // Spring Security's context comes back as itself, not as a map.
            SessionManager sessions = context.getBean(SessionManager.class);
            Session s = sessions.create();
            s.setAttribute(
                    "ctx",
                    new SecurityContextImpl(UsernamePasswordAuthenticationToken.authenticated("u", null, List.of())));
            sessions.save(s);
            assertThat(sessions.find(s.id().value()).orElseThrow().getAttribute("ctx"))
                    .isInstanceOf(SecurityContextImpl.class);
        });
        runner.withPropertyValues("sessionkit.codec.types=none")
                .run(context -> assertThat(
                                context.getBean(SessionKitConfig.class).get("sessionkit.codec.types"))
                        .isEqualTo("none"));
    }

    @Test
    void offWithSecurityEnabledFalse() {
        runner.withPropertyValues("sessionkit.security.enabled=false").run(context -> {
            assertThat(context)
                    .hasNotFailed()
                    .doesNotHaveBean(SessionRegistry.class)
                    .doesNotHaveBean(ServletListenerRegistrationBean.class);
            assertThat(context.getBean(SessionKitConfig.class).get("sessionkit.codec.types"))
                    .isNull();
        });
    }

    @Test
    void theRegistryListsAndExpiresTheSessionsOfAPrincipalFromTheStore() {
        runner.run(context -> {
            SessionManager sessions = context.getBean(SessionManager.class);
            SessionRegistry registry = context.getBean(SessionRegistry.class);
            Session s = sessions.create();
            s.setPrincipal("erin");
            sessions.save(s);
            User erin = new User("erin", "", List.of(new SimpleGrantedAuthority("ROLE_USER")));
            List<SessionInformation> found = registry.getAllSessions(erin, false);
            assertThat(found).singleElement().satisfies(info -> {
                assertThat(info.getSessionId()).isEqualTo(s.id().key().value()).isNotEqualTo(s.id().value());
                assertThat(info.getPrincipal()).isSameAs(erin);
            });
            found.get(0).expireNow();
            assertThat(sessions.find(s.id().value())).isEmpty();
            assertThat(registry.getAllSessions(erin, false)).isEmpty();
        });
    }
}
