package io.sessionkit.benchmarks;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One HTTP request's worth of session work per operation, through {@link SessionManager} on a real store, and the
 * same request done with the raw driver ({@code ...Raw} methods) on the same server, pool size and thread count.
 *
 * <ul>
 *   <li>{@code readOnly}: find inside the touch interval, read one attribute, save (writes nothing: UNCHANGED).</li>
 *   <li>{@code modifying}: find, set one attribute, save (compare-and-set: UPDATED).</li>
 *   <li>{@code newSession}: create, set the attributes, save (insert: CREATED).</li>
 *   <li>{@code rotation}: find, then rotate the id (insert under the new id, delete the old one).</li>
 * </ul>
 *
 * Every thread works on its own {@value Client#SESSIONS} sessions, so there are no compare-and-set conflicts: the
 * figures are the cost of the work, not of contention on one session. Each result is checked, so a store that
 * silently does less (or fails) cannot look fast.
 *
 * <p>Default mode is sample time, which gives p50/p99 latency; ops/s follows from it as threads / mean time. Run
 * it with {@code -bm thrpt} for throughput measured directly.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx4g", "-Dnet.spy.log.LoggerImpl=net.spy.memcached.compat.log.SLF4JLogger"})
public class SessionBenchmark {
    /** Sessions that are read and modified: long-lived, touch interval far beyond any run. */
    static final ExpiryPolicy LONG = new ExpiryPolicy(Duration.ofHours(2), Duration.ofHours(12), Duration.ofHours(1));
    /** New sessions expire within seconds so that stores with native expiry do not fill up during a run. */
    static final ExpiryPolicy SHORT = new ExpiryPolicy(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ZERO);

    /** The backend, the session size and the side (store or raw) of this run. */
    @State(Scope.Benchmark)
    public static class Target {
        @Param({"local", "redis", "redis-cluster", "memcached", "jdbc-h2", "jdbc-postgres", "jdbc-mariadb", "mongo"})
        public String backend;

        /** Size of the session's attributes as JSON, in bytes. */
        @Param({"1024", "32768"})
        public int sessionBytes;

        Backend.Servers servers;
        SessionStore store;
        SessionManager manager;
        RawClient raw;
        Payload payload;
        boolean rawSide;
        boolean newSessions;
        String namespace;
        final Queue<Client> clients = new ConcurrentLinkedQueue<>();

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            rawSide = method.endsWith("Raw");
            newSessions = method.startsWith("newSession");
            payload = Payload.ofSize(sessionBytes);
            servers = Backend.of(backend).servers();
            recordServer(backend, servers.description);
            ExpiryPolicy policy = newSessions ? SHORT : LONG;
            namespace = (rawSide ? "skr" : "skb") + (newSessions ? "n" : "");
            if (rawSide) {
                raw = servers.openRaw(namespace, policy.maxIdle());
            } else {
                store = servers.openStore(namespace, policy.maxIdle());
                manager = SessionManager.builder(store).expiryPolicy(policy).build();
            }
            if (newSessions) {
                servers.wipe(namespace);
            }
        }

        /** Tells run.sh's report what served each backend (e.g. the embedded Mongo), via a file named in the environment. */
        private static void recordServer(String backend, String description) {
            String file = System.getenv("SESSIONKIT_BENCH_SERVERS_FILE");
            if (file != null && !file.isBlank()) {
                try {
                    Files.writeString(Path.of(file), backend + "\t" + description + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    System.err.println("cannot record the server of " + backend + ": " + e);
                }
            }
        }

        @TearDown(Level.Iteration)
        public void wipeNewSessions() {
            if (newSessions) {
                servers.wipe(namespace);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            // Here rather than in each Client: JMH may tear this state down before the threads' states.
            for (Client c : clients) {
                c.clean(this);
            }
            if (manager != null) {
                manager.close();
            }
            if (store != null) {
                store.close();
            }
            if (raw != null) {
                raw.close();
            }
            servers.close();
        }
    }

    /** One benchmark thread's own sessions (or raw keys). */
    @State(Scope.Thread)
    public static class Client {
        static final int SESSIONS = 32;

        String[] ids;
        int next;
        long counter;
        private String rawKeyPrefix;
        private long rawKeys;

        @Setup(Level.Trial)
        public void seed(Target t) {
            byte[] random = new byte[26];
            ThreadLocalRandom.current().nextBytes(random);
            rawKeyPrefix = t.namespace + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            if (t.newSessions) {
                return;
            }
            t.clients.add(this);
            ids = new String[SESSIONS];
            for (int i = 0; i < SESSIONS; i++) {
                if (t.rawSide) {
                    ids[i] = newRawKey();
                    t.raw.seed(ids[i], t.payload.json());
                } else {
                    Session s = t.manager.create();
                    t.payload.applyTo(s);
                    t.manager.save(s);
                    ids[i] = s.id().value();
                }
            }
        }

        void clean(Target t) {
            if (ids == null) {
                return;
            }
            for (String id : ids) {
                if (t.rawSide) {
                    t.raw.delete(id);
                } else {
                    t.manager.invalidate(id);
                }
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
    public Object readOnly(Target t, Client c) {
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

    @Benchmark
    public Session newSession(Target t) {
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
        return t.manager.find(id).orElseThrow(() -> new IllegalStateException(t.backend + ": a seeded session is missing"));
    }

    private static SaveResult expect(SaveResult expected, SaveResult actual) {
        if (actual != expected) {
            throw new IllegalStateException("save returned " + actual + ", expected " + expected);
        }
        return actual;
    }
}
