package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit through Redis Sentinel: one master and one Sentinel, local processes on free ports started
 * once for the class; every store finds the master by asking the Sentinel. Plus connections killed under a Sentinel
 * store. session-compat runs this class again on Spring Boot 4.0's Jedis 7.0.0, so it uses only API of every Jedis 7.x
 * ({@link RawClients}).
 */
class RedisSentinelConformanceTest extends SessionStoreConformanceKit {
    private static final String MASTER = "kitmaster";

    private static ServerProcess master;
    private static ServerProcess sentinel;
    private static UnifiedJedis raw;

    @BeforeAll
    static synchronized void startSentinel() {
        if (master != null) {
            return;
        }
        master = ServerProcess.redis("kit-sentinel-master");
        sentinel = ServerProcess.redisSentinel(
                "kit-sentinel", "sentinel monitor " + MASTER + " " + ServerProcess.HOST + " " + master.port() + " 1");
        raw = RawClients.standalone(HostAndPort.from(master.hostAndPort()));
    }

    @AfterAll
    static synchronized void stopSentinel() throws Exception {
        TestResources.closeAll(raw, sentinel, master);
        raw = null;
        sentinel = null;
        master = null;
    }

    private static RedisSessionStore.Builder sentinelStore(String prefix) {
        startSentinel();
        return RedisSessionStore.builder()
                .sentinel(MASTER, List.of(sentinel.hostAndPort()))
                .keyPrefix(prefix);
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        return sentinelStore("sk:tck:" + ctx.namespace() + ":")
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, raw, List.of(raw)));
    }

    /**
     * With one pooled connection, killed by the server before each read: the read is retried once on a fresh
     * connection and succeeds. Dropping the idle connections must never borrow one (Jedis 7.0's provider has a
     * default {@code getConnectionMap()} that borrows a connection and never returns it, which would leave a one
     * connection pool empty and fail every read after the first kill).
     */
    @Test
    @DisplayName("a connection killed under a Sentinel store: the read is retried on a fresh one, and none leaks")
    void killedConnections() {
        MutableClock clock = MutableClock.startingNow();
        try (RedisSessionStore store = sentinelStore("sk:sentinel-kill:")
                        .clock(clock)
                        .poolMaxTotal(1)
                        .poolMaxWait(Duration.ofMillis(500))
                        .build();
                Jedis admin = new Jedis(ServerProcess.HOST, master.port())) {
            // FreshRecords, not RedisSessionStoreTest's helpers: that class holds a RedisClient (Jedis 7.2+).
            SessionRecord r = FreshRecords.record(clock, null, "{}");
            SessionKey key = r.key();
            assertThat(store.create(r)).isTrue();
            for (int i = 0; i < 3; i++) {
                assertThat(killStoreConnections(admin))
                        .as("store connections killed")
                        .isPositive();
                assertThat(store.load(key))
                        .as("read %d after its connection was killed", i)
                        .contains(r);
            }
            store.delete(key);
        }
    }

    /** Kills the master's connections named {@code sessionkit} (the stores'), leaving the test's own open. */
    private static int killStoreConnections(Jedis admin) {
        int killed = 0;
        for (String line : admin.clientList().lines().toList()) {
            if (line.contains(" name=sessionkit ")) {
                String addr = line.replaceAll(".* addr=(\\S+) .*", "$1").trim();
                admin.clientKill(addr);
                killed++;
            }
        }
        return killed;
    }

    /** Redis SCAN may return a key again when the server resizes its keyspace table during the scan (README, Scan). */
    @Override
    protected boolean scanMayRepeat() {
        return true;
    }

    /** The README's bound: pages follow SCAN over every key of the server, not only this run's. */
    @Override
    protected int scanCallLimit(int live, int pageSize) {
        return ScanBound.calls(live, pageSize, List.of(raw));
    }
}
