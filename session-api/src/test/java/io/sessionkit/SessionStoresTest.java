package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionStoresTest {
    @TempDir
    Path dir;

    /** A class loader whose only provider registrations are {@code providers}. */
    private ClassLoader withProviders(Class<?>... providers) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(
                services.resolve(SessionStoreProvider.class.getName()),
                Arrays.stream(providers).map(Class::getName).collect(Collectors.joining("\n")));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    /** Which provider made the store that {@code sessionkit.store=store} opens (no key when null). */
    private String madeBy(String store, Class<?>... providers) throws IOException {
        SessionStore opened = SessionStores.open(storeNamed(store), withProviders(providers));
        return ((TestProviders.NamedStore) opened).madeBy();
    }

    private static SessionKitConfig storeNamed(String store) {
        return SessionKitConfig.of(store == null ? Map.of() : Map.of("sessionkit.store", store));
    }

    @Test
    void singleProviderIsUsedWithoutAName() throws IOException {
        assertThat(madeBy(null, TestProviders.Alpha.class)).isEqualTo("alpha");
    }

    @Test
    void providerIsChosenByConfigAlone() throws IOException {
        assertThat(madeBy("beta", TestProviders.Alpha.class, TestProviders.Beta.class))
                .isEqualTo("beta");
    }

    @Test
    void zeroProvidersSaysWhatToAdd() throws IOException {
        assertThat(failureOf(null, withProviders()))
                .contains("No SessionKit store on the class path")
                .contains("sessionkit.store");
    }

    @Test
    void unknownNameListsWhatWasFound() throws IOException {
        assertThat(failureOf("redis", withProviders(TestProviders.Alpha.class, TestProviders.Beta.class)))
                .contains("No SessionKit store named 'redis'")
                .contains("alpha (")
                .contains("beta (")
                .contains("session-redis");
    }

    @Test
    void severalProvidersAndNoNameIsAmbiguous() throws IOException {
        assertThat(failureOf(null, withProviders(TestProviders.Alpha.class, TestProviders.Beta.class)))
                .contains("Set sessionkit.store")
                .contains("alpha")
                .contains("beta");
    }

    @Test
    void failingProviderIsReportedByName() throws IOException {
        assertThat(failureOf(null, withProviders(TestProviders.Alpha.class, TestProviders.Failing.class)))
                .contains("Failed to load")
                .contains(TestProviders.Failing.class.getName())
                .contains("driver missing");
    }

    @Test
    void failingProviderDoesNotHideTheNamedOne() throws IOException {
        assertThat(madeBy("alpha", TestProviders.Failing.class, TestProviders.Alpha.class))
                .isEqualTo("alpha");
    }

    @Test
    void unknownNameWithAFailureShowsTheFailure() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Failing.class);
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "failing")), loader))
                .hasMessageContaining("driver missing");
    }

    @Test
    void missingProviderClassIsReported() throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(SessionStoreProvider.class.getName()), "com.example.DoesNotExist\n");
        ClassLoader loader =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of()), loader))
                .hasMessageContaining("com.example.DoesNotExist");
    }

    @Test
    void managerOpensFromEnvironmentStyleConfig() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class);
        SessionStoreProvider p = SessionStores.select(SessionKitConfig.of(Map.of("sessionkit.store", "alpha")), loader);
        assertThat(p.name()).isEqualTo("alpha");
        assertThat(SessionKitConfig.environmentName("sessionkit.redis.uri")).isEqualTo("SESSIONKIT_REDIS_URI");
        assertThat(SessionKitConfig.environmentName("sessionkit.max-idle")).isEqualTo("SESSIONKIT_MAX_IDLE");
    }

    @Test
    void managerOpenedWithACustomizerKeepsTheConfiguredPolicyAndWhatTheCustomizerAdded() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class);
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            SessionKitConfig config =
                    SessionKitConfig.of(Map.of("sessionkit.store", "alpha", "sessionkit.max-idle", "5m"));
            java.time.Clock fixed =
                    java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
            try (SessionManager m = SessionManager.open(config, b -> b.clock(fixed))) {
                assertThat(m.expiryPolicy().maxIdle()).isEqualTo(java.time.Duration.ofMinutes(5));
                assertThat(m.clock()).isSameAs(fixed);
                assertThat(((TestProviders.NamedStore) m.store()).madeBy()).isEqualTo("alpha");
            }
            assertThatThrownBy(() -> SessionManager.open(config, b -> {
                        throw new IllegalStateException("customizer failed");
                    }))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("customizer failed");
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    // ---- issue 14 item 16: a newcomer's startup errors say what is wrong, and name real artifacts only

    private static String failureOf(String store, ClassLoader loader) {
        Throwable t = catchThrowable(() -> SessionStores.open(storeNamed(store), loader));
        assertThat(t).as("sessionkit.store=%s", store).isInstanceOf(SessionException.class);
        String message = t.getMessage();
        Matcher artifacts =
                Pattern.compile("session-[A-Za-z0-9.+-]*[A-Za-z0-9]").matcher(message);
        while (artifacts.find()) {
            assertThat(SessionStores.KNOWN_STORES.values())
                    .as("artifact named in: %s", message)
                    .contains(artifacts.group());
        }
        return message;
    }

    @Test
    void item16_rediss_suggestsRedisAndItsRealArtifact() throws IOException {
        assertThat(failureOf("rediss", withProviders(TestProviders.Alpha.class)))
                .contains("No SessionKit store named 'rediss'")
                .contains("Did you mean 'redis' (add session-redis)?")
                .doesNotContain("session-rediss");
        // With session-redis present, the fix is the name alone.
        assertThat(failureOf("rediss", withProviders(TestProviders.RedisNamed.class)))
                .contains("Did you mean 'redis'?")
                .doesNotContain("add session-redis");
    }

    @Test
    void item16_storeNamesMatchIgnoringCase() throws IOException {
        ClassLoader loader = withProviders(TestProviders.RedisNamed.class, TestProviders.Alpha.class);
        for (String name : List.of("Redis", "REDIS", "redis")) {
            SessionStore store = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", name)), loader);
            assertThat(((TestProviders.NamedStore) store).madeBy()).as(name).isEqualTo("redis");
        }
        assertThat(failureOf("Redis", withProviders(TestProviders.Alpha.class)))
                .contains("matched ignoring case")
                .contains("Add session-redis to the class path")
                .doesNotContain("session-Redis");
    }

    @Test
    void item16_providersThatDifferOnlyByCaseNeedTheExactName() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class, TestProviders.AlphaCapitalized.class);
        assertThat(((TestProviders.NamedStore)
                                SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "Alpha")), loader))
                        .madeBy())
                .isEqualTo("Alpha");
        assertThat(((TestProviders.NamedStore)
                                SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "alpha")), loader))
                        .madeBy())
                .isEqualTo("alpha");
        assertThat(failureOf("ALPHA", loader))
                .contains("Several SessionKit stores are named 'ALPHA' ignoring case")
                .contains("set the exact name");
    }

    @Test
    void item16_postgresAndOtherDatabasesLeadToTheJdbcStore() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class);
        Map<String, String> databases = Map.of(
                "postgres",
                "PostgreSQL",
                "PostgreSQL",
                "PostgreSQL",
                "mysql",
                "MySQL",
                "mariadb",
                "MariaDB",
                "h2",
                "H2");
        databases.forEach((typed, product) -> assertThat(failureOf(typed, loader))
                .as(typed)
                .contains("The jdbc store serves " + product
                        + ": set sessionkit.store=jdbc and add session-jdbc to the class path")
                .doesNotContain("session-" + typed));
        assertThat(failureOf("postgres", withProviders(TestProviders.Alpha.class, TestProviders.RedisNamed.class)))
                .doesNotContain("session-postgres");
        // A slip in an alias still finds its store.
        assertThat(failureOf("postgress", loader)).contains("Did you mean 'jdbc' (add session-jdbc)?");
    }

    @Test
    void item16_mongodbLeadsToTheMongoStore() throws IOException {
        assertThat(failureOf("mongodb", withProviders(TestProviders.Alpha.class)))
                .contains(
                        "The mongo store serves MongoDB: set sessionkit.store=mongo and add session-mongo to the class path")
                .doesNotContain("session-mongodb");
        assertThat(failureOf("mongdb", withProviders())).contains("Did you mean 'mongo' (add session-mongo)?");
    }

    @Test
    void item16_caffeineLeadsToTheLocalStore() throws IOException {
        assertThat(failureOf("caffeine", withProviders(TestProviders.Alpha.class)))
                .contains("set sessionkit.store=local and add session-caffeine-local to the class path");
        assertThat(failureOf("session-redis", withProviders())).contains("set sessionkit.store=redis");
    }

    @Test
    void item16_aTotallyUnknownNameListsSessionKitsStoresWithTheirArtifacts() throws IOException {
        String message = failureOf("cassandra", withProviders(TestProviders.Alpha.class));
        assertThat(message)
                .contains("No SessionKit store named 'cassandra'")
                .contains("Found: alpha (")
                .contains("session-redis (sessionkit.store=redis)")
                .contains("session-jdbc (sessionkit.store=jdbc)")
                .contains("session-memcached (sessionkit.store=memcached)")
                .contains("session-mongo (sessionkit.store=mongo)")
                .contains("session-caffeine-local (sessionkit.store=local)")
                .doesNotContain("Did you mean")
                .doesNotContain("session-cassandra");
        assertThat(failureOf("x".repeat(10_000), withProviders())).contains("SessionKit's stores are");
    }

    @Test
    void item16_aNearMissOfAThirdPartyProviderIsOffered() throws IOException {
        assertThat(failureOf("alpah", withProviders(TestProviders.Alpha.class, TestProviders.Beta.class)))
                .contains("Did you mean 'alpha'?")
                .doesNotContain("session-alpah");
    }

    @Test
    void item16_noProviderAtAll() throws IOException {
        assertThat(failureOf(null, withProviders()))
                .contains("No SessionKit store on the class path")
                .contains("session-redis")
                .contains("session-jdbc")
                .contains("session-memcached")
                .contains("session-mongo")
                .contains("session-caffeine-local")
                .contains("case does not matter");
        assertThat(failureOf("rediss", withProviders()))
                .contains("Found: none.")
                .contains("Did you mean 'redis' (add session-redis)?");
    }

    @Test
    void item16_aUriInTheStoreKeyIsNotEchoed() throws IOException {
        String message = failureOf("redis://app:s3cret@cache:6379", withProviders(TestProviders.RedisNamed.class));
        assertThat(message)
                .doesNotContain("s3cret")
                .doesNotContain("cache:6379")
                .contains("sessionkit.redis.uri")
                .contains("Set sessionkit.store=redis");
        assertThat(failureOf("jdbc:postgresql://db/app?password=s3cret", withProviders()))
                .doesNotContain("s3cret")
                .contains("Add session-jdbc");
    }

    @Test
    void item16_editDistanceCountsSwapsAsOneEdit() {
        assertThat(SessionStores.editDistance("rediss", "redis")).isEqualTo(1);
        assertThat(SessionStores.editDistance("jbdc", "jdbc")).isEqualTo(1);
        assertThat(SessionStores.editDistance("memcache", "memcached")).isEqualTo(1);
        assertThat(SessionStores.editDistance("", "h2")).isEqualTo(2);
        assertThat(SessionStores.editDistance("cassandra", "redis")).isGreaterThan(2);
    }
}
