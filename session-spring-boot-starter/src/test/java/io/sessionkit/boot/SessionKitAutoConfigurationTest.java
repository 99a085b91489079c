package io.sessionkit.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.jdbc.JdbcSessionStore;
import io.sessionkit.memcached.MemcachedSessionStore;
import io.sessionkit.mongo.MongoSessionStore;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.LogCapture;
import io.sessionkit.testing.TestServers;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link SessionKitAutoConfiguration} in plain application contexts, against the real servers ({@link TestServers}):
 * which store is opened from which properties and beans, that it really stores there, that the application's own beans
 * win, and that a bad property fails the start naming the property.
 */
class SessionKitAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(SessionKitAutoConfiguration.class))
            // a sweeper would only add threads to these short contexts
            .withPropertyValues("sessionkit.sweep.interval=0s");

    /** A session written and read back through the context's manager: the store really works. */
    private static SessionManager roundTrip(AssertableApplicationContext context) {
        assertThat(context).hasNotFailed().hasSingleBean(SessionManager.class);
        SessionManager sessions = context.getBean(SessionManager.class);
        Session s = sessions.create();
        s.setAttribute("n", 42);
        sessions.save(s);
        assertThat(sessions.find(s.id().value()).orElseThrow().getAttribute("n"))
                .isEqualTo(42);
        return sessions;
    }

    /** The message of the failure and all its causes, the way a start-up log shows them. */
    private static String failure(AssertableApplicationContext context) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = context.getStartupFailure(); t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }

    @Nested
    class Local {
        @Test
        void noStoreAndNoConnectionIsTheLocalStoreWithOneWarning() {
            try (LogCapture log = LogCapture.of("io.sessionkit.boot")) {
                runner.run(context -> {
                    assertThat(roundTrip(context).store()).isInstanceOf(CaffeineSessionStore.class);
                    assertThat(log.warnings())
                            .singleElement()
                            .asString()
                            .contains("not shared")
                            .contains("sessionkit.store");
                });
            }
        }

        @Test
        void offWithEnabledFalse() {
            runner.withPropertyValues("sessionkit.enabled=false")
                    .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SessionManager.class));
        }

        @Test
        void policyKeysWithRelaxedNamesAndBootsSessionTimeoutAsTheDefault() {
            runner.withPropertyValues("sessionkit.store=local", "server.servlet.session.timeout=20m")
                    .run(context -> assertThat(roundTrip(context).expiryPolicy().maxIdle())
                            .isEqualTo(Duration.ofMinutes(20)));
            runner.withPropertyValues(
                            "sessionkit.store=local",
                            "server.servlet.session.timeout=1200", // Boot's unit: seconds
                            "sessionkit.absoluteTimeout=2h")
                    .run(context -> {
                        SessionManager sessions = roundTrip(context);
                        assertThat(sessions.expiryPolicy().maxIdle()).isEqualTo(Duration.ofMinutes(20));
                        assertThat(sessions.expiryPolicy().absoluteTimeout()).isEqualTo(Duration.ofHours(2));
                    });
            runner.withPropertyValues(
                            "sessionkit.store=local",
                            "server.servlet.session.timeout=20m",
                            "sessionkit.max-idle=5m",
                            "sessionkit.max-session-size=64KiB")
                    .run(context -> {
                        SessionManager sessions = roundTrip(context);
                        assertThat(sessions.expiryPolicy().maxIdle()).isEqualTo(Duration.ofMinutes(5));
                        assertThat(sessions.maxSessionSize()).isEqualTo(64 * 1024);
                    });
        }

        @Test
        void theApplicationsOwnBeansWin() {
            runner.withUserConfiguration(OwnStore.class).run(context -> {
                SessionManager sessions = roundTrip(context);
                assertThat(sessions.store()).isSameAs(context.getBean(SessionStore.class));
            });
            runner.withUserConfiguration(OwnManager.class).run(context -> {
                assertThat(context).hasSingleBean(SessionManager.class);
                assertThat(context.getBean(SessionManager.class).expiryPolicy().maxIdle())
                        .isEqualTo(Duration.ofMinutes(3));
            });
            runner.withUserConfiguration(OwnConfig.class)
                    .run(context -> assertThat(roundTrip(context).expiryPolicy().maxIdle())
                            .isEqualTo(Duration.ofMinutes(7)));
        }

        @Test
        void badPropertiesFailTheStartNamingTheProperty() {
            runner.withPropertyValues("sessionkit.max-idle=soon")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.max-idle"));
            runner.withPropertyValues("sessionkit.max-session-size=huge")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.max-session-size"));
            runner.withPropertyValues("sessionkit.store=redsi")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.store"));
            runner.withPropertyValues("sessionkit.codec.types=no-such-types")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.codec.types"));
            runner.withPropertyValues("sessionkit.store=local", "sessionkit.local.maximum-size=0")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.local.maximum-size"));
            runner.withPropertyValues("sessionkit.store=local", "server.servlet.session.timeout=later")
                    .run(context -> assertThat(failure(context)).contains("server.servlet.session.timeout"));
        }
    }

    @Nested
    class Redis {
        private final URI uri = TestServers.redisUri();
        private final String prefix =
                "sk-boot-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";

        private void assertWroteUnderPrefix() {
            assertThat(Cleanup.redisKeys(uri, prefix)).isPositive();
        }

        @Test
        void inferredFromSpringDataRedis() {
            runner.withPropertyValues(
                            "spring.data.redis.host=" + uri.getHost(),
                            "spring.data.redis.port=" + uri.getPort(),
                            "spring.data.redis.timeout=3s",
                            "sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
            runner.withPropertyValues("spring.data.redis.url=" + uri, "sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
        }

        @Test
        void namedWithItsOwnUri() {
            runner.withPropertyValues(
                            "sessionkit.store=redis",
                            "sessionkit.redis.uri=" + uri,
                            "spring.data.redis.host=unused.invalid",
                            "sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
        }

        /** A connection details bean of the application's, as a {@code @ServiceConnection} container gives one. */
        private DataRedisConnectionDetails details(@Nullable SslBundle ssl) {
            return new DataRedisConnectionDetails() {
                @Override
                public Standalone getStandalone() {
                    return Standalone.of(uri.getHost(), uri.getPort());
                }

                @Override
                public @Nullable SslBundle getSslBundle() {
                    return ssl;
                }
            };
        }

        @Test
        void aConnectionDetailsBeanIsUsedAndWinsOverTheProperties() {
            runner.withBean(DataRedisConnectionDetails.class, () -> details(null))
                    .withPropertyValues("sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
            runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                    .withBean(DataRedisConnectionDetails.class, () -> details(null))
                    .withPropertyValues(
                            "spring.data.redis.host=unused.invalid",
                            "spring.data.redis.timeout=3s",
                            "sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
        }

        @Test
        void bootsOwnConnectionDetailsFromThePropertiesAreNotAConnectionOfTheirOwn() {
            ApplicationContextRunner withDataRedis =
                    runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class));
            withDataRedis.run(context -> {
                assertThat(context).hasSingleBean(DataRedisConnectionDetails.class);
                assertThat(roundTrip(context).store()).isInstanceOf(CaffeineSessionStore.class);
            });
            withDataRedis
                    .withPropertyValues("spring.data.redis.url=" + uri, "sessionkit.redis.key-prefix=" + prefix)
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(RedisSessionStore.class));
            assertWroteUnderPrefix();
        }

        @Test
        void anSslBundleInTheConnectionDetailsIsRefusedByName() {
            runner.withBean(DataRedisConnectionDetails.class, () -> details(SslBundle.of(SslStoreBundle.NONE)))
                    .run(context -> assertThat(failure(context))
                            .contains("DataRedisConnectionDetails")
                            .contains("SSL bundle"));
        }

        @Test
        void badPropertiesFailTheStartNamingTheProperty() {
            runner.withPropertyValues("sessionkit.store=redis", "sessionkit.redis.key-prefix=has space")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.redis.key-prefix"));
            runner.withPropertyValues("sessionkit.store=redis", "sessionkit.redis.read-timeout=slow")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.redis.read-timeout"));
            runner.withPropertyValues("spring.data.redis.host=" + uri.getHost(), "spring.data.redis.ssl.bundle=mine")
                    .run(context -> assertThat(failure(context)).contains("spring.data.redis.ssl.bundle"));
        }
    }

    @Nested
    class Jdbc {
        private final ApplicationContextRunner jdbc = runner.withConfiguration(
                AutoConfigurations.of(DataSourceAutoConfiguration.class, SessionKitAutoConfiguration.class));
        private final String table = "sk_boot_" + UUID.randomUUID().toString().substring(0, 8);

        /** The application's DataSource at {@code url}; the store's table unique to the run, created at start. */
        private ApplicationContextRunner inOwnTable(String url) {
            return jdbc.withPropertyValues(
                    "spring.datasource.url=" + url,
                    "sessionkit.jdbc.create-schema=true",
                    "sessionkit.jdbc.table=" + table);
        }

        private static JdbcSessionStore jdbcStore(AssertableApplicationContext context) {
            return (JdbcSessionStore) roundTrip(context).store();
        }

        @Test
        void inferredFromTheApplicationsH2DataSource() {
            inOwnTable("jdbc:h2:mem:" + table + ";DB_CLOSE_DELAY=-1").run(context -> {
                JdbcSessionStore store = jdbcStore(context);
                assertThat(store.dialect()).isEqualTo(JdbcSessionStore.Dialect.H2);
                assertThat(store.table()).isEqualTo(table);
            });
        }

        @Test
        void onTheApplicationsPostgresDataSource() throws SQLException {
            String url = TestServers.postgresUrl();
            try {
                inOwnTable(url).withPropertyValues("sessionkit.store=jdbc").run(context -> {
                    JdbcSessionStore store = jdbcStore(context);
                    assertThat(store.dialect()).isEqualTo(JdbcSessionStore.Dialect.POSTGRESQL);
                    assertThat(rows(context.getBean(DataSource.class))).isEqualTo(1);
                });
            } finally {
                Cleanup.sqlTable(url, table);
            }
        }

        private long rows(DataSource dataSource) throws SQLException {
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Test
        void anExplicitStoreWinsOverTheDataSource() {
            jdbc.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + table, "sessionkit.store=local")
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(CaffeineSessionStore.class));
        }

        @Test
        void badPropertiesFailTheStartNamingTheProperty() {
            jdbc.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + table, "sessionkit.jdbc.table=not a table")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.jdbc.table"));
            jdbc.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + table, "sessionkit.jdbc.sweep-batch-size=0")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.jdbc.sweep-batch-size"));
            runner.withPropertyValues("sessionkit.store=jdbc")
                    .run(context -> assertThat(failure(context))
                            .contains("sessionkit.store=jdbc")
                            .contains("sessionkit.jdbc.url"));
        }

        @Test
        void twoConnectionsAndNoStoreNamedIsAnError() {
            jdbc.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + table, "spring.data.redis.host=localhost")
                    .run(context -> assertThat(failure(context))
                            .contains("sessionkit.store is not set")
                            .contains("jdbc (the application's DataSource)")
                            .contains("redis (spring.data.redis.*)"));
        }
    }

    @Nested
    class Mongo {
        private final String collection =
                "sk_boot_" + UUID.randomUUID().toString().substring(0, 8);

        @Test
        void inferredFromTheApplicationsMongoClient() {
            runner.withUserConfiguration(OwnMongoClient.class)
                    .withPropertyValues(
                            "sessionkit.mongo.collection=" + collection, "sessionkit.mongo.database=sessionkit_boot")
                    .run(context -> {
                        assertThat(roundTrip(context).store()).isInstanceOf(MongoSessionStore.class);
                        MongoClient client = context.getBean(MongoClient.class);
                        var documents = client.getDatabase("sessionkit_boot").getCollection(collection);
                        assertThat(documents.countDocuments()).isEqualTo(1);
                        documents.drop();
                    });
        }

        @Test
        void badPropertiesFailTheStartNamingTheProperty() {
            runner.withUserConfiguration(OwnMongoClient.class)
                    .withPropertyValues("sessionkit.mongo.write-concern=0")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.mongo.write-concern"));
            runner.withUserConfiguration(OwnMongoClient.class)
                    .withPropertyValues("sessionkit.mongo.read-preference=closest")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.mongo.read-preference"));
        }
    }

    @Nested
    class Memcached {
        @Test
        void namedWithItsServers() {
            runner.withPropertyValues(
                            "sessionkit.store=memcached",
                            "sessionkit.memcached.servers=" + TestServers.memcachedServers(),
                            "sessionkit.memcached.key-prefix=sk-boot-"
                                    + UUID.randomUUID().toString().substring(0, 8) + ":")
                    .run(context -> assertThat(roundTrip(context).store()).isInstanceOf(MemcachedSessionStore.class));
        }

        @Test
        void badPropertiesFailTheStartNamingTheProperty() {
            runner.withPropertyValues("sessionkit.store=memcached", "sessionkit.memcached.operation-timeout=never")
                    .run(context -> assertThat(failure(context)).contains("sessionkit.memcached.operation-timeout"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnStore {
        @Bean
        SessionStore ownStore() {
            return CaffeineSessionStore.builder().build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnManager {
        @Bean(destroyMethod = "close")
        SessionManager ownManager() {
            return SessionManager.builder(SessionKitConfig.of(Map.of("sessionkit.max-idle", "3m")))
                    .store(CaffeineSessionStore.builder().build())
                    .closeStoreOnClose(true)
                    .build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnConfig {
        @Bean
        SessionKitConfig ownConfig() {
            return SessionKitConfig.of(Map.of("sessionkit.store", "local", "sessionkit.max-idle", "7m"));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnMongoClient {
        @Bean(destroyMethod = "close")
        MongoClient mongoClient() {
            return MongoClients.create(TestServers.mongoUri());
        }
    }
}
