package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.TestServers.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TestServersTest {
    @Test
    void everyKindResolvesToAServerThatAnswers() {
        for (Kind kind : Kind.values()) {
            TestServers.Server s = TestServers.server(kind);
            assertThat(s.kind()).isEqualTo(kind);
            assertThat(s.description()).isNotBlank();
            assertThat(TestServers.server(kind)).as("resolved once").isSameAs(s);
        }
        assertThat(ServerProcess.answersRedisPing(
                        TestServers.redisUri().getHost(), TestServers.redisUri().getPort()))
                .isTrue();
        var memcached = TestServers.memcachedAddresses().get(0);
        MemcachedText.set(memcached, "sk-testing-lookup", "x".getBytes(StandardCharsets.UTF_8), 60);
        assertThat(MemcachedText.get(memcached, "sk-testing-lookup")).isPresent();
        assertThat(TestServers.postgresUrl()).startsWith("jdbc:postgresql:");
        assertThat(TestServers.mariadbUrl()).startsWith("jdbc:mariadb:");
        assertThat(TestServers.mongoUri()).startsWith("mongodb://");
    }

    @Test
    void redactsPasswords() {
        assertThat(TestServers.redact("jdbc:postgresql://h:5432/db?user=u&password=secret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h:5432/db?user=u&password=***&ssl=true");
        assertThat(TestServers.redact("mongodb://u:secret@h:27017/db")).isEqualTo("mongodb://u:***@h:27017/db");
    }

    @Test
    void dockerIsAskedOnceAndAnswersWithAReason() {
        String problem = TestServers.dockerProblem();
        assertThat(TestServers.dockerAvailable()).isEqualTo(problem.isEmpty());
        if (!problem.isEmpty()) {
            assertThat(problem).contains("no Docker engine answers at");
        }
    }
}
