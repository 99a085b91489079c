package io.sessionkit.boot;

import io.sessionkit.SessionEventListener;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * The {@link SessionManager}: {@code sessionkit.*} bound as {@link SessionKitProperties}, the store chosen by
 * {@code sessionkit.store} or inferred from the application's own connections ({@link StoreSelection}), closed with the
 * context. Every bean backs off when the application defines its own: a {@link SessionKitConfig}, a
 * {@link SessionStore} (used, never closed by the manager), or the {@link SessionManager} itself.
 * {@link SessionEventListener} beans are added to the manager, {@link SessionManagerBuilderCustomizer} beans change
 * its builder. Off with {@code sessionkit.enabled=false}.
 *
 * <p>Micrometer: when session-micrometer is on the class path ({@value #MICROMETER_BINDING}) and the application has
 * a {@code MeterRegistry}, a {@link SessionManagerBuilderCustomizer} bean conditional on that class binds it; that
 * configuration ships with session-micrometer's arrival on main, this starter does not depend on it.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration"
        })
@ConditionalOnClass(SessionManager.class)
@ConditionalOnBooleanProperty(name = "sessionkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SessionKitProperties.class)
@Import({AppConnections.Jdbc.class, AppConnections.Mongo.class, AppConnections.Redis.class})
public class SessionKitAutoConfiguration {
    /** The class of the Micrometer binding that the metrics hook is conditional on. */
    public static final String MICROMETER_BINDING = "io.sessionkit.micrometer.SessionKitMetrics";

    /** For Spring. */
    public SessionKitAutoConfiguration() {}

    /** The configuration SessionKit reads: the bound properties, Boot's defaults, then the environment. */
    @Bean
    @ConditionalOnMissingBean
    SessionKitConfig sessionKitConfig(SessionKitProperties properties, Environment environment) {
        return BootSessionKitConfig.of(properties, environment);
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    SessionManager sessionManager(
            SessionKitConfig config,
            ObjectProvider<SessionStore> store,
            ObjectProvider<AppConnection> connections,
            ObjectProvider<SessionEventListener> listeners,
            ObjectProvider<SessionManagerBuilderCustomizer> customizers) {
        SessionStore own = store.getIfUnique();
        SessionManager.Builder builder = SessionManager.builder(config);
        listeners.orderedStream().forEach(builder::listener);
        customizers.orderedStream().forEach(c -> c.customize(builder));
        if (own != null) {
            return builder.store(own).build();
        }
        SessionStore opened = StoreSelection.open(
                config, List.copyOf(connections.orderedStream().toList()));
        try {
            return builder.store(opened).closeStoreOnClose(true).build();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }
}
