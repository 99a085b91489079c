package io.sessionkit.boot;

import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.jdbc.JdbcSessionStore;
import io.sessionkit.jdbc.JdbcSessionStoreProvider;
import io.sessionkit.mongo.MongoSessionStore;
import io.sessionkit.mongo.MongoSessionStoreProvider;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * The {@link AppConnection}s, one configuration per backend, each on only when its SessionKit module, its driver and
 * the application's connection are there. The stores built here read the same {@code sessionkit.<store>.*} keys as
 * their providers (checked and reported the same way, with {@link ProviderConfig}); the keys that describe a
 * connection of the store's own ({@code url}, {@code user}, {@code pool.*} for JDBC, {@code uri} for Mongo) do not
 * apply, and setting {@code sessionkit.jdbc.url} or {@code sessionkit.mongo.uri} gives the store its own connection
 * instead.
 */
final class AppConnections {
    /** The jdbc keys of a pool of the store's own: accepted, unread, on the application's DataSource. */
    private static final Set<String> JDBC_OWN_POOL_KEYS = Set.of("url", "user", "password", "pool.max-size");

    private AppConnections() {}

    /** The application's one {@code DataSource}, for {@code jdbc}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.sessionkit.jdbc.JdbcSessionStore", "javax.sql.DataSource"})
    static class Jdbc {
        @Bean
        @ConditionalOnSingleCandidate(DataSource.class)
        AppConnection sessionKitJdbcConnection(DataSource dataSource) {
            return new Found(
                    "jdbc", "the application's DataSource", "sessionkit.jdbc.url", c -> jdbcStore(dataSource, c));
        }

        /** The jdbc store on {@code dataSource}, from the jdbc provider's keys (those of a pool of its own left unread). */
        private static SessionStore jdbcStore(DataSource dataSource, SessionKitConfig config) {
            ProviderConfig c = ProviderConfig.of(config, JdbcSessionStoreProvider.NAME, JDBC_OWN_POOL_KEYS);
            JdbcSessionStore.Builder b = JdbcSessionStore.builder().dataSource(dataSource);
            c.common(b::clock, b::connectTimeout, b::expiryGrace);
            c.string("dialect", name -> b.dialect(JdbcSessionStore.Dialect.of(name)));
            c.string("table", b::table);
            c.bool("create-schema", b::createSchema);
            c.bool("synchronous-commit", b::synchronousCommit);
            c.duration("query-timeout", b::queryTimeout);
            c.string("sweep-interval")
                    .ifPresent(
                            unused -> c.problem(
                                    c.key("sweep-interval")
                                            + " is no longer read: the session manager sweeps now; set sessionkit.sweep.interval instead"));
            c.integer("sweep-batch-size", b::sweepBatchSize);
            c.validate();
            return b.build();
        }
    }

    /** The application's one {@code MongoClient}, for {@code mongo}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.sessionkit.mongo.MongoSessionStore", "com.mongodb.client.MongoClient"})
    static class Mongo {
        @Bean
        @ConditionalOnSingleCandidate(MongoClient.class)
        AppConnection sessionKitMongoConnection(MongoClient client) {
            return new Found(
                    "mongo", "the application's MongoClient", "sessionkit.mongo.uri", c -> mongoStore(client, c));
        }

        /** The mongo store on {@code client}, from the mongo provider's keys ({@code uri} left unread). */
        private static SessionStore mongoStore(MongoClient client, SessionKitConfig config) {
            ProviderConfig c = ProviderConfig.of(config, MongoSessionStoreProvider.NAME, Set.of("uri"));
            MongoSessionStore.Builder b = MongoSessionStore.builder().client(client);
            c.common(b::clock, b::connectTimeout, b::expiryGrace);
            c.duration("timeout", b::timeout);
            c.string("write-concern", v -> b.writeConcern(writeConcern(v)));
            c.string("read-preference", v -> b.readPreference(readPreference(v)));
            c.bool("create-indexes", b::createIndexes);
            c.string("database", b::database);
            c.string("collection", b::collection);
            c.validate();
            return b.build();
        }

        private static WriteConcern writeConcern(String v) {
            if (v.equalsIgnoreCase("majority")) {
                return WriteConcern.MAJORITY;
            }
            Optional<Integer> w = Optional.empty();
            try {
                w = Optional.of(Integer.parseInt(v));
            } catch (NumberFormatException e) {
                // refused below
            }
            if (w.isEmpty() || w.get() < 1) {
                throw new IllegalArgumentException("'" + v + "' is not valid; expected majority or a number of "
                        + "members >= 1 (unacknowledged writes cannot do compare-and-set)");
            }
            return new WriteConcern(w.get());
        }

        private static ReadPreference readPreference(String v) {
            return switch (v.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
                case "primary" -> ReadPreference.primary();
                case "primarypreferred" -> ReadPreference.primaryPreferred();
                case "secondary" -> ReadPreference.secondary();
                case "secondarypreferred" -> ReadPreference.secondaryPreferred();
                case "nearest" -> ReadPreference.nearest();
                default ->
                    throw new IllegalArgumentException("'" + v + "' is not valid; expected one of primary, "
                            + "primary-preferred, secondary, secondary-preferred, nearest");
            };
        }
    }

    /**
     * The application's Redis, for {@code redis}: a {@code DataRedisConnectionDetails} bean of its own (a
     * {@code @ServiceConnection} container's, Docker Compose's, or one it defines), else {@code spring.data.redis.*}:
     * the order Boot's own Redis auto-configuration follows.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.sessionkit.redis.RedisSessionStore")
    @Conditional(RedisFound.class)
    static class Redis {
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = RedisConnection.DETAILS)
        static class WithConnectionDetails {
            @Bean
            AppConnection sessionKitRedisConnection(
                    Environment environment, ObjectProvider<DataRedisConnectionDetails> details) {
                return RedisConnection.of(details.getIfUnique(), Binder.get(environment));
            }
        }

        @Configuration(proxyBeanMethods = false)
        @ConditionalOnMissingClass(RedisConnection.DETAILS)
        static class WithProperties {
            @Bean
            AppConnection sessionKitRedisConnection(Environment environment) {
                return RedisConnection.fromProperties(Binder.get(environment));
            }
        }
    }

    /**
     * Whether any of {@code spring.data.redis.url}, {@code .host}, {@code .port}, {@code .sentinel.master},
     * {@code .cluster.nodes} is set, or a {@code DataRedisConnectionDetails} bean other than the one Boot makes of
     * those properties is defined.
     */
    static final class RedisFound extends SpringBootCondition implements ConfigurationCondition {
        @Override
        public ConfigurationPhase getConfigurationPhase() {
            return ConfigurationPhase.REGISTER_BEAN;
        }

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            if (BootDefaults.redisConfigured(Binder.get(context.getEnvironment()))) {
                return ConditionOutcome.match("spring.data.redis.* names a Redis server");
            }
            ConfigurableListableBeanFactory beans = context.getBeanFactory();
            if (beans != null && ClassUtils.isPresent(RedisConnection.DETAILS, context.getClassLoader())) {
                Class<?> type = ClassUtils.resolveClassName(RedisConnection.DETAILS, context.getClassLoader());
                for (String name : beans.getBeanNamesForType(type, true, false)) {
                    Class<?> actual = beans.getType(name, false);
                    if (actual == null || !actual.getName().equals(RedisConnection.PROPERTIES_DETAILS)) {
                        return ConditionOutcome.match("the DataRedisConnectionDetails bean '" + name + "'");
                    }
                }
            }
            return ConditionOutcome.noMatch(
                    "no spring.data.redis.* connection property is set and no DataRedisConnectionDetails bean");
        }
    }

    /**
     * A connection of the application's that {@code open} builds the store on; {@code ownConnectionKey} set gives the
     * store a connection of its own instead.
     */
    private record Found(
            String store, String description, String ownConnectionKey, Function<SessionKitConfig, SessionStore> open)
            implements AppConnection {
        @Override
        public boolean overriddenBy(SessionKitConfig config) {
            return config.string(ownConnectionKey).isPresent();
        }

        @Override
        public SessionStore open(SessionKitConfig config) {
            return open.apply(config);
        }
    }
}
