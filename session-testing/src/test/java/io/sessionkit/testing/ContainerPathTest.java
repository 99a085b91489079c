package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sessionkit.testing.TestServers.Kind;
import io.sessionkit.testing.TestServers.Server;
import io.sessionkit.testing.TestServers.Source;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Testcontainers step of {@link TestServers}: each kind of server started in a container really answers. Runs
 * where a Docker engine answers; skipped, with the reason Testcontainers gave, where none does.
 */
class ContainerPathTest {
    @BeforeEach
    void docker() {
        assumeTrue(
                TestServers.dockerAvailable(),
                () -> "skipped: " + TestServers.dockerProblem()
                        + "; the lookup uses the environment, the standard local ports and local binaries instead");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    @DisplayName("a container of each kind answers at the address TestServers gives")
    void containerAnswers(Kind kind) throws Exception {
        Server s = TestServers.container(kind);
        assertThat(s.source()).isEqualTo(Source.CONTAINER);
        switch (kind) {
            case POSTGRES, MARIADB -> {
                try (Connection c = DriverManager.getConnection(s.address());
                        Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(1);
                }
            }
            case REDIS -> {
                URI u = URI.create(s.address());
                assertThat(ServerProcess.answersRedisPing(u.getHost(), u.getPort()))
                        .isTrue();
            }
            case MEMCACHED -> {
                var server = TestServers.memcachedAddressesOf(s.address()).get(0);
                MemcachedText.set(server, "sk-container-check", new byte[] {1, 2, 3}, 60);
                assertThat(MemcachedText.get(server, "sk-container-check"))
                        .hasValueSatisfying(v -> assertThat(v).containsExactly(1, 2, 3));
            }
            case MONGO -> {
                String hostPort = s.address().substring("mongodb://".length());
                int colon = hostPort.lastIndexOf(':');
                assertThat(ServerProcess.accepts(
                                hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), 2000))
                        .isTrue();
            }
            default -> throw new AssertionError(kind);
        }
    }
}
