package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The server is stopped and started again while a bounded stream of requests (find, update, save) runs against it.
 * Each backend gets a private {@link ServerProcess} on a free port (redis-server, memcached, an initdb PostgreSQL
 * cluster, a mariadb-install-db MariaDB), so the shared servers other suites use are never disturbed.
 *
 * <p>Asserted: no store call outlasts its configured timeout plus a margin; requests succeed again after the restart;
 * durable servers lose no session and no acknowledged increment. Measured and written to
 * {@code target/reliability-figures.txt}: failed requests, the longest call, the outage, the time to recover after the
 * server listens again, and sessions lost.
 */
class FaultToleranceTest {
    static final int SESSIONS = 200;
    static final int WORKERS = 4;
    static final Duration BEFORE_STOP = Duration.ofSeconds(2);
    static final Duration DOWN = Duration.ofSeconds(3);
    static final Duration AFTER_START = Duration.ofSeconds(6);
    /** Headroom over a configured timeout for a 2-core machine shared with other builds: scheduling, GC, JIT. */
    static final Duration MARGIN = Duration.ofSeconds(2);

    @Test
    @DisplayName(
            "Redis without persistence: restart loses every session (documented), calls stay within timeouts, recovery")
    void redisRestart() throws Exception {
        try (ServerProcess server = ServerProcess.redis("fault-redis")) {
            Outage outage = Outage.graceful(
                    server, "redis-server :" + server.port() + " (no persistence: save '', appendonly no)");
            Result r = run("redis", outage, () -> redisConfig(server), Duration.ofSeconds(3), false);
            assertThat(r.lost).as("a Redis without persistence restarts empty").isEqualTo(SESSIONS);
        }
    }

    @Test
    @DisplayName("Redis with AOF (fsync always): restart loses nothing")
    void redisAofRestart() throws Exception {
        try (ServerProcess server =
                ServerProcess.redis("fault-redis-aof", "--appendonly", "yes", "--appendfsync", "always")) {
            Outage outage =
                    Outage.graceful(server, "redis-server :" + server.port() + " (appendonly yes, appendfsync always)");
            Result r = run("redis-aof", outage, () -> redisConfig(server), Duration.ofSeconds(3), true);
            assertThat(r.lost).isZero();
        }
    }

    @Test
    @DisplayName(
            "memcached: restart loses every session (memory only, documented), calls stay within timeouts, recovery")
    void memcachedRestart() throws Exception {
        try (ServerProcess server = ServerProcess.memcached()) {
            Result r = run(
                    "memcached",
                    Outage.graceful(server, "memcached :" + server.port()),
                    () -> Backends.config(
                            "memcached",
                            "servers",
                            server.hostAndPort(),
                            "operation-timeout",
                            "1s",
                            "connect-timeout",
                            "2s",
                            "max-reconnect-delay",
                            "1s"),
                    Duration.ofSeconds(1),
                    false);
            assertThat(r.lost).as("memcached restarts empty").isEqualTo(SESSIONS);
        }
    }

    @Test
    @DisplayName("PostgreSQL: restart loses no session and no acknowledged increment")
    void postgresRestart() throws Exception {
        try (ServerProcess server = PrivateDatabases.postgres()) {
            // Fast shutdown (SIGINT): clients are disconnected at once, as in a crash or failover; SIGTERM would wait
            // for them.
            Outage outage = new Outage(server, "PostgreSQL (private initdb cluster) :" + server.port(), s -> {
                s.signal("INT");
                s.stop();
            });
            assertDatabaseRestartLosesNothing("jdbc-postgres", outage, PrivateDatabases.postgresUrl(server));
        }
    }

    @Test
    @DisplayName("MariaDB: restart loses no session and no acknowledged increment")
    void mariadbRestart() throws Exception {
        try (ServerProcess server = PrivateDatabases.mariadb()) {
            // SIGTERM: a normal shutdown that closes client connections.
            Outage outage = Outage.graceful(server, "MariaDB (private mariadb-install-db instance) :" + server.port());
            assertDatabaseRestartLosesNothing("jdbc-mariadb", outage, PrivateDatabases.mariadbUrl(server));
        }
    }

    /** A durable database: the restart loses no session and no acknowledged increment. */
    private static void assertDatabaseRestartLosesNothing(String label, Outage outage, String url) throws Exception {
        Result r = run(label, outage, () -> jdbcConfig(url), Duration.ofSeconds(3), true);
        assertThat(r.lost).isZero();
    }

    /** A private server of this test, as the figures describe it, and how the outage takes it down. */
    private record Outage(ServerProcess server, String description, Consumer<ServerProcess> stop) {
        static Outage graceful(ServerProcess server, String description) {
            return new Outage(server, description, ServerProcess::stop);
        }
    }

    private static Map<String, String> redisConfig(ServerProcess server) {
        return Backends.config(
                "redis",
                "uri",
                "redis://" + server.hostAndPort(),
                "connect-timeout",
                "1s",
                "read-timeout",
                "1s",
                "pool.max-wait",
                "1s");
    }

    private static Map<String, String> jdbcConfig(String url) {
        return Backends.config(
                "jdbc",
                "url",
                url,
                "create-schema",
                "true",
                "connect-timeout",
                "1s",
                "query-timeout",
                "2s",
                "pool.max-size",
                "8");
    }

    /** What one run measured. */
    record Result(
            long requests,
            long failedRequests,
            long failedCalls,
            long longestCallMillis,
            long longestRequestMillis,
            long outageMillis,
            long recoverMillis,
            int lost) {}

    /**
     * Runs the request stream, stops the server after {@link #BEFORE_STOP}, starts it after {@link #DOWN}, and keeps
     * going for {@link #AFTER_START}. {@code callBound} is the longest a single store call may take by the
     * configuration (the sum of the timeouts one call can meet).
     */
    private static Result run(
            String label, Outage target, Supplier<Map<String, String>> config, Duration callBound, boolean durable)
            throws Exception {
        TimedStore store = new TimedStore(SessionStores.open(SessionKitConfig.of(config.get())));
        try {
            // No background sweep: this test times request-path calls, and TimedStore forwards only those.
            SessionManager manager =
                    SessionManager.builder(store).sweepInterval(Duration.ZERO).build();
            CounterSessions sessions = CounterSessions.create(manager, SESSIONS);
            ConcurrentLinkedQueue<long[]> requests = new ConcurrentLinkedQueue<>(); // {start, end, ok}
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            store.reset();

            long t0 = System.nanoTime();
            long[] stopAt = {0};
            long[] startedAt = {0};
            AtomicLong endAt = new AtomicLong(Long.MAX_VALUE);
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
            for (int w = 0; w < WORKERS; w++) {
                workers.execute(() -> {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    while (System.nanoTime() < endAt.get()) {
                        long start = System.nanoTime();
                        boolean ok = true;
                        try {
                            sessions.request(manager, r);
                        } catch (SessionStoreUnavailableException e) {
                            ok = false;
                        } catch (RuntimeException e) {
                            ok = false;
                            unexpected.add(e.getClass().getName() + ": " + e.getMessage());
                        }
                        requests.add(new long[] {start, System.nanoTime(), ok ? 1 : 0});
                        if (!ok) {
                            // A failing app would answer 503 and the client would come back: do not spin on a dead
                            // server.
                            sleepQuietly(20);
                        }
                    }
                });
            }
            sleepQuietly(BEFORE_STOP.toMillis());
            stopAt[0] = System.nanoTime();
            target.stop().accept(target.server());
            sleepQuietly(DOWN.toMillis());
            target.server().start();
            startedAt[0] = System.nanoTime();
            endAt.set(startedAt[0] + AFTER_START.toNanos());
            workers.shutdown();
            boolean finished = workers.awaitTermination(
                    AFTER_START.toSeconds() + callBound.multipliedBy(4).toSeconds() + 30, TimeUnit.SECONDS);
            assertThat(finished).as("request stream finished (nothing hangs)").isTrue();

            // Figures.
            List<long[]> all = new ArrayList<>(requests);
            long failed = all.stream().filter(q -> q[2] == 0).count();
            long longestRequest = all.stream().mapToLong(q -> q[1] - q[0]).max().orElse(0);
            long lastSuccessBeforeStop = all.stream()
                    .filter(q -> q[2] == 1 && q[1] <= stopAt[0] + 1)
                    .mapToLong(q -> q[1])
                    .max()
                    .orElse(t0);
            long firstSuccessAfterStart = all.stream()
                    .filter(q -> q[2] == 1 && q[0] >= startedAt[0])
                    .mapToLong(q -> q[1])
                    .min()
                    .orElse(-1);
            long lastFailure = all.stream()
                    .filter(q -> q[2] == 0)
                    .mapToLong(q -> q[1])
                    .max()
                    .orElse(startedAt[0]);
            assertThat(firstSuccessAfterStart)
                    .as("a request succeeded after the restart")
                    .isPositive();
            long outage = firstSuccessAfterStart - lastSuccessBeforeStop;
            long recover = firstSuccessAfterStart - startedAt[0];
            long failuresEnd = Math.max(0, lastFailure - startedAt[0]);

            // Sessions lost, and acknowledged increments kept.
            CounterSessions.Check stored = sessions.check(manager);
            int lost = stored.lost();
            List<String> countersOff = stored.countersOff();
            Result result = new Result(
                    all.size(),
                    failed,
                    store.failures.get(),
                    store.longestMillis(),
                    millis(longestRequest),
                    millis(outage),
                    millis(recover),
                    lost);
            String line = String.format(
                    "[fault] %s on %s: %d requests by %d threads, %d failed (%d failed store calls);"
                            + " longest store call %d ms (bound %d ms + margin %d ms), longest request %d ms; no successful request for %d ms;"
                            + " first success %d ms after the server listened again, last failure %d ms after; sessions lost %d of %d%s",
                    label,
                    target.description(),
                    result.requests,
                    WORKERS,
                    result.failedRequests,
                    result.failedCalls,
                    result.longestCallMillis,
                    callBound.toMillis(),
                    MARGIN.toMillis(),
                    result.longestRequestMillis,
                    result.outageMillis,
                    result.recoverMillis,
                    millis(failuresEnd),
                    lost,
                    SESSIONS,
                    durable ? "; acknowledged increments all stored" : "");
            System.out.println(line);
            Figures.record("fault", label, line);

            assertThat(unexpected)
                    .as("failures other than SessionStoreUnavailableException")
                    .isEmpty();
            assertThat(store.longestMillis())
                    .as("longest store call, ms")
                    .isLessThanOrEqualTo(callBound.plus(MARGIN).toMillis());
            assertThat(failed)
                    .as("some requests failed while the server was down")
                    .isPositive();
            if (durable) {
                assertThat(countersOff).as("acknowledged increments").isEmpty();
            }
            return result;
        } finally {
            store.close();
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis); // pacing the scenario in real time; nothing waits for expiry
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Times every store call and counts the failures; passes everything through. */
    static final class TimedStore implements SessionStore {
        private final SessionStore delegate;
        final AtomicLong longestNanos = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        TimedStore(SessionStore delegate) {
            this.delegate = delegate;
        }

        long longestMillis() {
            return millis(longestNanos.get());
        }

        void reset() {
            longestNanos.set(0);
            failures.set(0);
        }

        private <T> T timed(Supplier<T> call) {
            long start = System.nanoTime();
            try {
                return call.get();
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                throw e;
            } finally {
                long elapsed = System.nanoTime() - start;
                longestNanos.accumulateAndGet(elapsed, Math::max);
            }
        }

        @Override
        public Set<StoreFeature> features() {
            return delegate.features();
        }

        @Override
        public boolean create(SessionRecord record) {
            return timed(() -> delegate.create(record));
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return timed(() -> delegate.load(key));
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            return timed(() -> delegate.replace(record, expectedVersion));
        }

        @Override
        public void delete(SessionKey key) {
            timed(() -> {
                delegate.delete(key);
                return null;
            });
        }

        @Override
        public ReplaceResult delete(SessionKey key, long expectedVersion) {
            return timed(() -> delegate.delete(key, expectedVersion));
        }

        @Override
        public List<SessionRecord> findByPrincipal(String principal) {
            return timed(() -> delegate.findByPrincipal(principal));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
