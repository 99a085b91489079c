package io.sessionkit.benchmarks;

import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.micrometer.SessionKitMetrics;
import io.sessionkit.testing.ServerProcess;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.BenchmarkParams;

/** One HTTP request's session work, store and raw ({@code ...Raw}): README "What a benchmark operation is". */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger"})
public class SessionBenchmark {
    static final ExpiryPolicy LONG = new ExpiryPolicy(Duration.ofHours(2), Duration.ofHours(12), Duration.ofHours(1));
    /** New sessions expire within seconds so that stores with native expiry do not fill up during a run. */
    static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ZERO);

    static final long PREWARM_MAX_MILLIS = Long.getLong("sessionkit.bench.prewarm-ms", 4_000);
    static final long PREWARM_MIN_CALLS = 20_000; // above HotSpot's C2 invocation threshold (15 000)

    static final long QUIET_MILLIS = 500;
    static final String CLIENT_CPUS = System.getProperty("sessionkit.bench.client-cpus", "");
    // One request per core during the pre-warm, leaving the compiler its share of the CPU.
    static final int PREWARM_CONCURRENCY = Runtime.getRuntime().availableProcessors();

    @State(Scope.Benchmark)
    @SuppressWarnings("NullAway.Init") // set in @Setup (or by CommandCounter through open), not a constructor
    public static class Target {
        @Param({"local", "redis", "redis-cluster", "memcached", "jdbc-h2", "jdbc-postgres", "jdbc-mariadb", "mongo"})
        public String backend;

        @Param({"1024", "32768"})
        public int sessionBytes;

        /** {@code on}: the manager is bound to session-micrometer (a SimpleMeterRegistry, no Observations). */
        @Param("off")
        public String metrics = "off";

        SessionManager manager;
        RawClient<?> raw;
        Payload payload;
        boolean rawSide;
        boolean newSessions;
        String namespace;
        private Backend.Servers servers;
        /** Closed or cleaned by {@link #close}, the last opened first (threads add their seeded sessions). */
        final Deque<AutoCloseable> opened = new ConcurrentLinkedDeque<>();

        final Semaphore prewarmPermits = new Semaphore(PREWARM_CONCURRENCY, true);
        final LongAdder prewarmCalls = new LongAdder();
        volatile boolean warm;
        volatile @Nullable RuntimeException prewarmFailure;
        String prewarmMethod;
        /** 0 for CommandCounter's requests, which need no warm code. */
        long prewarmMillis = PREWARM_MAX_MILLIS;

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) throws IOException {
            Backend.Servers found = Backend.of(backend).servers();
            // Tells run.sh's report what served each backend (e.g. the embedded Mongo), via a file it names.
            String file = System.getenv("SESSIONKIT_BENCH_SERVERS_FILE");
            if (file != null && !file.isBlank()) {
                Files.writeString(Path.of(file), backend + "\t" + found.description() + "\n", CREATE, APPEND);
            }
            open(params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1), found);
        }

        /** Opens the side of benchmark method {@code method} and starts the pre-warm's referee (README "Warm-up"). */
        void open(String method, Backend.Servers servers) throws IOException {
            this.servers = servers;
            rawSide = method.endsWith("Raw");
            newSessions = method.startsWith("newSession");
            payload = Payload.ofSize(sessionBytes);
            ExpiryPolicy policy = newSessions ? SHORT : LONG;
            namespace = (rawSide ? "skr" : "skb") + (newSessions ? "n" : "");
            if (rawSide) {
                raw = servers.openRaw(namespace, policy.maxIdle());
                opened.push(raw);
            } else {
                SessionStore store = servers.openStore(namespace, policy.maxIdle());
                opened.push(store);
                // The sweeper would compete with the requests; new-session tables are emptied between iterations.
                SessionManager.Builder b =
                        SessionManager.builder(store).expiryPolicy(policy).sweepInterval(Duration.ZERO);
                if (metrics.equals("on")) {
                    SessionKitMetrics.builder(new SimpleMeterRegistry()).build().bindTo(b);
                }
                manager = b.build();
                opened.push(manager);
            }
            prewarmMethod = method;
            if (prewarmMillis > 0) {
                Thread referee = new Thread(this::referee, "prewarm-referee");
                referee.setDaemon(true);
                referee.start();
            } else {
                warm = true; // CommandCounter: no pinning, and the same requests in every run
            }
            wipeNewSessions();
        }

        /** Waits for a quiet compiler, then pins this JVM (not before: on one core the JIT was still compiling). */
        private void referee() {
            CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
            long start = System.nanoTime();
            long compiled = jit.getTotalCompilationTime();
            try {
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(prewarmMillis)) {
                    Thread.sleep(QUIET_MILLIS); // a bounded poll of the JIT's counter, not a wait for expiry
                    long now = jit.getTotalCompilationTime();
                    // Quiet: the compiler spent under 2 % of the window, after enough calls for C2's thresholds.
                    if (prewarmCalls.sum() >= PREWARM_MIN_CALLS && now - compiled < QUIET_MILLIS / 50) {
                        break;
                    }
                    compiled = now;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String placement = "";
            try {
                if (!CLIENT_CPUS.isBlank()) {
                    String pid = Long.toString(ProcessHandle.current().pid());
                    Path dir = Path.of(System.getProperty("java.io.tmpdir"));
                    ServerProcess.run(
                            Duration.ofSeconds(10), dir, List.of("taskset", "-a", "-p", "-c", CLIENT_CPUS, pid));
                    placement = ", then pinned to CPU(s) " + CLIENT_CPUS;
                }
            } catch (RuntimeException e) {
                prewarmFailure = e;
                placement = ", pinning failed: " + e.getMessage();
            } finally {
                warm = true;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf(
                    "pre-warm: %d %s requests, at most %d at a time, in %d ms%s%n",
                    prewarmCalls.sum(), prewarmMethod, PREWARM_CONCURRENCY, millis, placement);
        }

        void request(SessionBenchmark requests, String method, Client client) {
            switch (method) {
                case "readOnly" -> requests.readOnly(this, client);
                case "readOnlyRaw" -> requests.readOnlyRaw(this, client);
                case "modifying" -> requests.modifying(this, client);
                case "modifyingRaw" -> requests.modifyingRaw(this, client);
                case "newSession" -> requests.newSession(this, client);
                case "newSessionRaw" -> requests.newSessionRaw(this, client);
                case "rotation" -> requests.rotation(this, client);
                case "rotationRaw" -> requests.rotationRaw(this, client);
                default -> throw new IllegalStateException("no pre-warm for " + method);
            }
        }

        @TearDown(Level.Iteration)
        public void wipeNewSessions() {
            if (newSessions) {
                servers.wipe(namespace);
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            while (!opened.isEmpty()) {
                opened.pop().close();
            }
        }
    }

    @State(Scope.Thread)
    @SuppressWarnings("NullAway.Init") // set in seed, JMH's @Setup
    public static class Client {
        static final int SESSIONS = 32;

        String[] ids;
        int next;
        long counter;
        private String rawKeyPrefix;
        private long rawKeys;

        @Setup(Level.Trial)
        public void seed(Target t) throws InterruptedException {
            byte[] random = new byte[26];
            ThreadLocalRandom.current().nextBytes(random);
            rawKeyPrefix =
                    t.namespace + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            if (!t.newSessions) {
                ids = new String[SESSIONS];
                // Removed in the trial's tear-down, not the thread's: JMH may tear the trial down first.
                t.opened.push(() -> Arrays.stream(ids).forEach(t.rawSide ? t.raw.delete() : t.manager::invalidate));
                for (int i = 0; i < SESSIONS; i++) {
                    if (t.rawSide) {
                        ids[i] = newRawKey();
                        t.raw.create(ids[i], t.payload.json()); // a fresh random key
                    } else {
                        Session s = t.manager.create();
                        t.payload.applyTo(s);
                        t.manager.save(s);
                        ids[i] = s.id().value();
                    }
                }
            }
            prewarm(t);
        }

        private void prewarm(Target t) throws InterruptedException {
            SessionBenchmark requests = new SessionBenchmark();
            // Every thread takes turns (a fair semaphore) and does at least one: a thread that never ran a request
            // meets empty per-thread caches (ThreadLocal maps, NIO's buffer cache) and hits branches the compiled
            // code never saw, and HotSpot then throws that code away ("unstable_if", seen with JFR).
            do {
                t.prewarmPermits.acquire();
                try {
                    for (int i = 0; i < 50 && (i < 10 || !t.warm); i++) {
                        t.request(requests, t.prewarmMethod, this);
                        t.prewarmCalls.increment();
                    }
                } finally {
                    t.prewarmPermits.release();
                }
            } while (!t.warm);
            if (t.prewarmFailure != null) {
                throw t.prewarmFailure;
            }
        }

        int nextIndex() {
            int i = next;
            next = (i + 1) % SESSIONS;
            return i;
        }

        /** A raw key as long as a store key (namespace + 43 characters), unique per thread and call. */
        String newRawKey() {
            return rawKeyPrefix + Long.toString(rawKeys++ + 1_000_000_000_000L, 36);
        }
    }

    @Benchmark
    public @Nullable Object readOnly(Target t, Client c) {
        Session s = find(t, c.ids[c.nextIndex()]);
        Object user = s.getAttribute("user");
        expect(SaveResult.UNCHANGED, t.manager.save(s));
        return user;
    }

    @Benchmark
    public String readOnlyRaw(Target t, Client c) {
        return t.raw.read(c.ids[c.nextIndex()]);
    }

    @Benchmark
    public SaveResult modifying(Target t, Client c) {
        Session s = find(t, c.ids[c.nextIndex()]);
        s.setAttribute("counter", c.counter++);
        return expect(SaveResult.UPDATED, t.manager.save(s));
    }

    @Benchmark
    public void modifyingRaw(Target t, Client c) {
        t.raw.modify(c.ids[c.nextIndex()], t.payload.json());
    }

    /** {@code c} is unused but declared, so that JMH runs its set-up: the pre-warm, the same as the raw side's. */
    @Benchmark
    public Session newSession(Target t, Client c) {
        Session s = t.manager.create();
        t.payload.applyTo(s);
        expect(SaveResult.CREATED, t.manager.save(s));
        return s;
    }

    @Benchmark
    public void newSessionRaw(Target t, Client c) {
        t.raw.create(c.newRawKey(), t.payload.json());
    }

    @Benchmark
    public Session rotation(Target t, Client c) {
        int i = c.nextIndex();
        Session s = find(t, c.ids[i]);
        t.manager.rotateId(s);
        c.ids[i] = s.id().value();
        return s;
    }

    @Benchmark
    public void rotationRaw(Target t, Client c) {
        int i = c.nextIndex();
        String newKey = c.newRawKey();
        t.raw.rotate(c.ids[i], newKey);
        c.ids[i] = newKey;
    }

    private static Session find(Target t, String id) {
        return t.manager
                .find(id)
                .orElseThrow(() -> new IllegalStateException(t.backend + ": a seeded session is missing"));
    }

    private static SaveResult expect(SaveResult expected, SaveResult actual) {
        if (actual != expected) {
            throw new IllegalStateException("save returned " + actual + ", expected " + expected);
        }
        return actual;
    }
}
