package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.ServerProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * What the compare-and-set write costs the Redis server, next to a plain {@code SET} of the same value: {@code INFO
 * commandstats} {@code usec_per_call} of {@code evalsha} and {@code set} (and of the commands run inside the script)
 * on a private {@code redis-server}, around {@value #N} replace writes of a 1 KiB session and {@value #N} plain
 * {@code SET ... PX} of the same value, {@code CONFIG RESETSTAT} before each. Figures, no timing assertion: they are
 * printed and appended to {@code target/redis-script-cost.txt}, and BENCHMARKS.md ("Redis write script cost") is
 * written from them. Only what the writes did is asserted.
 *
 * <p>The writes go round {@value #SESSIONS} sessions (about 4 per bucket), each rewritten every
 * {@value #SESSIONS} writes while the clock moves 50 ms per write, so each write moves {@code expiresAt} as a real
 * modifying request does; the runs alternate (SET, script) {@value #ROUNDS} times, and the median is reported, since
 * the machine is shared.
 *
 * <p>A measurement, not part of {@code verify} (the name ends in neither {@code Test} nor {@code Tests}): run it with
 * {@code -Dtest=RedisScriptCost}.
 */
class RedisScriptCost {
    private static final int N = 20_000;
    private static final int SESSIONS = 1_000;
    private static final int ROUNDS = 3;
    private static final Path FILE = Path.of("target", "redis-script-cost.txt");

    private static ServerProcess server;
    private static RedisClient admin;
    private static RedisSessionStore store;
    private static final MutableClock CLOCK = MutableClock.startingNow();

    @BeforeAll
    static void start() {
        server = ServerProcess.redis("script-cost");
        admin = RedisClient.create("127.0.0.1", server.port());
        store = RedisSessionStore.builder()
                .uri("redis://" + server.hostAndPort())
                .clock(CLOCK)
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        TestResources.closeAll(store, admin, server);
    }

    @Test
    @DisplayName("replace script vs plain SET, 1 KiB, anonymous sessions: server usec per call (figures)")
    void anonymous() {
        measure("anonymous", null);
    }

    @Test
    @DisplayName("replace script vs plain SET, 1 KiB, logged-in sessions (principal index kept too): figures")
    void loggedIn() {
        measure("logged-in", "alice@example.com");
    }

    private static void measure(String label, @Nullable String principal) {
        String attrs = "{\"cart\":\"" + "x".repeat(1024 - 140) + "\"}";
        List<SessionRecord> current = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            SessionRecord r = record(new SessionKey(SessionKey.hash("cost-" + label + "-" + i)), 1, principal, attrs);
            assertThat(store.create(r)).isTrue();
            current.add(r);
        }
        String value = admin.get(store.sessionKey(current.get(0).key()));
        assertThat(value.length()).as("a 1 KiB session as stored").isBetween(1000, 1300);
        List<Double> set = new ArrayList<>();
        List<Double> script = new ArrayList<>();
        Map<String, List<Double>> inside = new TreeMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            CommandStats.reset(admin);
            for (int i = 0; i < N; i++) {
                admin.set("cost:plain:" + (i % SESSIONS), value, new SetParams().px(2_160_000));
            }
            set.add(usecPerCall(admin).get("set"));
            CommandStats.reset(admin);
            for (int i = 0; i < N; i++) {
                int s = i % SESSIONS;
                SessionRecord was = current.get(s);
                CLOCK.advance(Duration.ofMillis(50));
                SessionRecord next = record(was.key(), was.version() + 1, principal, attrs);
                assertThat(store.replace(next, was.version())).isEqualTo(ReplaceResult.OK);
                current.set(s, next);
            }
            Map<String, Double> stats = usecPerCall(admin);
            script.add(stats.get("evalsha"));
            stats.forEach((name, usec) -> {
                if (!name.equals("evalsha") && !name.equals("eval")) {
                    inside.computeIfAbsent(name, k -> new ArrayList<>()).add(usec);
                }
            });
        }
        double s = median(set);
        double e = median(script);
        StringBuilder line = new StringBuilder(String.format(
                "%s: %d writes x %d rounds, value %d bytes: set %.2f usec/call, evalsha %.2f usec/call, ratio %.1f"
                        + " (rounds: set %s, evalsha %s); inside the script, median usec/call:",
                label, N, ROUNDS, value.length(), s, e, e / s, set, script));
        inside.forEach((name, usec) -> line.append(String.format(" %s %.2f", name, median(usec))));
        record(line.toString());
        assertThat(store.load(current.get(0).key())).contains(current.get(0));
    }

    private static SessionRecord record(SessionKey key, long version, @Nullable String principal, String attrs) {
        Instant now = CLOCK.instant();
        Duration idle = Duration.ofMinutes(30);
        return new SessionRecord(key, version, now.minusSeconds(60), now, idle, now.plus(idle), principal, attrs);
    }

    /** {@code usec_per_call} per command (lower-case name) since the last reset. */
    private static Map<String, Double> usecPerCall(RedisClient server) {
        Map<String, Double> out = new TreeMap<>();
        server.info("commandstats")
                .lines()
                .filter(line -> line.startsWith("cmdstat_") && !line.startsWith("cmdstat_config"))
                .forEach(line -> out.put(
                        line.substring("cmdstat_".length(), line.indexOf(':')),
                        Double.parseDouble(line.replaceAll(".*usec_per_call=([0-9.]+).*", "$1"))));
        return out;
    }

    private static double median(List<Double> xs) {
        List<Double> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static void record(String line) {
        System.out.println("[redis-script-cost] " + line);
        try {
            Files.createDirectories(FILE.getParent());
            Files.writeString(
                    FILE,
                    Instant.now() + " " + line + System.lineSeparator(),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("[redis-script-cost] could not write " + FILE + ": " + e.getMessage());
        }
    }
}
