package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.RedisClient;

/**
 * Sentinel failover, all local: a master, one replica and three Sentinels (quorum 2, down-after 1 s). The store is
 * opened through the provider with {@code sessionkit.redis.sentinel.*}; the master is killed with SIGKILL while a
 * client keeps making requests. The store must be served by the promoted replica within {@link #RECOVERY_BOUND},
 * with every failed call failing within its timeouts rather than hanging, and keep the data written before.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisSentinelFailoverTest {
    /** The stated bound: down-after (1 s) + election and promotion (typically 1–3 s) + the client's switch, with margin. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);

    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    @DisplayName("after the master dies the store recovers on the promoted replica, and no call hangs")
    void failover() throws Exception {
        List<ServerProcess> processes = new ArrayList<>();
        try {
            ServerProcess master = ServerProcess.redis("sentinel-master");
            processes.add(master);
            ServerProcess replica = ServerProcess.redis(
                    "sentinel-replica", "--replicaof", "127.0.0.1", Integer.toString(master.port()));
            processes.add(replica);
            List<String> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ServerProcess s = ServerProcess.redisSentinel(
                        "sentinel" + i,
                        "sentinel monitor mymaster 127.0.0.1 " + master.port() + " 2",
                        "sentinel down-after-milliseconds mymaster 1000",
                        "sentinel failover-timeout mymaster 5000",
                        "sentinel parallel-syncs mymaster 1");
                processes.add(s);
                sentinels.add(s.hostAndPort());
            }
            awaitTopology(master, replica, processes.subList(2, 5));

            Map<String, String> keys = Map.of(
                    "sessionkit.store", "redis",
                    "sessionkit.redis.sentinel.master", "mymaster",
                    "sessionkit.redis.sentinel.nodes", String.join(",", sentinels),
                    "sessionkit.redis.connect-timeout", "500ms",
                    "sessionkit.redis.read-timeout", "500ms",
                    "sessionkit.redis.pool.max-wait", "500ms");
            try (SessionStore store = SessionStores.open(SessionKitConfig.of(keys))) {
                SessionManager manager = SessionManager.builder(store).build();
                Session s = manager.create();
                s.setAttribute("cart", List.of("apple"));
                manager.save(s);
                String id = s.id().value();
                try (RedisClient m = RedisClient.create("127.0.0.1", master.port())) {
                    // The write must reach the replica before the crash, or failover would rightly lose it.
                    assertThat(m.waitReplicas("any", 1, 5_000)).isEqualTo(1);
                }

                long killedAt = System.nanoTime();
                master.kill();
                int failed = 0;
                long slowestCall = 0;
                long recoveredAt = 0;
                int n = 0;
                while (System.nanoTime() - killedAt < RECOVERY_BOUND.toNanos()) {
                    long start = System.nanoTime();
                    try {
                        int next = ++n;
                        assertThat(manager.update(id, x -> x.setAttribute("n", next)))
                                .as("the session survives the failover")
                                .isPresent();
                        recoveredAt = System.nanoTime();
                        slowestCall = Math.max(slowestCall, recoveredAt - start);
                        break;
                    } catch (SessionStoreUnavailableException e) {
                        failed++;
                        slowestCall = Math.max(slowestCall, System.nanoTime() - start);
                        ServerProcess.sleepMillis(50);
                    }
                }
                assertThat(recoveredAt)
                        .as("served again within %s", RECOVERY_BOUND)
                        .isPositive();
                System.out.printf(
                        "sentinel failover: served by the promoted replica %d ms after the master was killed;"
                                + " %d failed calls meanwhile (each retried after 50 ms); slowest call %d ms (timeouts %d ms)%n",
                        (recoveredAt - killedAt) / 1_000_000, failed, slowestCall / 1_000_000, TIMEOUT.toMillis());
                Session after = manager.find(id).orElseThrow();
                assertThat(after.getAttribute("cart")).isEqualTo(List.of("apple"));
                try (RedisClient r = RedisClient.create("127.0.0.1", replica.port())) {
                    assertThat(r.info("replication")).contains("role:master");
                }
            }
        } finally {
            for (ServerProcess p : processes) {
                p.close();
            }
        }
    }

    /** Waits (bounded) until the replica is in sync and every Sentinel knows the replica and the other Sentinels. */
    private static void awaitTopology(ServerProcess master, ServerProcess replica, List<ServerProcess> sentinels) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (RedisClient r = RedisClient.create("127.0.0.1", replica.port())) {
            while (!r.info("replication").contains("master_link_status:up")) {
                check(deadline, "replica of " + master.hostAndPort() + " never synced");
                ServerProcess.sleepMillis(50);
            }
        }
        for (ServerProcess s : sentinels) {
            try (RedisClient c = RedisClient.create("127.0.0.1", s.port())) {
                while (true) {
                    String info = c.info("sentinel");
                    if (info.contains("slaves=1") && info.contains("sentinels=3")) {
                        break;
                    }
                    check(deadline, "sentinel " + s.hostAndPort() + " does not see the topology: " + info);
                    ServerProcess.sleepMillis(100);
                }
            }
        }
    }

    private static void check(long deadline, String message) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException(message);
        }
    }
}
