package io.sessionkit.boot;

import io.sessionkit.SessionEventListener;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
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
 * <p>Micrometer: {@link SessionKitMetricsAutoConfiguration} binds session-micrometer through a
 * {@link SessionManagerBuilderCustomizer} when the application has a {@code MeterRegistry}.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.mongodb.autoconfigure.MongoAutoConfiguration",
            // its DataRedisConnectionDetails bean (from spring.data.redis.*), which a @ServiceConnection's replaces
            "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"
        })
@ConditionalOnClass(SessionManager.class)
@ConditionalOnBooleanProperty(name = "sessionkit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SessionKitProperties.class)
@Import({AppConnections.Jdbc.class, AppConnections.Mongo.class, AppConnections.Redis.class})
public class SessionKitAutoConfiguration {
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
        StoreSelection.Opened opened = own != null
                ? new StoreSelection.Opened(
                        config.string(SessionStores.STORE_KEY)
                                .orElse(SessionManagerBuilderCustomizer.DEFAULT_STORE_NAME),
                        own)
                : StoreSelection.open(config, connections.orderedStream().toList());
        try {
            SessionManager.Builder builder = SessionManager.builder(config);
            listeners.orderedStream().forEach(builder::listener);
            customizers.orderedStream().forEach(c -> c.customize(builder, opened.name(), opened.store()));
            return builder.store(opened.store()).closeStoreOnClose(own == null).build();
        } catch (RuntimeException e) {
            if (own == null) {
                opened.store().close();
            }
            throw e;
        }
    }
}
