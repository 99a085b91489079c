package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * 32 threads on two application nodes (two stores opened from the same configuration, two managers) over 1 000
 * sessions for a bounded time, mixing read, modify (counter increments through {@code update}), rotate, invalidate
 * and invalidateAll. Afterwards: no invalidated or rotated-away id loads again, every counter equals the increments
 * the clients saw succeed, and the principal index lists exactly the live sessions of each user.
 *
 * <p>Duration per backend: {@code -Dsessionkit.soak.seconds=N} (default {@value #DEFAULT_SECONDS}).
 *
 * <p>The client-side model serialises exactly what SessionManager documents as the caller's job: {@code rotateId} is
 * not atomic across the two keys (a write to the old id between its two steps is lost), so a rotation holds its
 * session exclusively, as a login request does; and a rotation or a new session for a user does not run during that
 * user's "log out everywhere". Reads, modifies, invalidates and invalidateAll race freely with each other.
 */
class ConcurrencySoakTest {
    static final int DEFAULT_SECONDS = 10;
    static final int THREADS = 32;
    static final int SESSIONS = 1_000;
    static final int PRINCIPALS = 50;
    static final int HOT = 32;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName(
            "soak: 32 threads, 2 nodes, 1 000 sessions; no resurrection, exact counters, consistent principal index")
    void soak(Backend backend) throws Exception {
        Duration duration = Duration.ofSeconds(Integer.getInteger("sessionkit.soak.seconds", DEFAULT_SECONDS));
        try (Fixture f = new Fixture(backend);
                // Closed before the fixture closes the stores, so that no sweeper of theirs runs on a closed store.
                Managers managers = new Managers(f, backend)) {
            Model m = new Model(managers.nodes, managers.principalIndex);
            inParallel(m.slots.length, i -> m.slots[i].lineage = m.newSession(m.nodes[i % 2], m.slots[i]));

            // Twenty samples over the run (at least one per second): a leak in the key-lock table, the connection
            // pools or the heap shows as growth from the baseline (the sample after the first tenth, once the pools
            // have filled and the JIT has settled) to the end.
            ResourceSampler resources = new ResourceSampler(
                    Duration.ofMillis(Math.max(1_000, duration.toMillis() / 20)), m.nodes[0], m.nodes[1]);
            long deadline = System.nanoTime() + duration.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            for (int t = 0; t < THREADS; t++) {
                SessionManager node = m.nodes[t % 2];
                pool.execute(() -> {
                    while (System.nanoTime() < deadline) {
                        m.step(node);
                    }
                });
            }
            pool.shutdown();
            // Each operation is bounded by the store's timeouts; a minute past the deadline means something hangs.
            assertThat(pool.awaitTermination(duration.toSeconds() + 60, TimeUnit.SECONDS))
                    .as("workers finished")
                    .isTrue();
            resources.close();
            ResourceSampler.Sample baseline = resources.baseline();
            ResourceSampler.Sample end = resources.last();
            // Flat, not merely bounded: with every worker done, no key lock is held, so the table is empty again;
            // the pools hold no more connections than when they had filled (a small allowance for the JDK's own
            // descriptors, e.g. a jar or a DNS lookup opened late); no thread was left behind.
            assertThat(end.lockEntries())
                    .as("key-lock entries once every worker is done")
                    .isZero();
            assertThat(end.openFiles())
                    .as("open file descriptors at the end vs the baseline: %s", resources.summary())
                    .isLessThanOrEqualTo(baseline.openFiles() + 16);
            assertThat(end.threads())
                    .as("live threads at the end vs the baseline: %s", resources.summary())
                    .isLessThanOrEqualTo(baseline.threads() + 8);

            assertThat(m.errors.size())
                    .as(
                            "errors during the soak, the first: %s",
                            m.errors.stream().limit(5).toList())
                    .isZero();
            assertThat(m.vanished.size())
                    .as(
                            "sessions that vanished without being invalidated: %s",
                            m.vanished.stream().limit(5).toList())
                    .isZero();

            // 1. No resurrection: every id invalidated, logged out or rotated away is absent, on both nodes.
            Map<String, String> dead = new HashMap<>(m.deadIds);
            List<Map.Entry<String, String>> deadList = new ArrayList<>(dead.entrySet());
            ConcurrentLinkedQueue<String> resurrected = new ConcurrentLinkedQueue<>();
            inParallel(deadList.size(), i -> {
                String id = deadList.get(i).getKey();
                if (m.nodes[0].find(id).isPresent() || m.nodes[1].find(id).isPresent()) {
                    resurrected.add(
                            id.substring(0, 6) + "... (" + deadList.get(i).getValue() + ")");
                }
            });
            assertThat(resurrected).as("dead ids that load again").isEmpty();

            // 2. Exact counters on every live session.
            Map<String, Set<SessionKey>> livePerPrincipal = new HashMap<>();
            List<String> wrongCounters = new ArrayList<>();
            int live = 0;
            for (Slot slot : m.slots) {
                Lineage l = slot.lineage;
                if (l.dead) {
                    continue;
                }
                live++;
                Optional<Session> s = m.nodes[1].find(l.id);
                assertThat(s).as("a live session loads").isPresent();
                long stored = ((Number) s.get().getAttribute("n")).longValue();
                if (stored != l.increments.get()) {
                    wrongCounters.add(
                            "slot " + slot.index + ": stored " + stored + ", acknowledged " + l.increments.get());
                }
                if (slot.principal != null) {
                    livePerPrincipal
                            .computeIfAbsent(slot.principal, p -> new HashSet<>())
                            .add(s.get().id().key());
                }
            }
            assertThat(wrongCounters)
                    .as("counters that differ from acknowledged increments")
                    .isEmpty();

            // 3. The principal index lists exactly each user's live sessions.
            int principalsChecked = 0;
            if (m.principalIndex) {
                for (int p = 0; p < PRINCIPALS; p++) {
                    String principal = principal(p);
                    List<SessionInfo> listed = m.nodes[p % 2].findByPrincipal(principal);
                    assertThat(listed).allMatch(i -> i.principal().equals(principal));
                    Set<SessionKey> keys = new HashSet<>();
                    listed.forEach(i -> keys.add(i.key()));
                    assertThat(keys)
                            .as("index of " + principal)
                            .isEqualTo(livePerPrincipal.getOrDefault(principal, Set.of()));
                    principalsChecked++;
                }
            }
            String report = String.format(
                    "[soak] %s: %ds, %d threads, 2 nodes: %d ops (read %d, modify %d ok, rotate %d, invalidate %d,"
                            + " invalidateAll %d, new %d); checked %d dead ids absent, %d live counters exact, %s; 0 errors;"
                            + " %s",
                    backend,
                    duration.toSeconds(),
                    THREADS,
                    m.ops.sum(),
                    m.reads.sum(),
                    m.increments.sum(),
                    m.rotations.sum(),
                    m.invalidations.sum(),
                    m.logouts.sum(),
                    m.creations.sum(),
                    dead.size(),
                    live,
                    m.principalIndex
                            ? principalsChecked + " principal index sets exact"
                            : "no PRINCIPAL_INDEX (not declared)",
                    resources.summary());
            System.out.println(report);
            Figures.record("soak", backend.name(), report);
        }
    }

    /** The two application nodes: one manager over each store. */
    private static final class Managers implements AutoCloseable {
        final SessionManager[] nodes;
        final boolean principalIndex;

        Managers(Fixture f, Backend backend) {
            SessionStore first = f.open();
            SessionStore second = backend.sharedBetweenStores() ? f.open() : first;
            nodes = new SessionManager[] {
                SessionManager.builder(first).build(),
                SessionManager.builder(second).build()
            };
            principalIndex = first.features().contains(StoreFeature.PRINCIPAL_INDEX);
        }

        @Override
        public void close() {
            nodes[0].close();
            nodes[1].close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sessionkit.reliability.Backends#all")
    @DisplayName(
            "a session stays in its principal's index through updates and rotation (deterministic companion to the soak)")
    void principalIndexSurvivesUpdatesAndRotation(Backend backend) {
        try (Fixture f = new Fixture(backend)) {
            SessionStore store = f.open();
            if (!store.features().contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThatIndexIsUndeclared(store);
                return;
            }
            SessionManager manager = SessionManager.builder(store).build();
            Session s = manager.create();
            s.setPrincipal("carol");
            s.setAttribute("n", 0);
            manager.save(s);
            assertThat(keysOf(manager.findByPrincipal("carol"))).containsExactly(s.id().key());
            assertThat(manager.update(s.id().value(), x -> x.setAttribute("n", 1)))
                    .isPresent();
            assertThat(keysOf(manager.findByPrincipal("carol")))
                    .as("after an update")
                    .containsExactly(s.id().key());
            Session again = manager.find(s.id().value()).orElseThrow();
            manager.rotateId(again);
            assertThat(keysOf(manager.findByPrincipal("carol")))
                    .as("after a rotation")
                    .containsExactly(again.id().key());
            assertThat(manager.invalidateAll("carol")).isEqualTo(1);
            assertThat(manager.find(again.id().value())).isEmpty();
        }
    }

    private static void assertThatIndexIsUndeclared(SessionStore store) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.findByPrincipal("carol"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static List<SessionKey> keysOf(List<SessionInfo> infos) {
        return infos.stream().map(SessionInfo::key).toList();
    }

    /** Runs {@code task(0..n-1)} on 16 threads and waits (bounded) for all of them; rethrows the first failure. */
    static void inParallel(int n, java.util.function.IntConsumer task) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        ConcurrentLinkedQueue<RuntimeException> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            pool.execute(() -> {
                try {
                    task.accept(index);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(5, TimeUnit.MINUTES))
                .as("parallel setup or check finished")
                .isTrue();
        if (!failures.isEmpty()) {
            throw failures.peek();
        }
    }

    static String principal(int p) {
        return "user-" + p;
    }

    /** One session's history as the clients saw it: its current id (rotation moves it) and acknowledged increments. */
    static final class Lineage {
        volatile String id;
        final AtomicLong increments = new AtomicLong();
        volatile boolean dead;

        Lineage(String id) {
            this.id = id;
        }
    }

    /** A place for one session at a time; a new session takes the place of an invalidated one. */
    static final class Slot {
        final int index;
        final String principal;
        final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        volatile Lineage lineage;

        Slot(int index, String principal) {
            this.index = index;
            this.principal = principal;
        }
    }

    static final class Model {
        final SessionManager[] nodes;
        final boolean principalIndex;
        final Slot[] slots = new Slot[SESSIONS];
        final Map<String, ReentrantReadWriteLock> principalLocks = new HashMap<>();
        final Map<String, List<Slot>> slotsOf = new HashMap<>();
        final java.util.concurrent.ConcurrentHashMap<String, String> deadIds =
                new java.util.concurrent.ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> vanished = new ConcurrentLinkedQueue<>();
        final LongAdder ops = new LongAdder();
        final LongAdder reads = new LongAdder();
        final LongAdder increments = new LongAdder();
        final LongAdder rotations = new LongAdder();
        final LongAdder invalidations = new LongAdder();
        final LongAdder logouts = new LongAdder();
        final LongAdder creations = new LongAdder();

        Model(SessionManager[] nodes, boolean principalIndex) {
            this.nodes = nodes;
            this.principalIndex = principalIndex;
            for (int i = 0; i < SESSIONS; i++) {
                // 800 sessions belong to 50 users, 16 each; the last 200 are anonymous.
                String principal = i >= 800 ? null : principal(i % PRINCIPALS);
                slots[i] = new Slot(i, principal);
                if (principal != null) {
                    principalLocks.computeIfAbsent(principal, p -> new ReentrantReadWriteLock());
                    slotsOf.computeIfAbsent(principal, p -> new ArrayList<>()).add(slots[i]);
                }
            }
        }

        Lineage newSession(SessionManager node, Slot slot) {
            Session s = node.create();
            s.setAttribute("n", 0);
            if (slot.principal != null) {
                s.setPrincipal(slot.principal);
            }
            node.save(s);
            return new Lineage(s.id().value());
        }

        void step(SessionManager node) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            // Half the traffic on a few hot sessions, so that both nodes really race on the same records.
            Slot slot = slots[r.nextBoolean() ? r.nextInt(HOT) : r.nextInt(SESSIONS)];
            int roll = r.nextInt(100);
            try {
                if (slot.lineage.dead) {
                    recreate(node, slot);
                } else if (roll < 40) {
                    read(node, slot);
                } else if (roll < 80) {
                    modify(node, slot);
                } else if (roll < 88) {
                    rotate(node, slot);
                } else if (roll < 95) {
                    invalidate(node, slot);
                } else if (roll < 97 && principalIndex) {
                    logoutEverywhere(node, principal(r.nextInt(PRINCIPALS)));
                } else {
                    read(node, slot);
                }
                ops.increment();
            } catch (RuntimeException e) {
                errors.add(e.getClass().getName() + ": " + e.getMessage());
            }
        }

        private void read(SessionManager node, Slot slot) {
            holding(slot.lock.readLock(), () -> {
                Lineage l = slot.lineage;
                Optional<Session> s = node.find(l.id);
                if (s.isPresent()) {
                    s.get().getAttribute("n");
                } else if (!l.dead) {
                    vanished.add("read of slot " + slot.index);
                }
                reads.increment();
            });
        }

        private void modify(SessionManager node, Slot slot) {
            holding(slot.lock.readLock(), () -> {
                Lineage l = slot.lineage;
                Optional<Session> s =
                        node.update(l.id, x -> x.setAttribute("n", ((Number) x.getAttribute("n")).longValue() + 1));
                if (s.isPresent()) {
                    l.increments.incrementAndGet();
                    increments.increment();
                } else if (!l.dead) {
                    vanished.add("update of slot " + slot.index);
                }
            });
        }

        private void rotate(SessionManager node, Slot slot) {
            withPrincipal(
                    slot,
                    false,
                    () -> holding(slot.lock.writeLock(), () -> {
                        Lineage l = slot.lineage;
                        if (l.dead) {
                            return;
                        }
                        Optional<Session> s = node.find(l.id);
                        if (s.isEmpty()) {
                            vanished.add("rotate of slot " + slot.index);
                            return;
                        }
                        String old = l.id;
                        node.rotateId(s.get());
                        l.id = s.get().id().value();
                        deadIds.put(old, "rotated away");
                        rotations.increment();
                    }));
        }

        private void invalidate(SessionManager node, Slot slot) {
            holding(slot.lock.readLock(), () -> {
                Lineage l = slot.lineage;
                // Marked first: from here on an absent session is expected.
                l.dead = true;
                node.invalidate(l.id);
                deadIds.put(l.id, "invalidated");
                invalidations.increment();
            });
        }

        private void logoutEverywhere(SessionManager node, String principal) {
            holding(principalLocks.get(principal).writeLock(), () -> {
                List<Lineage> lineages = new ArrayList<>();
                for (Slot s : slotsOf.get(principal)) {
                    Lineage l = s.lineage;
                    l.dead = true;
                    lineages.add(l);
                }
                node.invalidateAll(principal);
                lineages.forEach(l -> deadIds.putIfAbsent(l.id, "logged out everywhere"));
                logouts.increment();
            });
        }

        private void recreate(SessionManager node, Slot slot) {
            withPrincipal(
                    slot,
                    false,
                    () -> holding(slot.lock.writeLock(), () -> {
                        if (slot.lineage.dead) {
                            slot.lineage = newSession(node, slot);
                            creations.increment();
                        }
                    }));
        }

        private void withPrincipal(Slot slot, boolean exclusive, Runnable action) {
            if (slot.principal == null) {
                action.run();
                return;
            }
            ReentrantReadWriteLock lock = principalLocks.get(slot.principal);
            holding(exclusive ? lock.writeLock() : lock.readLock(), action);
        }

        private static void holding(Lock lock, Runnable action) {
            lock.lock();
            try {
                action.run();
            } finally {
                lock.unlock();
            }
        }
    }
}
