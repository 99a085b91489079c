package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.Session;
import io.sessionkit.SessionEvent;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.RedisCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17's target for expired events: 10 000 sessions expire while three nodes sweep with their background sweepers;
 * every one is reported, at most 1 % twice, and none of 1 000 live sessions is reported or lost. On every shared
 * backend that declares {@link StoreFeature#EXPIRY_EVENTS} (Redis standalone and Cluster, H2, PostgreSQL, MariaDB,
 * MongoDB). Time is moved with a shared {@link MutableClock}, so nothing waits for a real expiry; the sweepers run on
 * their own threads every 100 ms. The figures go to {@code target/reliability-figures.txt}.
 */
class ExpiryEventsAtScaleTest {
    private static final int EXPIRING = 10_000;
    private static final int LIVE = 1_000;
    private static final int NODES = 3;
    private static final ExpiryPolicy POLICY = ExpiryPolicy.of(Duration.ofMinutes(30), Duration.ofHours(8));

    private static RedisCluster cluster;

    /** Redis Cluster, on a private 3-master cluster made from the local redis-server. */
    static final class Cluster extends Backend {
        Cluster() {
            super("redis-cluster", "redis");
        }

        @Override
        Map<String, String> settings(String namespace) {
            return Map.of(
                    "cluster.nodes",
                    String.join(",", cluster().nodes()),
                    "key-prefix",
                    Backends.keyPrefix(namespace),
                    "connect-timeout",
                    "2s",
                    "read-timeout",
                    "2s");
        }

        @Override
        BadRecordWriter badRecords(SessionStore store) {
            throw new UnsupportedOperationException("not used here");
        }
    }

    private static synchronized RedisCluster cluster() {
        if (cluster == null) {
            cluster = RedisCluster.start(3, 0, Duration.ofSeconds(5));
        }
        return cluster;
    }

    @AfterAll
    static synchronized void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The shared backends whose stores declare expiry events, plus Redis Cluster. */
    static Stream<Backend> backends() {
        List<Backend> out = new ArrayList<>();
        for (Backend b :
                Stream.concat(Backends.ALL.stream(), Stream.of(new Cluster())).toList()) {
            if (b.sharedBetweenStores() && declaresExpiryEvents(b)) {
                out.add(b);
            }
        }
        return out.stream();
    }

    private static boolean declaresExpiryEvents(Backend backend) {
        try (Fixture probe = new Fixture(backend)) {
            return probe.open().features().contains(StoreFeature.EXPIRY_EVENTS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void tenThousandExpiredSessionsAreEachReportedOnceByThreeSweepingNodes(Backend backend) throws Exception {
        MutableClock clock = MutableClock.startingNow();
        ConcurrentMap<SessionKey, AtomicInteger> reports = new ConcurrentHashMap<>();
        AtomicInteger events = new AtomicInteger();
        List<SessionManager> nodes = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        // The managers close before the fixture closes the stores, so no sweeper meets a closed store.
        try (Fixture fixture = new Fixture(backend)) {
            try {
                for (int i = 0; i < NODES; i++) {
                    nodes.add(SessionManager.builder(fixture.open(clock))
                            .clock(clock)
                            .expiryPolicy(POLICY)
                            .sweepInterval(Duration.ofMillis(100))
                            .sweepBatchSize(500)
                            .listener(e -> {
                                if (e.type() == SessionEvent.Type.EXPIRED) {
                                    events.incrementAndGet();
                                    reports.computeIfAbsent(e.key(), k -> new AtomicInteger())
                                            .incrementAndGet();
                                }
                            })
                            .build());
                }
                Set<SessionKey> expiring = create(pool, nodes, EXPIRING);
                // Past every expiry and the grace (60 s on every backend): the sweepers start collecting.
                clock.advance(POLICY.maxIdle().plusMinutes(2));
                long start = System.nanoTime();
                Set<SessionKey> live = create(pool, nodes, LIVE);
                long deadline = start + TimeUnit.MINUTES.toNanos(3);
                while (reports.size() < EXPIRING && System.nanoTime() < deadline) {
                    Thread.sleep(50); // bounded poll (3 min): the sweepers run on their own threads
                }
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                // One more sweep on every node, on this thread: nothing may be left to report (no waiting needed).
                nodes.forEach(SessionManager::sweepExpired);
                int duplicates = events.get() - reports.size();
                Figures.record(
                        "expiry-events",
                        backend.name(),
                        "expired=" + EXPIRING + " reported=" + reports.size() + " events=" + events.get()
                                + " duplicates=" + duplicates + " live-reported="
                                + live.stream().filter(reports::containsKey).count() + " collected-in-ms="
                                + tookMillis + " nodes=" + NODES + " interval=100ms batch=500");
                assertThat(reports.keySet()).as("reported sessions").isEqualTo(expiring);
                assertThat(duplicates).as("duplicate reports").isLessThanOrEqualTo(EXPIRING / 100);
                for (SessionKey key : live) {
                    assertThat(nodes.get(0).store().load(key))
                            .as("a live session")
                            .isPresent();
                }
            } finally {
                nodes.forEach(SessionManager::close);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** {@code count} new sessions, saved by the nodes in turn from 8 threads; their keys. */
    private static Set<SessionKey> create(ExecutorService pool, List<SessionManager> nodes, int count)
            throws Exception {
        Set<SessionKey> keys = ConcurrentHashMap.newKeySet();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int i = thread; i < count; i += 8) {
                    SessionManager node = nodes.get(i % nodes.size());
                    Session s = node.create();
                    s.setPrincipal("user" + (i % 100));
                    s.setAttribute("n", i);
                    node.save(s);
                    keys.add(s.id().key());
                }
            }));
        }
        for (Future<?> f : done) {
            f.get(2, TimeUnit.MINUTES);
        }
        return keys;
    }
}
