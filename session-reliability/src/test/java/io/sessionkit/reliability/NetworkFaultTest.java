package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.FaultProxy;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestServers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Network faults between the application and each networked store (issue 21, item 2): Redis, PostgreSQL, MariaDB and
 * memcached, each reached through a {@link FaultProxy} in front of the shared server, under a stream of find, update
 * and find+save requests from {@link #WORKERS} threads over {@link #SESSIONS} sessions. Faults: 200 ms latency each
 * way, 5 % loss (stalls of 200 ms–1 s, the retransmission timeout), a partition (10 s) and half-open connections (every
 * open connection's peer gone without FIN).
 *
 * <p>Asserted per backend and fault: no store call outlasts the bound its configured timeouts give, plus a margin;
 * every worker finishes within a bound after the stream is stopped; requests succeed again, and every request fails no
 * later than a documented time after the fault ends; failures are {@link SessionStoreUnavailableException} only (a
 * {@link SessionConflictException} is counted, and allowed); no session is lost, and every counter holds at least the
 * acknowledged increments and at most those plus the increments whose outcome the client could not know. Figures go to
 * {@code target/reliability-figures.txt}.
 *
 * <p>Durations: {@code -Dsessionkit.netfault.seconds} (latency and loss, default 5) and
 * {@code -Dsessionkit.netfault.partition-seconds} (default 10); the {@code long} profile runs them longer.
 */
class NetworkFaultTest {
    static final int SESSIONS = 200;
    static final int WORKERS = 6;
    static final Duration BEFORE_FAULT = Duration.ofSeconds(1);
    static final Duration FAULT = Duration.ofSeconds(Long.getLong("sessionkit.netfault.seconds", 5));
    static final Duration PARTITION = Duration.ofSeconds(Long.getLong("sessionkit.netfault.partition-seconds", 10));
    static final Duration LATENCY = Duration.ofMillis(200);
    static final double LOSS = 0.05;
    /** After the fault ends, the stream stops once every request has succeeded for this long. */
    static final Duration STEADY = Duration.ofSeconds(2);
    /** Headroom over a configured timeout for a 2-core machine shared with other builds: scheduling, GC, JIT. */
    static final Duration MARGIN = Duration.ofSeconds(2);

    enum Fault {
        LATENCY("200 ms latency each way"),
        LOSS("5 % loss (stalls 200 ms-1 s)"),
        PARTITION("partition"),
        HALF_OPEN("half-open connections");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /**
     * A networked backend as the test reaches it: the shared server's address, the settings that point a store at an
     * address (and the short timeouts under test), the longest one store call may take by those timeouts, and the
     * longest after the fault ends until requests stop failing.
     */
    record Target(
            Backend backend,
            String store,
            InetSocketAddress server,
            Function<InetSocketAddress, Map<String, String>> settings,
            Duration callBound,
            Duration recoveryBound,
            String timeouts) {
        @Override
        public String toString() {
            return backend.name();
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Target t : targets()) {
            for (Fault f : Fault.values()) {
                out.add(Arguments.of(t, f));
            }
        }
        return out.stream();
    }

    private static List<Target> targets() {
        URI redis = TestServers.redisUri();
        // Redis: a call borrows (the pool is never exhausted here: 40 connections, 6 threads), may open a connection
        // (connect + handshake reply), then waits for one reply: connect + 2 x read.
        Target redisTarget = new Target(
                backend("redis"),
                "redis",
                new InetSocketAddress(redis.getHost(), redis.getPort() < 0 ? 6379 : redis.getPort()),
                a -> Map.of(
                        "uri", withAddress(redis, a),
                        "connect-timeout", "1s",
                        "read-timeout", "1s",
                        "pool.max-wait", "1s"),
                Duration.ofSeconds(3),
                Duration.ofSeconds(8),
                "connect-timeout=1s, read-timeout=1s, pool.max-wait=1s");
        // memcached: one operation timeout (a full write queue may add up to one more, never reached here).
        Target memcachedTarget = new Target(
                backend("memcached"),
                "memcached",
                TestServers.memcachedAddresses().get(0),
                a -> Map.of(
                        "servers", a.getHostString() + ":" + a.getPort(),
                        "operation-timeout", "1s",
                        "connect-timeout", "2s",
                        "max-reconnect-delay", "1s"),
                Duration.ofSeconds(1),
                Duration.ofSeconds(8),
                "operation-timeout=1s, max-reconnect-delay=1s");
        return List.of(
                redisTarget,
                memcachedTarget,
                jdbcTarget("jdbc-postgres", TestServers.postgresUrl(), 5432),
                jdbcTarget("jdbc-mariadb", TestServers.mariadbUrl(), 3306));
    }

    /**
     * JDBC: the pool wait (connect-timeout, 1 s, which HikariCP may overrun by one connection check, {@code isValid}
     * of at least 1 s) plus the driver's socket timeout, which the store sets to query + connect timeout + 5 s = 8 s:
     * on a partition or a half-open connection the server's own statement timeout never
     * reaches the client (PostgreSQL's cancel request and MariaDB's max_statement_time both need the network), so
     * the socket timeout is what ends the call.
     */
    private static Target jdbcTarget(String name, String url, int defaultPort) {
        Matcher m = JDBC_URL.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("cannot find host:port in the JDBC URL " + TestServers.redact(url));
        }
        String host = m.group(2);
        int port = m.group(3) == null ? defaultPort : Integer.parseInt(m.group(3));
        return new Target(
                backend(name),
                "jdbc",
                new InetSocketAddress(host, port),
                a -> Map.of(
                        "url", m.group(1) + a.getHostString() + ":" + a.getPort() + m.group(4),
                        "connect-timeout", "1s",
                        "query-timeout", "2s",
                        "pool.max-size", "8"),
                Duration.ofSeconds(10),
                Duration.ofSeconds(20),
                "connect-timeout=1s, query-timeout=2s (socket timeout 8 s), pool.max-size=8");
    }

    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:[a-z]+://)([^:/?]+)(?::(\\d+))?(.*)");

    private static Backend backend(String name) {
        return Backends.ALL.stream()
                .filter(b -> b.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static String withAddress(URI uri, InetSocketAddress a) {
        try {
            return new URI(
                            uri.getScheme(),
                            uri.getUserInfo(),
                            a.getHostString(),
                            a.getPort(),
                            uri.getPath(),
                            uri.getQuery(),
                            uri.getFragment())
                    .toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void boundedCallsRecoveryAndNoAcknowledgedWriteLost(Target target, Fault fault) throws Exception {
        String namespace = "n"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextLong())
                        .substring(0, 12);
        try {
            run(target, fault, namespace);
        } finally {
            target.backend().cleanup(namespace);
        }
    }

    private static Map<String, String> config(Target target, String namespace, InetSocketAddress address) {
        Map<String, String> settings = new LinkedHashMap<>(target.backend().settings(namespace));
        settings.putAll(target.settings().apply(address));
        return Backends.config(target.store(), settings);
    }

    private static void run(Target target, Fault fault, String namespace) throws Exception {
        CounterSessions sessions;
        ConcurrentLinkedQueue<long[]> requests = new ConcurrentLinkedQueue<>(); // {start, end, outcome}
        ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
        long faultAt;
        long healAt;
        long stoppedAt;
        boolean finished;
        long connections;
        int cut = 0;
        long longestCall;
        long failedCalls;
        try (FaultProxy proxy = FaultProxy.start(target.server())) {
            FaultToleranceTest.TimedStore store = new FaultToleranceTest.TimedStore(SessionStores.open(
                    SessionKitConfig.of(config(target, namespace, new InetSocketAddress(proxy.host(), proxy.port())))));
            try {
                // No background sweep: only request-path calls are timed.
                SessionManager manager = SessionManager.builder(store)
                        .sweepInterval(Duration.ZERO)
                        .build();
                sessions = CounterSessions.create(manager, SESSIONS);
                store.reset();
                AtomicLong endAt = new AtomicLong(Long.MAX_VALUE);
                AtomicLongArray busySince = new AtomicLongArray(WORKERS); // 0: between requests
                ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
                for (int w = 0; w < WORKERS; w++) {
                    int worker = w;
                    workers.execute(() -> traffic(manager, sessions, requests, unexpected, endAt, busySince, worker));
                }
                ServerProcess.sleepMillis(BEFORE_FAULT.toMillis()); // traffic flows normally first
                faultAt = System.nanoTime();
                switch (fault) {
                    case LATENCY -> proxy.latency(LATENCY);
                    case LOSS -> proxy.loss(LOSS);
                    case PARTITION -> proxy.partition();
                    case HALF_OPEN -> cut = proxy.halfOpen();
                }
                if (fault != Fault.HALF_OPEN) {
                    // The fault lasts this long in real time; the half-open connections never heal, there is nothing
                    // to wait for: new connections work from the start.
                    ServerProcess.sleepMillis((fault == Fault.PARTITION ? PARTITION : FAULT).toMillis());
                    proxy.clear();
                }
                healAt = System.nanoTime();
                // A bounded poll: stop once no request has failed for STEADY and none has been running for that long
                // (a call hanging on a dead connection has not failed yet), or at the recovery bound.
                long deadline = healAt + target.recoveryBound().plus(STEADY).toNanos();
                while (System.nanoTime() < deadline) {
                    long now = System.nanoTime();
                    long lastFailure = lastFailureEnd(requests, healAt);
                    boolean noneHanging = true;
                    for (int w = 0; w < WORKERS; w++) {
                        long since = busySince.get(w);
                        noneHanging &= since == 0 || now - since < STEADY.toNanos();
                    }
                    if (noneHanging && now - Math.max(healAt, lastFailure) >= STEADY.toNanos()) {
                        break;
                    }
                    ServerProcess.sleepMillis(100);
                }
                stoppedAt = System.nanoTime();
                endAt.set(stoppedAt);
                workers.shutdown();
                finished = workers.awaitTermination(
                        target.callBound().multipliedBy(2).plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
                if (!finished) {
                    workers.shutdownNow();
                }
                connections = proxy.connectionsAccepted();
                longestCall = store.longestMillis();
                failedCalls = store.failures.get();
            } finally {
                store.close();
            }
        }

        // What the server holds, read directly (not through the proxy) by a store opened as an application would.
        CounterSessions.Check stored;
        try (SessionStore direct = SessionStores.open(
                SessionKitConfig.of(config(target, namespace, target.server())).withClock(Clock.systemUTC()))) {
            stored = sessions.check(
                    SessionManager.builder(direct).sweepInterval(Duration.ZERO).build());
        }
        int lost = stored.lost();
        List<String> countersOff = stored.countersOff();

        List<long[]> all = new ArrayList<>(requests);
        long failed = all.stream().filter(q -> q[2] == UNAVAILABLE).count();
        long conflicts = all.stream().filter(q -> q[2] == CONFLICT).count();
        long failedDuringFault = all.stream()
                .filter(q -> q[2] != OK && q[1] >= faultAt && q[0] <= healAt)
                .count();
        long longestRequest = all.stream().mapToLong(q -> q[1] - q[0]).max().orElse(0);
        long firstSuccessAfterHeal = all.stream()
                .filter(q -> q[2] == OK && q[0] >= healAt)
                .mapToLong(q -> q[1] - healAt)
                .min()
                .orElse(-1);
        long lastFailure = lastFailureEnd(requests, healAt);
        long recovery = Math.max(0, lastFailure - healAt);
        String line = String.format(
                "[netfault] %s, %s (%s): %d requests by %d threads, %d failed (%d during the fault, %d failed store calls),"
                        + " %d conflicts, %d other; longest store call %d ms (bound %d ms + margin %d ms), longest"
                        + " request %d ms; after the fault ended: first success %d ms, last failure %d ms (bound %d"
                        + " ms); %d connections through the proxy%s; sessions lost %d of %d; increments acknowledged %d,"
                        + " in doubt %d, counters off %d",
                target.backend().name(),
                fault.description,
                target.timeouts(),
                all.size(),
                WORKERS,
                failed,
                failedDuringFault,
                failedCalls,
                conflicts,
                unexpected.size(),
                longestCall,
                target.callBound().toMillis(),
                MARGIN.toMillis(),
                millis(longestRequest),
                millis(firstSuccessAfterHeal),
                millis(recovery),
                target.recoveryBound().toMillis(),
                connections,
                fault == Fault.HALF_OPEN ? " (" + cut + " made half-open)" : "",
                lost,
                SESSIONS,
                stored.acknowledged(),
                stored.inDoubt(),
                countersOff.size());
        System.out.println(line);
        Figures.record("netfault", target.backend().name() + "/" + fault.name().toLowerCase(Locale.ROOT), line);

        assertThat(finished)
                .as("every worker finished within 2 x the call bound + margin after the stop (none stuck)")
                .isTrue();
        assertThat(unexpected)
                .as("failures other than SessionStoreUnavailableException and SessionConflictException")
                .isEmpty();
        assertThat(longestCall)
                .as("longest store call, ms")
                .isLessThanOrEqualTo(target.callBound().plus(MARGIN).toMillis());
        assertThat(firstSuccessAfterHeal)
                .as("a request succeeded after the fault ended")
                .isNotNegative();
        assertThat(millis(recovery))
                .as("last failure after the fault ended, ms")
                .isLessThanOrEqualTo(target.recoveryBound().toMillis());
        assertThat(lost).as("sessions lost (the server was never restarted)").isZero();
        assertThat(countersOff)
                .as("acknowledged <= counter <= acknowledged + in doubt")
                .isEmpty();
        switch (fault) {
            case LATENCY ->
                assertThat(millis(longestRequest))
                        .as("the latency was in the path: a request took at least one round trip of it")
                        .isGreaterThanOrEqualTo(LATENCY.multipliedBy(2).toMillis());
            case PARTITION ->
                assertThat(failedDuringFault)
                        .as("requests failed during the partition")
                        .isPositive();
            case HALF_OPEN -> assertThat(cut).as("connections made half-open").isPositive();
            case LOSS -> {}
        }
    }

    static final long OK = 1;
    static final long UNAVAILABLE = 0;
    static final long CONFLICT = 2;
    static final long OTHER = 3;

    private static long lastFailureEnd(ConcurrentLinkedQueue<long[]> requests, long after) {
        long last = Long.MIN_VALUE;
        for (long[] q : requests) {
            if (q[2] != OK && q[1] >= after && q[1] > last) {
                last = q[1];
            }
        }
        return last == Long.MIN_VALUE ? after : last;
    }

    /** One worker: {@link CounterSessions}' request mix until {@code endAt}, each request timed and classified. */
    private static void traffic(
            SessionManager manager,
            CounterSessions sessions,
            ConcurrentLinkedQueue<long[]> requests,
            ConcurrentLinkedQueue<String> unexpected,
            AtomicLong endAt,
            AtomicLongArray busySince,
            int worker) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        while (System.nanoTime() < endAt.get()) {
            long start = System.nanoTime();
            busySince.set(worker, start);
            long outcome = OK;
            try {
                sessions.request(manager, r);
            } catch (SessionStoreUnavailableException e) {
                outcome = UNAVAILABLE;
            } catch (SessionConflictException e) {
                outcome = CONFLICT;
            } catch (RuntimeException e) {
                outcome = OTHER;
                unexpected.add(e.getClass().getName() + ": " + e.getMessage());
            }
            requests.add(new long[] {start, System.nanoTime(), outcome});
            busySince.set(worker, 0);
            if (outcome != OK) {
                // A failing app would answer 503 and the client would come back: do not spin on a dead network.
                ServerProcess.sleepMillis(20);
            }
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
