package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.RedisCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

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
    static synchronized void stopCluster() throws Exception {
        ALL_NODES.forEach(UnifiedJedis::close);
        ALL_NODES.clear();
        try {
            TestResources.closeAll(keyClient, cluster);
        } finally {
            keyClient = null;
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
     * Two stores (two nodes) claiming the same expired sessions at the same time, each in batches until nothing is
     * left: every expired session is claimed by exactly one of them, the touched ones by neither, and the expiry
     * indexes holding them are spread over every master.
     */
    @Test
    @DisplayName(
            "[EXPIRY_EVENTS, Redis Cluster] two nodes claiming at once get disjoint sets covering every expired session;"
                    + " touched sessions are not claimed")
    void concurrentClaims() throws Exception {
        MutableClock c = MutableClock.startingNow();
        String prefix = "sk:claims:" + Long.toHexString(System.nanoTime()) + ":";
        Duration lease = Duration.ofMinutes(2);
        try (RedisSessionStore a = clusterStore(prefix, c);
                RedisSessionStore b = clusterStore(prefix, c)) {
            Set<SessionKey> expiring = new HashSet<>();
            List<SessionRecord> touched = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                SessionRecord r = FreshRecords.record(c, i % 3 == 0 ? "user" + i : null, "{}");
                assertThat((i % 2 == 0 ? a : b).create(r)).isTrue();
                if (i % 30 == 0) {
                    touched.add(r);
                } else {
                    expiring.add(r.key());
                }
            }
            c.advance(FreshRecords.MAX_IDLE.minusMinutes(1));
            for (SessionRecord r : touched) {
                Instant now = c.instant();
                SessionRecord later = new SessionRecord(
                        r.key(), 2, r.createdAt(), now, r.maxIdle(), now.plus(r.maxIdle()), r.principal(), "{}");
                assertThat(b.replace(later, 1)).isEqualTo(ReplaceResult.OK);
            }
            c.advance(Duration.ofMinutes(1)
                    .plus(RedisSessionStore.DEFAULT_EXPIRY_GRACE)
                    .plusSeconds(1));

            Set<Integer> slots = new HashSet<>();
            expiring.forEach(k -> slots.add(JedisClusterCRC16.getSlot(a.expiryIndexKey(k))));
            Set<Integer> masters = new HashSet<>();
            slots.forEach(slot -> masters.add(cluster.masterServing(slot).port()));
            assertThat(masters).as("expiry indexes on every master").hasSize(3);

            CyclicBarrier start = new CyclicBarrier(2);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<Future<List<ExpiredSession>>> runs = new ArrayList<>();
                for (RedisSessionStore node : List.of(a, b)) {
                    runs.add(pool.submit(() -> {
                        start.await();
                        List<ExpiredSession> mine = new ArrayList<>();
                        for (List<ExpiredSession> batch = node.claimExpired(40, lease);
                                !batch.isEmpty();
                                batch = node.claimExpired(40, lease)) {
                            assertThat(batch.size()).isLessThanOrEqualTo(40);
                            mine.addAll(batch);
                        }
                        return mine;
                    }));
                }
                List<ExpiredSession> byA = runs.get(0).get();
                List<ExpiredSession> byB = runs.get(1).get();
                System.out.printf(
                        "concurrent claims on Cluster: A %d, B %d of %d%n", byA.size(), byB.size(), expiring.size());
                Set<SessionKey> keysA = keys(byA);
                Set<SessionKey> keysB = keys(byB);
                assertThat(keysA).as("no session claimed twice by one node").hasSize(byA.size());
                assertThat(keysB).as("no session claimed twice by one node").hasSize(byB.size());
                assertThat(keysA).as("claimed by both nodes").doesNotContainAnyElementsOf(keysB);
                Set<SessionKey> all = new HashSet<>(keysA);
                all.addAll(keysB);
                assertThat(all).isEqualTo(expiring);
                a.removeExpired(byA);
                b.removeExpired(byB);
            } finally {
                pool.shutdownNow();
            }
            c.advance(lease.plusSeconds(1));
            assertThat(a.claimExpired(1000, lease))
                    .as("removed: not claimed again")
                    .isEmpty();
            for (SessionRecord r : touched) {
                assertThat(a.load(r.key()))
                        .as("a touched session is still live")
                        .isPresent();
            }
        }
    }

    /**
     * A scan over the three masters: every record once, pages handed between two stores, the commands counted, and a
     * cursor of another layout refused.
     */
    @Test
    @DisplayName("[SCAN, Redis Cluster] every master walked in turn, cursors portable between stores, a changed layout"
            + " refused; SCAN / MGET / CLUSTER SLOTS counted")
    void scanOverMasters() {
        MutableClock c = MutableClock.startingNow();
        String prefix = "sk:scan:" + Long.toHexString(System.nanoTime()) + ":";
        try (RedisSessionStore a = clusterStore(prefix, c);
                RedisSessionStore b = clusterStore(prefix, c)) {
            Set<SessionKey> written = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                SessionRecord r = FreshRecords.record(c, null, "{}");
                assertThat(a.create(r)).isTrue();
                written.add(r.key());
            }
            ALL_NODES.forEach(CommandStats::reset);
            List<SessionKey> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            Set<String> masters = new HashSet<>();
            do {
                var page = (pages++ % 2 == 0 ? a : b).scan(cursor, 100);
                assertThat(page.records().size()).isLessThanOrEqualTo(100);
                page.records().forEach(r -> seen.add(r.key()));
                cursor = page.next();
                if (cursor != null) {
                    assertThat(cursor).startsWith("c1:");
                    masters.add(cursor.split(":", -1)[2]);
                }
            } while (cursor != null);
            Map<String, Long> calls = new TreeMap<>();
            for (UnifiedJedis m : ALL_NODES) {
                CommandStats.read(m).forEach((name, n) -> calls.merge(name, n, Long::sum));
            }
            System.out.printf("cluster scan of 1000 records, page 100: %d pages, commandstats %s%n", pages, calls);
            assertThat(seen).hasSize(written.size());
            assertThat(Set.copyOf(seen)).isEqualTo(written);
            assertThat(masters).as("masters named by the cursors").containsExactlyInAnyOrder("0", "1", "2");
            assertThat(calls.get("scan")).as("one SCAN per page at most").isLessThanOrEqualTo(pages);
            assertThat(calls.get("cluster|slots"))
                    .as("one CLUSTER SLOTS per SCAN, plus one per store that met a layout first")
                    .isLessThanOrEqualTo(calls.get("scan") + 2);

            String mid = a.scan(null, 10).next();
            String otherLayout = mid.replaceFirst("^c1:[A-Za-z0-9_-]{8}:", "c1:AAAAAAAA:");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.scan(otherLayout, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another Redis Cluster topology");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.scan("r1:-:0", 10))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        // Nothing to clean: the cluster is private to this class and killed after it.
    }

    @Test
    @DisplayName("[Redis Cluster] ping answers")
    void pingOnCluster() {
        store.ping();
    }

    private static RedisSessionStore clusterStore(String prefix, MutableClock c) {
        return RedisSessionStore.builder()
                .cluster(cluster.nodes())
                .keyPrefix(prefix)
                .clock(c)
                .build();
    }

    private static Set<SessionKey> keys(List<ExpiredSession> claimed) {
        Set<SessionKey> out = new HashSet<>();
        claimed.forEach(s -> out.add(s.key()));
        return out;
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

    /** Redis SCAN may return a key again when the server resizes its keyspace table during the scan (README, Scan). */
    @Override
    protected boolean scanMayRepeat() {
        return true;
    }

    /** The README's bound: pages follow SCAN over every key of the server, not only this run's. */
    @Override
    protected int scanCallLimit(int live, int pageSize) {
        return ScanBound.calls(live, pageSize, ALL_NODES);
    }
}
