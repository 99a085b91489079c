package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A private Redis (AOF, fsync always, so a crash loses nothing) is killed with SIGKILL and started again on the same
 * port while four threads keep making requests through one store. Counts the failed calls while it is down and after
 * it is back, and the time until every thread is served again.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisRestartTest {
    private static final int THREADS = 4;
    private static final int POOL = 8;

    @Test
    @DisplayName("while idle connections are pooled, a restart costs at most one failed call per pooled connection")
    void restartWhileIdle() throws Exception {
        try (ServerProcess server =
                        ServerProcess.redis("restart-idle", "--appendonly", "yes", "--appendfsync", "always");
                RedisSessionStore store = RedisSessionStore.builder()
                        .uri("redis://" + server.hostAndPort())
                        .connectTimeout(Duration.ofMillis(500))
                        .readTimeout(Duration.ofMillis(500))
                        .poolMaxTotal(POOL)
                        .build()) {
            SessionManager manager = SessionManager.builder(store).build();
            List<String> ids = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Session s = manager.create();
                s.setAttribute("n", 0);
                manager.save(s);
                ids.add(s.id().value());
            }
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                burst(pool, manager, ids);
                server.kill();
                server.start();
                int[] failures = burst(pool, manager, ids);
                System.out.printf(
                        "restart while idle: %d threads, pool %d: failed reads %d, failed writes %d after the restart"
                                + " (reads are retried once on a fresh connection, writes never)%n",
                        THREADS, POOL, failures[0], failures[1]);
                assertThat(failures[0]).isZero();
                assertThat(failures[0] + failures[1]).isLessThanOrEqualTo(POOL);
                int[] later = burst(pool, manager, ids);
                assertThat(later[0] + later[1]).as("service resumed").isZero();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName(
            "a Redis that stops answering (SIGSTOP) fails each call with SessionStoreUnavailableException, none hangs")
    void frozenServer() {
        try (ServerProcess server = ServerProcess.redis("frozen");
                RedisSessionStore store = RedisSessionStore.builder()
                        .uri("redis://" + server.hostAndPort())
                        .connectTimeout(Duration.ofMillis(300))
                        .readTimeout(Duration.ofMillis(300))
                        .build()) {
            SessionManager manager = SessionManager.builder(store).build();
            Session s = manager.create();
            s.setAttribute("n", 0);
            manager.save(s);
            String id = s.id().value();
            server.pause();
            try {
                long slowest = 0;
                for (int i = 0; i < 3; i++) {
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> manager.find(id))
                            .isInstanceOf(SessionStoreUnavailableException.class)
                            .hasMessageContaining(server.hostAndPort());
                    slowest = Math.max(slowest, System.nanoTime() - start);
                    start = System.nanoTime();
                    assertThatThrownBy(() -> manager.update(id, x -> x.setAttribute("n", 1)))
                            .isInstanceOf(SessionStoreUnavailableException.class);
                    slowest = Math.max(slowest, System.nanoTime() - start);
                }
                System.out.printf(
                        "frozen server: each call failed with SessionStoreUnavailableException; slowest %d ms"
                                + " (read timeout 300 ms, connect timeout 300 ms)%n",
                        slowest / 1_000_000);
            } finally {
                server.resume();
            }
            assertThat(manager.find(id)).as("served again once it answers").isPresent();
        }
    }

    /** Each thread does one read and then one write on its own session, all released together; counts failures. */
    private static int[] burst(ExecutorService pool, SessionManager manager, List<String> ids) throws Exception {
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Future<int[]>> futures = new ArrayList<>();
        for (String id : ids) {
            futures.add(pool.submit(() -> {
                go.await();
                int[] failed = new int[2];
                try {
                    assertThat(manager.find(id)).as("session %s", id).isPresent();
                } catch (SessionStoreUnavailableException e) {
                    failed[0]++;
                }
                try {
                    manager.update(id, x -> x.setAttribute("n", x.getAttribute("n", Integer.class) + 1));
                } catch (SessionStoreUnavailableException e) {
                    failed[1]++;
                }
                return failed;
            }));
        }
        go.countDown();
        int[] total = new int[2];
        for (Future<int[]> f : futures) {
            int[] r = f.get(30, TimeUnit.SECONDS);
            total[0] += r[0];
            total[1] += r[1];
        }
        return total;
    }

    @Test
    @DisplayName("a Redis restarted under load: calls fail fast while it is down, then service resumes")
    void restartUnderLoad() throws Exception {
        try (ServerProcess server = ServerProcess.redis("restart", "--appendonly", "yes", "--appendfsync", "always");
                RedisSessionStore store = RedisSessionStore.builder()
                        .uri("redis://" + server.hostAndPort())
                        .connectTimeout(Duration.ofMillis(500))
                        .readTimeout(Duration.ofMillis(500))
                        .poolMaxTotal(POOL)
                        .poolMaxWait(Duration.ofMillis(500))
                        .build()) {
            SessionManager manager = SessionManager.builder(store).build();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong requests = new AtomicLong();
            AtomicLong serverUpAt = new AtomicLong(Long.MAX_VALUE);
            AtomicLong killedAt = new AtomicLong(Long.MAX_VALUE);
            List<Stats> stats = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Stats st = new Stats();
                stats.add(st);
                Session s = manager.create();
                s.setAttribute("n", 0);
                manager.save(s);
                String id = s.id().value();
                ids.add(id);
                futures.add(pool.submit(() -> {
                    // Bounded: at most 200 000 requests, and the main thread stops the loop.
                    for (int i = 0; i < 200_000 && !stop.get(); i++) {
                        long start = System.nanoTime();
                        try {
                            if (i % 2 == 0) {
                                assertThat(manager.find(id))
                                        .as("session %s", id)
                                        .isPresent();
                            } else {
                                assertThat(manager.update(
                                                id, x -> x.setAttribute("n", x.getAttribute("n", Integer.class) + 1)))
                                        .as("session %s", id)
                                        .isPresent();
                                st.increments++;
                            }
                            st.recordSuccess(start, serverUpAt.get());
                        } catch (SessionStoreUnavailableException e) {
                            st.recordFailure(start, killedAt.get(), serverUpAt.get(), i % 2 == 1);
                        }
                        requests.incrementAndGet();
                    }
                    return null;
                }));
            }
            awaitCount(requests, 600);
            killedAt.set(System.nanoTime());
            server.kill();
            server.start();
            serverUpAt.set(System.nanoTime());
            long after = requests.get();
            awaitCount(requests, after + 600);
            stop.set(true);
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
            pool.shutdownNow();

            long failedWhileDown =
                    stats.stream().mapToLong(x -> x.failedWhileDown).sum();
            long failedAfterUp = stats.stream().mapToLong(x -> x.failedAfterUp).sum();
            long failedBeforeKill =
                    stats.stream().mapToLong(x -> x.failedBeforeKill).sum();
            long recoverMillis =
                    stats.stream().mapToLong(x -> x.firstSuccessAfterUp).max().orElseThrow() - serverUpAt.get();
            long maxFailedMillis =
                    stats.stream().mapToLong(x -> x.slowestFailureNanos).max().orElseThrow() / 1_000_000;
            System.out.printf(
                    "restart: %d requests, %d threads, pool %d; down for %d ms; failed calls: %d while down, %d after the"
                            + " server was back (limit %d = pooled connections); every thread served again %d ms after restart;"
                            + " slowest failed call %d ms (timeouts 500 ms)%n",
                    requests.get(),
                    THREADS,
                    POOL,
                    (serverUpAt.get() - killedAt.get()) / 1_000_000,
                    failedWhileDown,
                    failedAfterUp,
                    POOL,
                    recoverMillis / 1_000_000,
                    maxFailedMillis);
            assertThat(failedBeforeKill).isZero();
            assertThat(failedAfterUp).isLessThanOrEqualTo(POOL);
            assertThat(stats).allSatisfy(st -> assertThat(st.successesAfterUp).isPositive());
            // Nothing acknowledged was lost (AOF, fsync always) and nothing was applied twice: a failed write may or
            // may not have reached the server before it died.
            for (int t = 0; t < THREADS; t++) {
                Stats st = stats.get(t);
                long n = manager.find(ids.get(t)).orElseThrow().getAttribute("n", Integer.class);
                assertThat(n).isBetween(st.increments, st.increments + st.failedWrites);
            }
        }
    }

    private static void awaitCount(AtomicLong counter, long target) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (counter.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("requests stalled at " + counter.get() + " (wanted " + target + ")");
            }
            Thread.onSpinWait();
            ServerProcess.sleepMillis(5);
        }
    }

    private static final class Stats {
        long increments;
        long failedWrites;
        long failedBeforeKill;
        long failedWhileDown;
        long failedAfterUp;
        long successesAfterUp;
        long firstSuccessAfterUp = Long.MIN_VALUE;
        long slowestFailureNanos;

        void recordSuccess(long start, long upAt) {
            if (start >= upAt) {
                if (successesAfterUp++ == 0) {
                    firstSuccessAfterUp = System.nanoTime();
                }
            }
        }

        void recordFailure(long start, long killedAt, long upAt, boolean write) {
            slowestFailureNanos = Math.max(slowestFailureNanos, System.nanoTime() - start);
            if (write) {
                failedWrites++;
            }
            if (start >= upAt) {
                failedAfterUp++;
            } else if (System.nanoTime() >= killedAt) {
                failedWhileDown++;
            } else {
                failedBeforeKill++;
            }
        }
    }
}
