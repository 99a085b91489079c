package io.sessionkit.boot;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * SessionKit's servlet filter in a servlet web application: registered for every URL on the REQUEST, ASYNC and ERROR
 * dispatches, ordered at {@value #DEFAULT_ORDER} ({@code sessionkit.filter.order}), so that it runs before Spring
 * Security's filter chain (-100) and every {@code getSession()} below it is SessionKit's. The filter's
 * {@link SessionFilterConfig} comes from {@code sessionkit.servlet.*}, whose cookie keys fall back to
 * {@code server.servlet.session.cookie.*}. An application's own {@link SessionFilterConfig} or {@link SessionFilter}
 * registration wins.
 */
@AutoConfiguration(after = SessionKitAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({SessionFilter.class, FilterRegistrationBean.class})
@ConditionalOnBean(SessionManager.class)
public class SessionKitWebAutoConfiguration {
    /** The filter's default order: before Spring Security's chain and Boot's request wrappers. */
    public static final int DEFAULT_ORDER = Integer.MIN_VALUE + 50;

    /** For Spring. */
    public SessionKitWebAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean
    SessionFilterConfig sessionFilterConfig(SessionKitConfig config) {
        return SessionFilterConfig.from(config);
    }

    @Bean
    @ConditionalOnMissingFilterBean(SessionFilter.class)
    FilterRegistrationBean<SessionFilter> sessionKitFilter(
            SessionManager manager, SessionFilterConfig filterConfig, SessionKitProperties properties) {
        FilterRegistrationBean<SessionFilter> registration =
                new FilterRegistrationBean<>(new SessionFilter(manager, filterConfig));
        Integer order = properties.filter() == null ? null : properties.filter().order();
        registration.setOrder(order == null ? DEFAULT_ORDER : order);
        registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR);
        registration.addUrlPatterns("/*");
        registration.setName("sessionKitFilter");
        return registration;
    }
}
