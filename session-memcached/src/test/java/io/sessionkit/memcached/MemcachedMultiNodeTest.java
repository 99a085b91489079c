package io.sessionkit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.ServerProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three memcached processes on free ports behind one store: keys spread over all three; one killed, the others serve
 * on while calls for the dead one's keys fail fast; the store recovers when it returns on the same port. Latencies
 * are measured and printed, never asserted.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemcachedMultiNodeTest {
    private static final int SESSIONS = 300;

    private final MutableClock clock = MutableClock.startingNow();
    private final List<ServerProcess> nodes = new ArrayList<>();
    private MemcachedSessionStore store;

    @BeforeEach
    void start() {
        for (int i = 0; i < 3; i++) {
            nodes.add(ServerProcess.memcached());
        }
        store = MemcachedSessionStore.builder()
                .servers(nodes.stream().map(ServerProcess::address).toList())
                .clock(clock)
                .build();
    }

    @AfterEach
    void stop() {
        try {
            if (store != null) {
                store.close();
            }
        } finally {
            nodes.forEach(ServerProcess::close);
        }
    }

    private SessionRecord record(int n) {
        return FreshRecords.record(clock, null, "{\"n\":" + n + "}");
    }

    private List<SessionRecord> createSessions() {
        List<SessionRecord> out = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            SessionRecord r = record(i);
            assertThat(store.create(r)).isTrue();
            out.add(r);
        }
        return out;
    }

    private static long itemsOn(ServerProcess node) {
        return Long.parseLong(MemcachedText.stats(node.address()).get("curr_items"));
    }

    @Test
    @DisplayName("sessions spread over all three nodes, and each is read back from the node that holds it")
    void spread() {
        List<SessionRecord> sessions = createSessions();
        Map<Integer, Long> perNode = new LinkedHashMap<>();
        long total = 0;
        for (ServerProcess node : nodes) {
            long items = itemsOn(node);
            perNode.put(node.port(), items);
            total += items;
            assertThat(items).as("items on node %s", node.port()).isPositive();
        }
        System.out.println("[memcached multi-node] " + SESSIONS + " sessions over 3 nodes (port=items): " + perNode);
        store.ping();
        assertThat(total).isEqualTo(SESSIONS);
        for (SessionRecord r : sessions) {
            InetSocketAddress holder = store.serverFor(r.key());
            assertThat(MemcachedText.get(holder, store.itemKey(r.key())))
                    .as("item on the node Ketama picked")
                    .isPresent();
            assertThat(store.load(r.key()).orElseThrow().attributes()).isEqualTo(r.attributes());
        }
    }

    @Test
    @DisplayName(
            "a killed node: its keys fail fast with SessionStoreUnavailableException, others load; it recovers on return")
    void killAndRecover() throws IOException {
        List<SessionRecord> sessions = createSessions();
        ServerProcess victim = nodes.get(1);
        List<SessionRecord> onVictim = sessions.stream()
                .filter(r -> store.serverFor(r.key()).getPort() == victim.port())
                .toList();
        List<SessionRecord> elsewhere = sessions.stream()
                .filter(r -> store.serverFor(r.key()).getPort() != victim.port())
                .toList();
        assertThat(onVictim).isNotEmpty();
        assertThat(elsewhere).isNotEmpty();

        victim.kill();
        long killedAt = System.nanoTime();

        // Every call for a key on the dead node fails, each one timed.
        List<Long> failMicros = new ArrayList<>();
        for (SessionRecord r : onVictim) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> store.load(r.key()))
                    .isInstanceOf(SessionStoreUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + victim.port())
                    .hasMessageContaining("gets")
                    .hasMessageNotContaining(r.key().value());
            failMicros.add((System.nanoTime() - t0) / 1000);
        }
        SessionRecord r0 = onVictim.get(0);
        assertThatThrownBy(() -> store.replace(r0.withVersion(2), 1))
                .isInstanceOf(SessionStoreUnavailableException.class);
        assertThatThrownBy(() -> store.delete(r0.key())).isInstanceOf(SessionStoreUnavailableException.class);
        SessionRecord newOnVictim = newRecordOn(victim);
        assertThatThrownBy(() -> store.create(newOnVictim))
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("add");

        // The other nodes serve on, reads and writes.
        for (SessionRecord r : elsewhere) {
            assertThat(store.load(r.key())).as("session on a live node").isPresent();
        }
        SessionRecord e0 = elsewhere.get(0);
        assertThat(store.replace(e0.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
        assertThatThrownBy(store::ping)
                .as("the health check names the dead node")
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("ping")
                .hasMessageContaining("127.0.0.1:" + victim.port());

        List<Long> sorted = failMicros.stream().sorted().toList();
        System.out.printf(
                "[memcached multi-node] node %d killed: %d calls for its keys failed with SessionStoreUnavailableException; "
                        + "latency first=%.2f ms, median=%.2f ms, max=%.2f ms (operation timeout %d ms); %d sessions on the 2 live nodes "
                        + "loaded fine%n",
                victim.port(),
                failMicros.size(),
                failMicros.get(0) / 1000.0,
                sorted.get(sorted.size() / 2) / 1000.0,
                sorted.get(sorted.size() - 1) / 1000.0,
                MemcachedSessionStore.DEFAULT_OPERATION_TIMEOUT.toMillis(),
                elsewhere.size());

        // Back on the same port, empty (memcached keeps nothing across a restart). Poll, bounded, until the client
        // reconnects.
        victim.restart();
        long restartedAt = System.nanoTime();
        long deadline = restartedAt + TimeUnit.SECONDS.toNanos(30);
        int failedPolls = 0;
        Optional<SessionRecord> afterReturn = null;
        while (afterReturn == null) {
            try {
                afterReturn = store.load(r0.key());
            } catch (SessionStoreUnavailableException e) {
                failedPolls++;
                if (System.nanoTime() > deadline) {
                    fail("store did not recover within 30 s after node " + victim.port() + " returned", e);
                }
                ServerProcess.sleepMillis(50);
            }
        }
        long recoveredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartedAt);
        assertThat(afterReturn)
                .as("the restarted node lost its data: the session is absent, not an error")
                .isEmpty();
        assertThat(store.create(newOnVictim)).isTrue();
        assertThat(store.load(newOnVictim.key())).isPresent();
        assertThat(store.replace(newOnVictim.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
        for (SessionRecord r : elsewhere) {
            assertThat(store.load(r.key())).isPresent();
        }
        store.ping();
        System.out.printf(
                "[memcached multi-node] node %d back on its port after %d ms down: store served its keys again %d ms "
                        + "after the restart (%d failed polls, max reconnect delay %d s); its old sessions are gone (memcached "
                        + "keeps nothing across a restart)%n",
                victim.port(),
                TimeUnit.NANOSECONDS.toMillis(restartedAt - killedAt),
                recoveredMs,
                failedPolls,
                MemcachedSessionStore.DEFAULT_MAX_RECONNECT_DELAY.toSeconds());
    }

    @Test
    @DisplayName("a hung node (SIGSTOP): its keys fail within the operation timeout, others unaffected")
    void hungNode() throws Exception {
        List<SessionRecord> sessions = createSessions();
        ServerProcess victim = nodes.get(2);
        SessionRecord onVictim = sessions.stream()
                .filter(r -> store.serverFor(r.key()).getPort() == victim.port())
                .findFirst()
                .orElseThrow();
        SessionRecord elsewhere = sessions.stream()
                .filter(r -> store.serverFor(r.key()).getPort() != victim.port())
                .findFirst()
                .orElseThrow();
        victim.pause();
        try {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> store.load(onVictim.key()))
                        .isInstanceOf(SessionStoreUnavailableException.class)
                        .hasMessageContaining("no answer within");
                millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
            assertThat(store.load(elsewhere.key())).isPresent();
            assertThatThrownBy(store::ping)
                    .as("the health check names the hung node, within the operation timeout")
                    .isInstanceOf(SessionStoreUnavailableException.class)
                    .hasMessageContaining("no answer within")
                    .hasMessageContaining("127.0.0.1:" + victim.port());
            System.out.printf(
                    "[memcached multi-node] node %d hung (SIGSTOP): 5 loads failed after %s ms (operation timeout %d ms); "
                            + "other nodes unaffected%n",
                    victim.port(), millis, MemcachedSessionStore.DEFAULT_OPERATION_TIMEOUT.toMillis());
        } finally {
            victim.resume();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                assertThat(store.load(onVictim.key())).isPresent();
                break;
            } catch (SessionStoreUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    fail("store did not recover within 30 s after SIGCONT", e);
                }
                ServerProcess.sleepMillis(50);
            }
        }
    }

    private SessionRecord newRecordOn(ServerProcess node) {
        for (int i = 0; i < 10_000; i++) {
            SessionRecord r = record(-1);
            if (store.serverFor(r.key()).getPort() == node.port()) {
                return r;
            }
        }
        throw new AssertionError("no key maps to node " + node.port());
    }
}
