package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit on a real Redis Cluster: six local {@code redis-server} processes (three masters, three
 * replicas) on free ports, started once for the class and killed after it. session-compat runs this class again on
 * Spring Boot 4.0's Jedis 7.0.0, so it uses only API of every Jedis 7.x ({@link RawClients}).
 */
class RedisClusterConformanceTest extends SessionStoreConformanceKit {
    private static RedisCluster cluster;
    private static UnifiedJedis keyClient;
    private static final List<UnifiedJedis> ALL_NODES = new ArrayList<>();

    @BeforeAll
    static synchronized void startCluster() {
        if (cluster != null) {
            return;
        }
        cluster = RedisCluster.start(3, 1, Duration.ofSeconds(15));
        keyClient = RawClients.cluster(HostAndPort.from(cluster.nodes().get(0)));
        for (String node : cluster.nodes()) {
            ALL_NODES.add(RawClients.standalone(HostAndPort.from(node)));
        }
        System.out.println("Redis Cluster for the kit: nodes " + cluster.nodes() + ", masters " + cluster.masters());
    }

    @AfterAll
    static synchronized void stopCluster() {
        ALL_NODES.forEach(UnifiedJedis::close);
        ALL_NODES.clear();
        if (keyClient != null) {
            keyClient.close();
            keyClient = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    @Test
    @DisplayName("[7, Redis Cluster] commands per request from INFO commandstats summed over the nodes")
    void commandsPerRequestOnCluster() {
        int n = 20;
        Session anonymous = saved(Map.of("cart", List.of("apple")));
        Session loggedIn = saved(Map.of("cart", List.of("pear")));
        Session login = reload(loggedIn);
        login.setPrincipal("alice");
        manager.save(login);
        // Warm up the scripts on every master (NOSCRIPT + EVAL once per server).
        for (int i = 0; i < 30; i++) {
            Session s = saved(Map.of("i", i));
            s.setPrincipal("warm");
            manager.save(s);
        }
        Map<String, Long> readOnly = measure(n, () -> manager.save(reload(anonymous)));
        Map<String, Long> modifying = measure(n, () -> {
            Session s = reload(anonymous);
            s.setAttribute("n", clock.millis() + s.version());
            manager.save(s);
        });
        Map<String, Long> created = measure(n, () -> saved(Map.of("a", 1)));
        Map<String, Long> modifyingWithPrincipal = measure(n, () -> {
            Session s = reload(loggedIn);
            s.setAttribute("n", s.version());
            manager.save(s);
        });
        System.out.printf(
                "cluster commandstats per request (client-sent, %d requests each): read-only %s, modifying %s, new %s,"
                        + " modifying with principal %s%n",
                n, readOnly, modifying, created, modifyingWithPrincipal);
        assertThat(readOnly).containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) n));
        assertThat(modifying).containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) n, "evalsha", (long) n));
        assertThat(created).containsExactlyInAnyOrderEntriesOf(Map.of("evalsha", (long) n));
        assertThat(modifyingWithPrincipal)
                .as("index in another slot: one more EVALSHA")
                .containsExactlyInAnyOrderEntriesOf(Map.of("get", (long) n, "evalsha", 2L * n));
    }

    /**
     * Client-sent commands on all nodes during {@code n} runs of {@code request}. Replicas receive a script's effects
     * ({@code SET}, {@code ZADD}…), never {@code GET} or {@code EVALSHA}, so summing every node stays right even if a
     * failover moved a master.
     */
    private static Map<String, Long> measure(int n, Runnable request) {
        ALL_NODES.forEach(CommandStats::reset);
        for (int i = 0; i < n; i++) {
            request.run();
        }
        Map<String, Long> calls = new TreeMap<>();
        for (UnifiedJedis m : ALL_NODES) {
            CommandStats.clientSent(CommandStats.read(m)).forEach((name, c) -> calls.merge(name, c, Long::sum));
        }
        return calls;
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        // The kit may probe capabilities (an execution condition) before @BeforeAll has run.
        startCluster();
        return RedisSessionStore.builder()
                .cluster(cluster.nodes())
                .keyPrefix("sk:tck:" + ctx.namespace() + ":")
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, keyClient, ALL_NODES));
    }
}
