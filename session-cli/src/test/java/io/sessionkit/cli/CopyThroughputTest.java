package io.sessionkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.RunNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19's check through the CLI: N sessions Redis → PostgreSQL and PostgreSQL → Redis, all copied, versions and
 * expiry preserved, verify clean. N is {@code -Dsessionkit.cli.sessions} (default 5 000, so that a normal build stays
 * quick; the README's figures are from 100 000). The figures are printed and written to
 * {@code target/copy-figures.txt}; nothing is asserted about them.
 */
class CopyThroughputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A key prefix on the test Redis with the keys that select the redis store on it. */
    private static RunNamespace redisStore(String stem) {
        return RunNamespace.redis(stem)
                .with("sessionkit.store=redis", "sessionkit.redis.uri={server}", "sessionkit.redis.key-prefix={name}");
    }

    @Test
    void copiesEverySessionBothWaysAndVerifiesClean() throws Exception {
        int n = Integer.getInteger("sessionkit.cli.sessions", 5000);
        RunNamespace redisNs = redisStore("sk:clicopy");
        RunNamespace pgNs = RunNamespace.postgres("clicopy")
                .with(
                        "sessionkit.store=jdbc",
                        "sessionkit.jdbc.url={server}",
                        "sessionkit.jdbc.table={name}",
                        "sessionkit.jdbc.create-schema=true");
        RunNamespace backNs = redisStore("sk:cliback");
        Path redis = Cli.write(dir, "redis.properties", redisNs.properties());
        Path pg = Cli.write(dir, "pg.properties", pgNs.properties());
        Path back = Cli.write(dir, "back.properties", backNs.properties());
        List<SessionRecord> records = SessionKitCliTest.sessions(n, null);
        try (SessionStore source = SessionStores.open(SessionKitConfig.of(redisNs.properties()))) {
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> done = records.stream()
                        .map(r -> pool.submit(() -> source.create(r)))
                        .toList();
                for (Future<Boolean> f : done) {
                    assertThat(f.get()).isTrue();
                }
            } finally {
                pool.shutdown();
            }
            JsonNode there = copy(redis, pg);
            JsonNode verifyThere = verify(redis, pg, n);
            JsonNode backAgain = copy(pg, back);
            JsonNode verifyBack = verify(pg, back, n);
            try (SessionStore target = SessionStores.open(SessionKitConfig.of(backNs.properties()))) {
                for (SessionRecord r : records.subList(0, Math.min(n, 200))) {
                    SessionRecord c = target.load(r.key()).orElseThrow();
                    assertThat(c.version()).isEqualTo(r.version());
                    assertThat(c.expiresAt()).isEqualTo(r.expiresAt());
                }
            }
            String figures = String.format(
                    "%d sessions: Redis -> PostgreSQL %d sessions/s (%.1f s), verify %.1f s; "
                            + "PostgreSQL -> Redis %d sessions/s (%.1f s), verify %.1f s%n",
                    n,
                    there.get("sessionsPerSecond").asLong(),
                    there.get("seconds").asDouble(),
                    verifyThere.get("seconds").asDouble(),
                    backAgain.get("sessionsPerSecond").asLong(),
                    backAgain.get("seconds").asDouble(),
                    verifyBack.get("seconds").asDouble());
            System.out.print(figures);
            Files.writeString(Path.of("target", "copy-figures.txt"), figures);
        } finally {
            redisNs.cleanUp();
            pgNs.cleanUp();
            backNs.cleanUp();
        }
    }

    private JsonNode copy(Path from, Path to) throws IOException {
        Cli.Run run = Cli.run(dir, "--json", "copy", "--from", from.toString(), "--to", to.toString())
                .expect(0);
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("failed").asLong()).isZero();
        assertThat(r.get("skipped").asLong()).isZero();
        assertThat(r.get("complete").asBoolean()).isTrue();
        return r;
    }

    private JsonNode verify(Path from, Path to, int n) throws IOException {
        long start = System.nanoTime();
        Cli.Run run = Cli.run(dir, "--json", "verify", "--from", from.toString(), "--to", to.toString())
                .expect(0);
        double seconds = (System.nanoTime() - start) / 1e9;
        JsonNode r = JSON.readTree(run.out());
        assertThat(r.get("clean").asBoolean()).isTrue();
        assertThat(r.get("checked").asLong()).isEqualTo(n);
        return JSON.createObjectNode().put("seconds", seconds);
    }
}
