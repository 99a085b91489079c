package io.sessionkit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The jar {@code ./sample} runs ({@code java -jar target/session-spring-boot-sample.jar}, built by Maven before the
 * tests), in a process of its own with nothing but a port: SessionKit's stores are found inside the executable jar, the
 * default is the local store with the starter's one WARNING, and login and the counter work.
 */
class ExecutableJarTest {
    @Test
    @DisplayName("java -jar with no store configured: the local store, one WARNING that sessions are not shared")
    void theJarRunsOnTheLocalStore() throws Exception {
        Path jar = Path.of(System.getProperty("sessionkit.sample.jar", "target/session-spring-boot-sample.jar"))
                .toAbsolutePath();
        assertThat(jar)
                .as("the executable jar: run the tests through Maven "
                        + "(./mvnw -pl session-spring-boot-sample -am verify), which builds it first")
                .exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ServerProcess process = ServerProcess.builder("sample")
                .command((port, dir) -> List.of(java, "-jar", jar.toString(), "--server.port=" + port))
                // Spring Boot binds the port only once the whole context has started; a busy machine needs a while.
                .startTimeout(Duration.ofMinutes(3))
                .start();
        try (SampleInstance sample = SampleInstance.at(process.port(), "A", process::close)) {
            Browser browser = new Browser();
            sample.logIn(browser, "bob", SecurityConfig.DEMO_PASSWORD);
            sample.addOne(browser);
            assertThat(sample.counter(browser, "bob")).isEqualTo(1);

            List<String> warnings = Files.readAllLines(process.dir().resolve("server.log")).stream()
                    .filter(line -> line.contains(" WARN ") && line.contains("io.sessionkit"))
                    .toList();
            assertThat(warnings)
                    .singleElement()
                    .asString()
                    .contains("no shared session store configured")
                    .contains("not shared with other instances");
        }
    }
}
