package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
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
        Files.writeString(services.resolve(SessionStoreProvider.class.getName()),
                Arrays.stream(providers).map(Class::getName).collect(Collectors.joining("\n")));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void singleProviderIsUsedWithoutAName() throws IOException {
        SessionStore store = SessionStores.open(SessionKitConfig.of(Map.of()), withProviders(TestProviders.Alpha.class));
        assertThat(((TestProviders.NamedStore) store).madeBy()).isEqualTo("alpha");
    }

    @Test
    void providerIsChosenByConfigAlone() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class, TestProviders.Beta.class);
        SessionStore store = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "beta")), loader);
        assertThat(((TestProviders.NamedStore) store).madeBy()).isEqualTo("beta");
    }

    @Test
    void zeroProvidersSaysWhatToAdd() throws IOException {
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of()), withProviders()))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("No SessionKit store on the class path")
                .hasMessageContaining("sessionkit.store");
    }

    @Test
    void unknownNameListsWhatWasFound() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class, TestProviders.Beta.class);
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "redis")), loader))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("No SessionKit store named 'redis'")
                .hasMessageContaining("alpha (")
                .hasMessageContaining("beta (")
                .hasMessageContaining("session-redis");
    }

    @Test
    void severalProvidersAndNoNameIsAmbiguous() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class, TestProviders.Beta.class);
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of()), loader))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("Set sessionkit.store")
                .hasMessageContaining("alpha")
                .hasMessageContaining("beta");
    }

    @Test
    void failingProviderIsReportedByName() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Alpha.class, TestProviders.Failing.class);
        assertThatThrownBy(() -> SessionStores.open(SessionKitConfig.of(Map.of()), loader))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("Failed to load")
                .hasMessageContaining(TestProviders.Failing.class.getName())
                .hasMessageContaining("driver missing");
    }

    @Test
    void failingProviderDoesNotHideTheNamedOne() throws IOException {
        ClassLoader loader = withProviders(TestProviders.Failing.class, TestProviders.Alpha.class);
        SessionStore store = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "alpha")), loader);
        assertThat(((TestProviders.NamedStore) store).madeBy()).isEqualTo("alpha");
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
        ClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
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
}
