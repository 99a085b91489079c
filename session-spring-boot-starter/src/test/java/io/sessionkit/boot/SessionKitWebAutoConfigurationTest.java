package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;

/** {@link SessionKitWebAutoConfiguration}: the filter's registration, its configuration, and backing off. */
class SessionKitWebAutoConfigurationTest {
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(SessionKitAutoConfiguration.class, SessionKitWebAutoConfiguration.class))
            .withPropertyValues("sessionkit.store=local", "sessionkit.sweep.interval=0s");

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<SessionFilter> registration(
            org.springframework.context.ApplicationContext context) {
        return (FilterRegistrationBean<SessionFilter>)
                context.getBean("sessionKitFilter", FilterRegistrationBean.class);
    }

    @Test
    void theFilterRunsBeforeSpringSecurityOnRequestAsyncAndErrorForEveryUrl() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            FilterRegistrationBean<SessionFilter> r = registration(context);
            assertThat(r.getOrder()).isEqualTo(Integer.MIN_VALUE + 50).isLessThan(-100);
            assertThat(r.getUrlPatterns()).containsExactly("/*");
            assertThat(ReflectionTestUtils.getField(r, "dispatcherTypes"))
                    .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR));
            assertThat(r.getFilter().manager()).isSameAs(context.getBean(SessionManager.class));
        });
        runner.withPropertyValues("sessionkit.filter.order=-200")
                .run(context -> assertThat(registration(context).getOrder()).isEqualTo(-200));
    }

    /** The filter's configuration in a context with {@code properties}. */
    private SessionFilterConfig filterConfig(String... properties) {
        AtomicReference<SessionFilterConfig> config = new AtomicReference<>();
        runner.withPropertyValues(properties).run(context -> config.set(context.getBean(SessionFilterConfig.class)));
        return config.get();
    }

    @Test
    void cookieSettingsFromSessionKitElseFromBootsSessionCookie() {
        SessionFilterConfig boots = filterConfig(
                "server.servlet.session.cookie.name=APPSESSION",
                "server.servlet.session.cookie.same-site=strict",
                "server.servlet.session.cookie.secure=true",
                "server.servlet.session.cookie.path=/shop",
                "server.servlet.session.cookie.max-age=3600",
                "server.servlet.session.cookie.partitioned=true");
        assertThat(boots.cookieName()).isEqualTo("APPSESSION");
        assertThat(boots.cookieSameSite()).contains("Strict");
        assertThat(boots.cookieSecure()).contains(true);
        assertThat(boots.cookiePath()).contains("/shop");
        assertThat(boots.cookieMaxAge()).contains(Duration.ofHours(1));
        assertThat(boots.cookiePartitioned()).isTrue();
        SessionFilterConfig own = filterConfig(
                "server.servlet.session.cookie.name=APPSESSION",
                "sessionkit.servlet.cookie-name=SK",
                "sessionkit.servlet.cookieSameSite=None");
        assertThat(own.cookieName()).isEqualTo("SK");
        assertThat(own.cookieSameSite()).contains("None");
    }

    @Test
    void badFilterPropertiesFailTheStartNamingTheProperty() {
        runner.withPropertyValues("sessionkit.servlet.cookie-same-site=sometimes")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure())
                            .hasMessageContaining("sessionkit.servlet.cookie-same-site")
                            .hasMessageContaining("sometimes");
                });
    }

    @Test
    void theApplicationsOwnRegistrationWins() {
        runner.withUserConfiguration(OwnFilter.class).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean("sessionKitFilter");
            assertThat(context.getBeansOfType(FilterRegistrationBean.class)).containsOnlyKeys("ownFilter");
        });
    }

    @Test
    void noFilterOutsideAServletWebApplication() {
        new ApplicationContextRunner()
                .withConfiguration(
                        AutoConfigurations.of(SessionKitAutoConfiguration.class, SessionKitWebAutoConfiguration.class))
                .withPropertyValues("sessionkit.store=local")
                .run(context -> assertThat(context)
                        .hasNotFailed()
                        .hasSingleBean(SessionManager.class)
                        .doesNotHaveBean(FilterRegistrationBean.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        FilterRegistrationBean<SessionFilter> ownFilter(SessionManager manager) {
            return new FilterRegistrationBean<>(new SessionFilter(manager, SessionFilterConfig.defaults()));
        }
    }
}
