package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.RedisCluster;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Issue 14 on a real Redis Cluster (six local processes): writes re-sent by Jedis's cluster executor after a read
 * timeout (item 6, a master frozen with SIGSTOP for {@link #PAUSE} while the client's read timeout is
 * {@link #READ_TIMEOUT}), a principal lookup racing a login (item 14), and the compare-and-set delete (item 3).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisClusterFaultTest {
    private static final Duration READ_TIMEOUT = Duration.ofMillis(500);
    private static final Duration PAUSE = Duration.ofMillis(800);
    private static final int ROUNDS = 3;

    private static RedisCluster cluster;
    private static ScheduledExecutorService timer;

    private final MutableClock clock = MutableClock.startingNow();
    private final String prefix =
            "sk:f" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ":";
    private final List<RedisSessionStore> stores = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisCluster.start(3, 1, Duration.ofSeconds(15));
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sigcont");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopCluster() throws Exception {
        TestResources.closeAll(timer == null ? null : timer::shutdownNow, cluster);
    }

    @BeforeEach
    void none() {
        stores.clear();
    }

    @AfterEach
    void closeStores() {
        stores.forEach(RedisSessionStore::close);
    }

    private RedisSessionStore clusterStore(Duration readTimeout) {
        RedisSessionStore s = RedisSessionStore.builder()
                .cluster(cluster.nodes())
                .keyPrefix(prefix)
                .clock(clock)
                .connectTimeout(readTimeout)
                .readTimeout(readTimeout)
                .build();
        stores.add(s);
        return s;
    }

    // ---- item 6 ----

    @Test
    void item6_timeoutDuringReplaceNeverAppliesTheWriteTwice() {
        PausingStore pausing = new PausingStore(clusterStore(READ_TIMEOUT));
        SessionManager manager = SessionManager.builder(pausing).clock(clock).build();
        Session s = manager.create();
        s.setAttribute("ops", List.of());
        assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        manager.update(s.id().value(), x -> append(x, "warm-up"));

        List<String> acknowledged = new ArrayList<>(List.of("warm-up"));
        List<String> unknown = new ArrayList<>();
        int acknowledgedAfterTimeout = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (boolean pause : new boolean[] {true, false}) {
                String op = "op" + round + (pause ? "-paused" : "-normal");
                pausing.arm(pause);
                long start = System.nanoTime();
                try {
                    Optional<Session> saved = manager.update(s.id().value(), x -> append(x, op));
                    assertThat(saved).as("update of a live session").isPresent();
                    acknowledged.add(op);
                    if (pause && System.nanoTime() - start >= READ_TIMEOUT.toNanos()) {
                        acknowledgedAfterTimeout++;
                    }
                } catch (SessionStoreUnavailableException e) {
                    // Allowed: the outcome is unknown to the caller (applied at most once), checked below.
                    unknown.add(op);
                } finally {
                    pausing.resumeAndAwait();
                }
            }
        }
        @SuppressWarnings("unchecked")
        List<String> ops = (List<String>) manager.find(s.id()).orElseThrow().getAttribute("ops");
        System.out.printf("item 6 replace: acknowledged %s, unknown %s, stored %s%n", acknowledged, unknown, ops);
        assertThat(ops).as("no increment applied twice").doesNotHaveDuplicates();
        assertThat(ops).as("every acknowledged increment applied").containsAll(acknowledged);
        assertThat(ops)
                .as("nothing applied that was reported as failed, except unknown outcomes")
                .allMatch(op -> acknowledged.contains(op) || unknown.contains(op));
        assertThat(acknowledgedAfterTimeout)
                .as("the scenario happened: a write answered after a read timeout and a re-send")
                .isPositive();
    }

    @Test
    void item6_timeoutDuringCreateNeverReportsAlreadyExists() {
        PausingStore pausing = new PausingStore(clusterStore(READ_TIMEOUT));
        SessionManager manager = SessionManager.builder(pausing).clock(clock).build();
        Session warm = manager.create();
        warm.setAttribute("warm", 1);
        manager.save(warm);

        int createdAfterTimeout = 0;
        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            Session n = manager.create();
            n.setAttribute("round", round);
            pausing.arm(true);
            long start = System.nanoTime();
            try {
                // Any other SessionException (such as "already exists") fails the test.
                assertThat(manager.save(n)).isEqualTo(SaveResult.CREATED);
                outcomes.add("CREATED");
                if (System.nanoTime() - start >= READ_TIMEOUT.toNanos()) {
                    createdAfterTimeout++;
                }
                pausing.resumeAndAwait();
                assertThat(manager.find(n.id()))
                        .as("reported created, so stored")
                        .isPresent()
                        .get()
                        .extracting(found -> found.getAttribute("round"))
                        .isEqualTo(n.getAttribute("round"));
            } catch (SessionStoreUnavailableException e) {
                outcomes.add("unavailable");
            } finally {
                pausing.resumeAndAwait();
            }
        }
        System.out.println("item 6 create outcomes: " + outcomes);
        assertThat(createdAfterTimeout)
                .as("the scenario happened: a create answered after a read timeout and a re-send")
                .isPositive();
    }

    @SuppressWarnings("unchecked")
    private static void append(Session s, String op) {
        List<String> ops = new ArrayList<>((List<String>) s.getAttribute("ops"));
        ops.add(op);
        s.setAttribute("ops", ops);
    }

    /**
     * Passes every call through to the store; when armed, freezes (SIGSTOP) the master serving the record's key just
     * before the next create or replace, and thaws it (SIGCONT) {@link #PAUSE} later.
     */
    private static final class PausingStore implements SessionStore {
        private final RedisSessionStore delegate;
        private volatile boolean armed;
        private ServerProcess paused;
        private ScheduledFuture<?> resume;

        PausingStore(RedisSessionStore delegate) {
            this.delegate = delegate;
        }

        void arm(boolean on) {
            armed = on;
        }

        private void maybePause(SessionKey key) {
            if (!armed) {
                return;
            }
            armed = false;
            ServerProcess node = cluster.masterServing(JedisClusterCRC16.getSlot(delegate.sessionKey(key)));
            paused = node;
            node.pause();
            resume = timer.schedule(() -> node.resume(), PAUSE.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** Thaws the node now if the timer has not yet, and waits (bounded) until it answers PING again. */
        void resumeAndAwait() {
            ServerProcess node = paused;
            if (node == null) {
                return;
            }
            paused = null;
            try {
                resume.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // The thaw below is what matters; the timer's failure is reported by it if it persists.
            } finally {
                node.resume();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try (RedisClient c = RedisClient.builder()
                    .hostAndPort(new HostAndPort("127.0.0.1", node.port()))
                    .clientConfig(redis.clients.jedis.DefaultJedisClientConfig.builder()
                            .socketTimeoutMillis(1000)
                            .build())
                    .build()) {
                while (true) {
                    try {
                        if ("PONG".equals(c.ping())) {
                            return;
                        }
                    } catch (RuntimeException e) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(
                                    "node on port " + node.port() + " does not answer 10 s after SIGCONT", e);
                        }
                    }
                    ServerProcess.sleepMillis(20);
                }
            }
        }

        @Override
        public Set<StoreFeature> features() {
            return delegate.features();
        }

        @Override
        public boolean create(SessionRecord record) {
            maybePause(record.key());
            return delegate.create(record);
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return delegate.load(key);
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            maybePause(record.key());
            return delegate.replace(record, expectedVersion);
        }

        @Override
        public void delete(SessionKey key) {
            delegate.delete(key);
        }

        @Override
        public ReplaceResult delete(SessionKey key, long expectedVersion) {
            return delegate.delete(key, expectedVersion);
        }

        @Override
        public List<SessionRecord> findByPrincipal(String principal) {
            return delegate.findByPrincipal(principal);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    // ---- item 14 ----

    /**
     * On Cluster a write of a record with a principal is two commands: the index (its own slot), then the record. A
     * reader that runs between them sees the member without its record; it must not remove it, or "log out
     * everywhere" misses the new session. The reader is run by the writer's own client right after the index write.
     */
    @Test
    void item14_findByPrincipalRacingALoginKeepsTheNewSessionInTheIndex() {
        HookedCluster client = new HookedCluster(cluster.nodes());
        try {
            RedisSessionStore writer = RedisSessionStore.builder()
                    .client(client)
                    .keyPrefix(prefix)
                    .clock(clock)
                    .build();
            stores.add(writer);
            RedisSessionStore reader = clusterStore(Duration.ofSeconds(2));
            SessionManager writerManager =
                    SessionManager.builder(writer).clock(clock).build();
            SessionManager readerManager =
                    SessionManager.builder(reader).clock(clock).build();
            List<Set<SessionKey>> seenBetween = new CopyOnWriteArrayList<>();
            Runnable read = () -> seenBetween.add(reader.findByPrincipal("carol").stream()
                    .map(SessionRecord::key)
                    .collect(Collectors.toSet()));

            // A login on an existing anonymous session: the record still has no principal when the reader looks.
            Session anonymous = writerManager.create();
            anonymous.setAttribute("cart", List.of("apple"));
            writerManager.save(anonymous);
            Session login = writerManager.find(anonymous.id()).orElseThrow();
            login.setPrincipal("carol");
            client.afterNextIndexWrite(read);
            assertThat(writerManager.save(login)).isEqualTo(SaveResult.UPDATED);

            // A new session created with its principal: the record does not exist yet when the reader looks.
            Session fresh = writerManager.create();
            fresh.setPrincipal("carol");
            client.afterNextIndexWrite(read);
            assertThat(writerManager.save(fresh)).isEqualTo(SaveResult.CREATED);

            assertThat(seenBetween)
                    .as("the reader ran between the two writes, once per write")
                    .hasSize(2);
            assertThat(seenBetween.get(0))
                    .as("mid-login, the record has no principal yet")
                    .doesNotContain(login.id().key());
            assertThat(seenBetween.get(1))
                    .as("mid-create, the record does not exist yet")
                    .contains(login.id().key())
                    .doesNotContain(fresh.id().key());
            assertThat(readerManager.findByPrincipal("carol"))
                    .extracting(SessionInfo::key)
                    .containsExactlyInAnyOrder(login.id().key(), fresh.id().key());
            assertThat(readerManager.invalidateAll("carol")).isEqualTo(2);
            assertThat(writerManager.find(login.id())).isEmpty();
            assertThat(writerManager.find(fresh.id())).isEmpty();
        } finally {
            client.close();
        }
    }

    /** A cluster client that runs a hook right after the principal-index script, as if another node raced it. */
    @SuppressWarnings("deprecation")
    private static final class HookedCluster extends JedisCluster {
        private final AtomicReference<Runnable> hook = new AtomicReference<>();

        HookedCluster(List<String> nodes) {
            super(seeds(nodes));
        }

        private static Set<HostAndPort> seeds(List<String> nodes) {
            Set<HostAndPort> out = new HashSet<>();
            nodes.forEach(n -> out.add(HostAndPort.from(n)));
            return out;
        }

        void afterNextIndexWrite(Runnable r) {
            hook.set(r);
        }

        @Override
        public Object evalsha(String sha1, List<String> keys, List<String> args) {
            return afterIndexWrite(sha1.equals(RedisScripts.INDEX.sha1()), super.evalsha(sha1, keys, args));
        }

        @Override
        public Object eval(String script, List<String> keys, List<String> args) {
            return afterIndexWrite(script.equals(RedisScripts.INDEX.source()), super.eval(script, keys, args));
        }

        /** Runs the pending hook once the index script has answered, then passes its reply on. */
        private Object afterIndexWrite(boolean indexScript, Object reply) {
            Runnable r = indexScript ? hook.getAndSet(null) : null;
            if (r != null) {
                r.run();
            }
            return reply;
        }
    }

    // ---- item 3 on Cluster ----

    @Test
    void item3_deleteWithVersionOnClusterIsOneScriptOnTheSessionSlot() {
        RedisSessionStore store = clusterStore(Duration.ofSeconds(2));
        SessionKey key = RedisSessionStoreTest.randomKey();
        SessionRecord v1 = RedisSessionStoreTest.written(clock, key, 1, Duration.ofMinutes(30), "dave", "{}");
        assertThat(store.create(v1)).isTrue();
        assertThat(store.delete(key, 2)).isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(key)).contains(v1);
        assertThat(store.delete(key, 1)).isEqualTo(ReplaceResult.OK);
        assertThat(store.load(key)).isEmpty();
        assertThat(store.findByPrincipal("dave")).isEmpty();
        assertThat(store.delete(key, 1)).isEqualTo(ReplaceResult.GONE);
        SessionKey expiring = RedisSessionStoreTest.randomKey();
        assertThat(store.create(RedisSessionStoreTest.written(clock, expiring, 1, Duration.ofMinutes(1), null, "{}")))
                .isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(store.delete(expiring, 1)).as("expired by the store's clock").isEqualTo(ReplaceResult.GONE);
    }

    // ---- a client passed in ----

    /**
     * The store recognises a {@code RedisClusterClient} (Jedis 7.2+) passed in as a cluster without naming that class
     * where Jedis 7.0 would run it: one principal's sessions spread over slots are read node by node (as a standalone
     * client, one MGET across slots would fail with CROSSSLOT), and purgeExpired scans every master.
     */
    @Test
    void aRedisClusterClientPassedInIsUsedAsACluster() {
        try (RedisClusterClient client =
                RedisClusterClient.create(HostAndPort.from(cluster.nodes().get(0)))) {
            RedisSessionStore store = RedisSessionStore.builder()
                    .client(client)
                    .keyPrefix(prefix)
                    .clock(clock)
                    .build();
            stores.add(store);
            Set<SessionKey> keys = new HashSet<>();
            Set<Integer> slots = new HashSet<>();
            for (int i = 0; i < 8; i++) {
                SessionKey key = RedisSessionStoreTest.randomKey();
                assertThat(store.create(
                                RedisSessionStoreTest.written(clock, key, 1, Duration.ofMinutes(1), "erin", "{}")))
                        .isTrue();
                keys.add(key);
                slots.add(JedisClusterCRC16.getSlot(store.sessionKey(key)));
            }
            assertThat(slots).as("slots of the sessions").hasSizeGreaterThan(1);
            assertThat(store.findByPrincipal("erin").stream().map(SessionRecord::key))
                    .containsExactlyInAnyOrderElementsOf(keys);
            clock.advance(Duration.ofMinutes(2).plus(RedisSessionStore.DEFAULT_EXPIRY_GRACE));
            assertThat(store.purgeExpired()).isEqualTo(keys.size());
        }
    }
}
