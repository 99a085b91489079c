package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.tck.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rule 7 measured on the server: {@code INFO commandstats} of a private Redis (so nothing else is counted) around N
 * requests made through {@link SessionManager}. Commands a Lua script runs internally ({@code GETRANGE}, {@code SET},
 * {@code ZADD}…) show up in commandstats too; the store never sends those itself, so the round trips are the
 * client-sent commands ({@code GET}, {@code EVALSHA}).
 */
class RedisCommandBudgetTest {
    private static final int N = 50;

    @RegisterExtension
    static final PrivateRedis REDIS = new PrivateRedis("budget");

    private static RedisSessionStore store;
    private static SessionManager manager;
    private static final MutableClock CLOCK = MutableClock.startingNow();

    @BeforeAll
    static void start() {
        store = RedisSessionStore.builder().uri(REDIS.uri()).clock(CLOCK).build();
        // No background sweep: it would add its own commands to the counts.
        manager = SessionManager.builder(store)
                .clock(CLOCK)
                .sweepInterval(Duration.ZERO)
                .build();
        // Warm up: the pooled connection is opened (CLIENT SETINFO/SETNAME) and the scripts are cached (NOSCRIPT +
        // EVAL).
        Session s = manager.create();
        s.setAttribute("warm", 1);
        manager.save(s);
        Session again = manager.find(s.id()).orElseThrow();
        again.setAttribute("warm", 2);
        manager.save(again);
    }

    @AfterAll
    static void stop() throws Exception {
        TestResources.closeAll(store);
    }

    @Test
    @DisplayName("[7] read-only request inside the touch interval: 1 command (GET)")
    void readOnly() {
        Session s = storedSession();
        Map<String, Long> stats = measure("read-only", () -> {
            Session found = manager.find(s.id()).orElseThrow();
            assertThat(found.getAttribute("cart")).isNotNull();
            assertThat(manager.save(found)).isEqualTo(SaveResult.UNCHANGED);
        });
        assertThat(stats).containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) N));
    }

    @Test
    @DisplayName("[7] modifying request: 2 commands (GET + EVALSHA of the replace script)")
    void modifying() {
        Map<String, Long> stats = measureModifying("modifying", storedSession());
        assertThat(CommandStats.clientSent(stats))
                .containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) N, "evalsha", (long) N));
        // Inside the script: the header (version, expiry) and the tail (writer tokens, carried to the new value).
        assertThat(stats).containsEntry("getrange", 2L * N).containsEntry("set", (long) N);
    }

    @Test
    @DisplayName("[7] compare-and-set delete: 1 command (EVALSHA of the delete script)")
    void compareAndSetDelete() {
        Session warm = storedSession();
        // Caches the delete script on the server (NOSCRIPT + EVAL once), as the setup does for the others.
        assertThat(store.delete(warm.id().key(), warm.version())).isEqualTo(io.sessionkit.ReplaceResult.OK);
        java.util.List<Session> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            sessions.add(storedSession());
        }
        java.util.Iterator<Session> next = sessions.iterator();
        Map<String, Long> stats = measure("delete(key, version)", () -> {
            Session s = next.next();
            assertThat(store.delete(s.id().key(), s.version())).isEqualTo(io.sessionkit.ReplaceResult.OK);
        });
        assertThat(CommandStats.clientSent(stats)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", (long) N));
    }

    @Test
    @DisplayName("[7] new session: 1 command (EVALSHA of the create script)")
    void newSession() {
        Map<String, Long> stats = measure("new", () -> {
            Session s = manager.create();
            s.setAttribute("cart", java.util.List.of("apple"));
            assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        });
        assertThat(CommandStats.clientSent(stats)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", (long) N));
    }

    @Test
    @DisplayName(
            "[7] modifying request of a logged-in session: still 2 commands on standalone (index kept inside the script)")
    void modifyingWithPrincipal() {
        Session s = storedSession();
        Session login = manager.find(s.id()).orElseThrow();
        login.setPrincipal("alice");
        manager.save(login);
        Map<String, Long> stats = measureModifying("modifying, with principal", s);
        assertThat(CommandStats.clientSent(stats))
                .containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) N, "evalsha", (long) N));
    }

    @Test
    @DisplayName("[7] log out: 1 command (EVALSHA of the delete script, which also drops the expiry index member)")
    void logOut() {
        Session warm = storedSession();
        manager.invalidate(warm);
        List<Session> sessions = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            sessions.add(storedSession());
        }
        java.util.Iterator<Session> next = sessions.iterator();
        Map<String, Long> stats = measure("log out", () -> manager.invalidate(next.next()));
        assertThat(CommandStats.clientSent(stats)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", (long) N));
        assertThat(stats).containsEntry("unlink", (long) N).containsEntry("zrem", (long) N);
    }

    @Test
    @DisplayName("sweep: 2 commands per claimed batch (candidates, claim) and 1 per removed batch, on standalone")
    void sweep() {
        // Warm up the sweep's scripts (NOSCRIPT + EVAL once); the test's own sessions expire after that.
        storedSession();
        CLOCK.advance(Duration.ofHours(1));
        manager.sweepExpired();
        for (int i = 0; i < N; i++) {
            storedSession();
        }
        CLOCK.advance(Duration.ofHours(1));
        CommandStats.reset(REDIS.admin());
        int swept = manager.sweepExpired();
        Map<String, Long> stats = CommandStats.read(REDIS.admin());
        System.out.printf("commandstats sweep of %d sessions: %s%n", swept, stats);
        assertThat(swept).isGreaterThanOrEqualTo(N);
        assertThat(CommandStats.clientSent(stats)).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", 3L));
    }

    private static Session storedSession() {
        Session s = manager.create();
        s.setAttribute("cart", java.util.List.of("apple", "pear"));
        manager.save(s);
        return s;
    }

    /** {@link #measure}s N requests that each load {@code s} and save it with a changed attribute. */
    private static Map<String, Long> measureModifying(String label, Session s) {
        int[] n = {0};
        return measure(label, () -> {
            Session found = manager.find(s.id()).orElseThrow();
            found.setAttribute("n", ++n[0]);
            assertThat(manager.save(found)).isEqualTo(SaveResult.UPDATED);
        });
    }

    /** Runs {@code request} N times between CONFIG RESETSTAT and INFO commandstats; returns calls per command. */
    private static Map<String, Long> measure(String label, Runnable request) {
        CommandStats.reset(REDIS.admin());
        for (int i = 0; i < N; i++) {
            request.run();
        }
        Map<String, Long> calls = CommandStats.read(REDIS.admin());
        Map<String, Long> client = CommandStats.clientSent(calls);
        long perRequest = client.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(
                "commandstats %-26s %d requests: client-sent %s = %.2f per request; all incl. script-internal %s%n",
                label, N, client, perRequest / (double) N, calls);
        return calls;
    }
}
