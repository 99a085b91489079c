package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Private processes on this machine's binaries (redis-server and memcached are required, as by the backend tests). */
class ServerProcessTest {
    @Test
    void redisStartsPausesResumesAndRestartsOnTheSamePort() {
        Path dir;
        try (ServerProcess redis = ServerProcess.redis("process-test")) {
            dir = redis.dir();
            int port = redis.port();
            assertThat(ServerProcess.answersRedisPing(port)).isTrue();
            redis.pause();
            assertThat(ServerProcess.accepts(ServerProcess.HOST, port, 500))
                    .as("a frozen server keeps its socket")
                    .isTrue();
            assertThat(ServerProcess.answersRedisPing(port))
                    .as("but answers nothing")
                    .isFalse();
            redis.resume();
            assertThat(ServerProcess.answersRedisPing(port)).isTrue();
            long pid = redis.pid();
            redis.restart();
            assertThat(redis.pid()).isNotEqualTo(pid);
            assertThat(redis.port()).isEqualTo(port);
            assertThat(ServerProcess.answersRedisPing(port)).isTrue();
            redis.stop();
            assertThat(redis.isAlive()).isFalse();
            assertThat(ServerProcess.accepts(ServerProcess.HOST, port, 500)).isFalse();
            redis.start();
            assertThat(ServerProcess.answersRedisPing(port)).isTrue();
        }
        assertThat(Files.exists(dir)).as("close deletes the directory").isFalse();
    }

    @Test
    void memcachedWithOptionsAndTextProtocol() {
        try (ServerProcess memcached = ServerProcess.memcached("-m", "32")) {
            InetSocketAddress a = memcached.address();
            assertThat(MemcachedText.stats(a)).containsEntry("limit_maxbytes", Long.toString(32L * 1024 * 1024));
            MemcachedText.set(a, "k", "v".getBytes(StandardCharsets.UTF_8), 0);
            assertThat(MemcachedText.get(a, "k"))
                    .hasValueSatisfying(v ->
                            assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("v"));
            assertThat(MemcachedText.ttlSeconds(a, "k")).contains(-1L);
            assertThat(MemcachedText.delete(a, "k")).isTrue();
            assertThat(MemcachedText.get(a, "k")).isEmpty();
            memcached.kill();
            assertThat(ServerProcess.accepts(ServerProcess.HOST, a.getPort(), 500))
                    .isFalse();
            memcached.start();
            assertThat(MemcachedText.get(a, "k"))
                    .as("a restarted memcached is empty")
                    .isEmpty();
        }
    }

    @Test
    void binariesComeFromTheUsualPlaces() {
        assertThat(ServerProcess.binary("redis-server")).endsWith("redis-server");
        assertThat(ServerProcess.binary("redis-cli")).endsWith("redis-cli");
        assertThat(ServerProcess.binary("no-such-program-here")).isEqualTo("no-such-program-here");
    }
}
