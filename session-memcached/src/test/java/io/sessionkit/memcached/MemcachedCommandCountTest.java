package io.sessionkit.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Counts the commands memcached itself executed per request ({@code stats}: cmd_get, cmd_set, cmd_touch, delete_*)
 * on a memcached of its own, so nothing else moves the counters. Each kind of request runs {@value #REQUESTS} times.
 */
class MemcachedCommandCountTest {
    private static final int REQUESTS = 50;
    private static final List<String> COUNTERS = List.of(
            "cmd_get",
            "get_hits",
            "get_misses",
            "cmd_set",
            "cas_hits",
            "cas_misses",
            "cas_badval",
            "cmd_touch",
            "delete_hits",
            "delete_misses");

    private static ServerProcess server;
    private static MemcachedSessionStore store;
    private static SessionManager manager;
    private static final MutableClock clock = MutableClock.startingNow();
    private static final ExpiryPolicy POLICY =
            new ExpiryPolicy(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofMinutes(3));

    @BeforeAll
    static void start() {
        server = ServerProcess.memcached();
        store = storeBuilder().build();
        manager =
                SessionManager.builder(store).clock(clock).expiryPolicy(POLICY).build();
    }

    @AfterAll
    static void stop() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** Counter deltas per request while {@code request} runs {@link #REQUESTS} times over fresh sessions. */
    private static Map<String, Double> perRequest(String name, List<Session> sessions, Consumer<Session> request) {
        Map<String, String> before = MemcachedText.stats(server.address());
        for (Session s : sessions) {
            request.accept(s);
        }
        Map<String, String> after = MemcachedText.stats(server.address());
        Map<String, Double> out = new LinkedHashMap<>();
        for (String c : COUNTERS) {
            double d = (Long.parseLong(after.get(c)) - Long.parseLong(before.get(c))) / (double) sessions.size();
            out.put(c, d);
        }
        double commands = out.get("cmd_get")
                + out.get("cmd_set")
                + out.get("cmd_touch")
                + out.get("delete_hits")
                + out.get("delete_misses");
        out.put("commands", commands);
        StringBuilder line = new StringBuilder("[memcached stats per request] ").append(String.format("%-34s", name));
        out.forEach((k, v) -> {
            if (v != 0 || k.equals("commands")) {
                line.append(' ').append(k).append('=').append(v % 1 == 0 ? Long.toString(v.longValue()) : v.toString());
            }
        });
        System.out.println(line);
        return out;
    }

    /** A store on the private server, on the test's clock, with the other settings to come. */
    private static MemcachedSessionStore.Builder storeBuilder() {
        return MemcachedSessionStore.builder()
                .servers(List.of(server.address()))
                .clock(clock);
    }

    /** A request that sets attribute {@code n} to 1 on the session through {@code m}: an update. */
    private static Consumer<Session> modifyingRequest(SessionManager m) {
        return s -> {
            Session found = m.find(s.id()).orElseThrow();
            found.setAttribute("n", 1);
            assertThat(m.save(found)).isEqualTo(SaveResult.UPDATED);
        };
    }

    private static List<Session> savedSessions() {
        return saved(manager, false);
    }

    /** {@link #REQUESTS} sessions with {@code n=0} saved through {@code m}, each of a new principal if asked. */
    private static List<Session> saved(SessionManager m, boolean loggedIn) {
        List<Session> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Session s = m.create();
            if (loggedIn) {
                s.setPrincipal("count-user-" + principals++);
            }
            s.setAttribute("n", 0);
            m.save(s);
            out.add(s);
        }
        return out;
    }

    @Test
    @DisplayName("new session: 1 command (add)")
    void newSession() {
        List<Session> fresh = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            fresh.add(manager.create());
        }
        Map<String, Double> c = perRequest("new session", fresh, s -> {
            s.setAttribute("cart", List.of(1, 2, 3));
            assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        });
        assertThat(c).containsAllEntriesOf(Map.of("commands", 1.0, "cmd_set", 1.0));
    }

    @Test
    @DisplayName("read-only request inside the touch interval: 1 command (gets)")
    void readOnly() {
        Map<String, Double> c = perRequest("read-only request", savedSessions(), s -> {
            Session found = manager.find(s.id()).orElseThrow();
            assertThat(found.getAttribute("n")).isEqualTo(0);
            assertThat(manager.save(found)).isEqualTo(SaveResult.UNCHANGED);
        });
        assertThat(c).containsAllEntriesOf(Map.of("commands", 1.0, "cmd_get", 1.0, "get_hits", 1.0));
    }

    @Test
    @DisplayName("request that changes the session: 2 commands (gets + cas)")
    void modifying() {
        Map<String, Double> c = perRequest("modifying request", savedSessions(), modifyingRequest(manager));
        assertThat(c).containsAllEntriesOf(Map.of("commands", 2.0, "cmd_get", 1.0, "cmd_set", 1.0, "cas_hits", 1.0));
    }

    @Test
    @DisplayName("read-only request after the touch interval: 2 commands (gets + cas)")
    void touch() {
        List<Session> sessions = savedSessions();
        clock.advance(POLICY.touchInterval());
        Map<String, Double> c = perRequest("read-only, touch interval passed", sessions, s -> {
            Session found = manager.find(s.id()).orElseThrow();
            assertThat(manager.save(found)).isEqualTo(SaveResult.TOUCHED);
        });
        assertThat(c).containsAllEntriesOf(Map.of("commands", 2.0, "cas_hits", 1.0));
    }

    @Test
    @DisplayName("the CAS id cache off: a modifying request costs 3 commands (gets + gets + cas)")
    void modifyingWithoutCasCache() {
        try (MemcachedSessionStore plain = storeBuilder().casCacheSize(0).build()) {
            SessionManager m = SessionManager.builder(plain)
                    .clock(clock)
                    .expiryPolicy(POLICY)
                    .build();
            Map<String, Double> c =
                    perRequest("modifying request, no CAS-id cache", savedSessions(), modifyingRequest(m));
            assertThat(c).containsEntry("commands", 3.0);
        }
    }

    @Test
    @DisplayName("invalidate: 1 command (delete); rotation: 2 (add + delete)")
    void invalidateAndRotate() {
        Map<String, Double> del =
                perRequest("invalidate (loaded session)", savedSessions(), s -> manager.invalidate(s.id().key()));
        assertThat(del).containsAllEntriesOf(Map.of("commands", 1.0, "delete_hits", 1.0));
        Map<String, Double> rot = perRequest("rotate id (loaded session)", savedSessions(), manager::rotateId);
        assertThat(rot).containsAllEntriesOf(Map.of("commands", 2.0, "cmd_set", 1.0, "delete_hits", 1.0));
    }

    @Test
    @DisplayName(
            "14.4 compare-and-set delete of a session this node wrote or loaded: 1 command (delete with its CAS id)")
    void item4_casDeleteIsOneCommand() {
        Map<String, Double> ok = perRequest(
                "CAS delete (loaded session)",
                savedSessions(),
                s -> assertThat(store.delete(s.id().key(), 1)).isEqualTo(ReplaceResult.OK));
        assertThat(ok).containsAllEntriesOf(Map.of("commands", 1.0, "delete_hits", 1.0));
        Map<String, Double> conflict = perRequest(
                "CAS delete, other version",
                savedSessions(),
                s -> assertThat(store.delete(s.id().key(), 2)).isEqualTo(ReplaceResult.CONFLICT));
        assertThat(conflict)
                .as("one gets, nothing deleted")
                .containsAllEntriesOf(Map.of("commands", 1.0, "get_hits", 1.0));
    }

    private static int principals = 0;

    /** Sessions of one new principal each (so that no index item is shared between requests), saved. */
    private static List<Session> loggedIn(SessionManager m) {
        return saved(m, true);
    }

    @Test
    @DisplayName("principal index: login by rotation 4, change 2, logout 3, lookup 2 (+1 per session in getBulk)")
    void principalIndex() {
        List<Session> anonymous = savedSessions();
        Map<String, Double> login = perRequest("login (set principal + rotate id)", anonymous, s -> {
            s.setPrincipal("login-user-" + principals++);
            manager.rotateId(s);
        });
        assertThat(login)
                .as("index gets + index add, record add, CAS delete of the old id")
                .containsAllEntriesOf(Map.of("commands", 4.0, "cmd_get", 1.0, "cmd_set", 2.0, "delete_hits", 1.0));

        Map<String, Double> create = perRequest("new session with a principal", freshWithPrincipal(), s -> {
            assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        });
        assertThat(create).containsAllEntriesOf(Map.of("commands", 3.0, "cmd_set", 2.0));

        List<Session> users = loggedIn(manager);
        Map<String, Double> change = perRequest("modifying request, principal set", users, modifyingRequest(manager));
        assertThat(change)
                .as("no index write while the expiry stays inside the entry's cover")
                .containsAllEntriesOf(Map.of("commands", 2.0, "cas_hits", 1.0));

        Map<String, Double> lookup = perRequest(
                "findByPrincipal (1 session)",
                users,
                s -> assertThat(manager.findByPrincipal(s.principal().orElseThrow()))
                        .hasSize(1));
        assertThat(lookup)
                .as("index gets + getBulk of 1 key")
                .containsAllEntriesOf(Map.of("commands", 2.0, "cmd_get", 2.0, "get_hits", 2.0));

        Map<String, Double> logout = perRequest("logout (invalidate, loaded session)", users, s -> {
            Session found = manager.find(s.id()).orElseThrow();
            manager.invalidate(found);
        });
        assertThat(logout)
                .as("gets (find), delete, index gets, index delete with CAS id (its last entry)")
                .containsAllEntriesOf(Map.of("commands", 4.0, "delete_hits", 2.0));

        List<Session> others = loggedIn(manager);
        Map<String, Double> everywhere = perRequest(
                "invalidateAll (1 session)",
                others,
                s -> assertThat(manager.invalidateAll(s.principal().orElseThrow()))
                        .isEqualTo(1));
        assertThat(everywhere)
                .as("index gets + getBulk, then per session: delete (CAS id known from the login) + index gets"
                        + " + index delete")
                .containsEntry("commands", 5.0);
    }

    @Test
    @DisplayName("principal index: a write that carries the expiry into the next refresh step adds gets + cas")
    void principalIndexRefresh() {
        try (MemcachedSessionStore refreshing =
                storeBuilder().principalIndexRefresh(Duration.ofMinutes(1)).build()) {
            SessionManager m = SessionManager.builder(refreshing)
                    .clock(clock)
                    .expiryPolicy(POLICY)
                    .build();
            List<Session> users = loggedIn(m);
            clock.advance(POLICY.touchInterval());
            Map<String, Double> c = perRequest("touch across a refresh step", users, s -> {
                Session found = m.find(s.id()).orElseThrow();
                assertThat(m.save(found)).isEqualTo(SaveResult.TOUCHED);
            });
            assertThat(c).containsAllEntriesOf(Map.of("commands", 4.0, "cas_hits", 2.0));
        }
    }

    private static List<Session> freshWithPrincipal() {
        List<Session> out = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            Session s = manager.create();
            s.setPrincipal("new-user-" + principals++);
            out.add(s);
        }
        return out;
    }
}
