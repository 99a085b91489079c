package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What one kit test stands on: its clock and namespace, the store under test behind a {@link CountingSessionStore},
 * a manager over it, the extra nodes the test opened, and the helpers many rules share (a saved session, a raw record,
 * real threads released at once). Made fresh for every test and closed after it; the kit only delegates to it, so
 * the rules read as before and the kit class holds rules, not plumbing.
 */
final class KitFixtures implements AutoCloseable {
    static final ExpiryPolicy POLICY =
            new ExpiryPolicy(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofMinutes(3));
    static final long MAX_SIZE = SessionManager.DEFAULT_MAX_SESSION_SIZE;

    final MutableClock clock;
    final String namespace;
    /** What {@code createStore} made, beneath the run's layer: what the backdoor looks behind. */
    final SessionStore backend;
    /** {@link #backend} under the run's layer (itself when the run has none). */
    final SessionStore rawStore;

    final CountingSessionStore store;
    final SessionManager manager;
    private final Function<TckContext, SessionStore> factory;
    private final UnaryOperator<SessionStore> layer;
    private final List<SessionStore> extraStores = new ArrayList<>();

    KitFixtures(Function<TckContext, SessionStore> factory, UnaryOperator<SessionStore> layer) {
        this.factory = factory;
        this.layer = layer;
        this.clock = MutableClock.startingNow();
        this.namespace = newNamespace();
        this.backend = factory.apply(new TckContext(clock, namespace));
        this.rawStore = layer.apply(backend);
        this.store = new CountingSessionStore(rawStore);
        this.manager = managerWith(DecodeFailurePolicy.DROP_SESSION, MAX_SIZE);
    }

    static String newNamespace() {
        return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    }

    /** A store over the same records as {@link #store} on {@code nodeClock}; closed with the fixtures. */
    SessionStore node(MutableClock nodeClock) {
        SessionStore other = layer.apply(factory.apply(new TckContext(nodeClock, namespace)));
        extraStores.add(other);
        return other;
    }

    /** Another node whose clock reads {@code skew} later than {@link #clock} and moves with it. */
    SessionStore otherNode(Duration skew) {
        return node(clock.offset(skew));
    }

    static SessionManager managerOn(SessionStore node, Clock nodeClock) {
        return SessionManager.builder(node)
                .clock(nodeClock)
                .expiryPolicy(POLICY)
                .sweepInterval(Duration.ZERO) // the kit sweeps explicitly; a background sweep would race its rules
                .build();
    }

    SessionManager managerWith(DecodeFailurePolicy policy, long maxSize) {
        return SessionManager.builder(store)
                .clock(clock)
                .expiryPolicy(POLICY)
                .decodeFailurePolicy(policy)
                .maxSessionSize(maxSize)
                .sweepInterval(Duration.ZERO)
                .build();
    }

    Session saved(Map<String, ?> attributes) {
        Session s = manager.create();
        attributes.forEach(s::setAttribute);
        assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        return s;
    }

    Session reload(Session s) {
        return manager.find(s.id().value())
                .orElseThrow(() -> new AssertionError("session " + s.id() + " should be live"));
    }

    boolean isLive(Session s) {
        return manager.find(s.id().value()).isPresent();
    }

    /** Adds {@code item} to a copy of the list {@code s} holds under {@code name}: one request's read-modify-write. */
    static void addToList(Session s, String name, Object item) {
        List<Object> list = new ArrayList<>((List<?>) s.getAttribute(name));
        list.add(item);
        s.setAttribute(name, list);
    }

    /** A version-1 record with a fresh key, idle 30 min, written now. */
    SessionRecord record(String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(
                SessionId.generate().key(),
                1,
                now,
                now,
                Duration.ofMinutes(30),
                now.plus(Duration.ofMinutes(30)),
                null,
                attributes);
    }

    /** The record that follows {@code r}: version + 1, accessed now. */
    SessionRecord next(SessionRecord r, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(
                r.key(),
                r.version() + 1,
                r.createdAt(),
                now,
                r.maxIdle(),
                now.plus(r.maxIdle()),
                r.principal(),
                attributes);
    }

    /** Runs tasks on real threads, all released at once, and waits a bounded time. */
    static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.call();
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(90, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    static String sha256Base64Url(String s) throws NoSuchAlgorithmException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    }

    @Override
    public void close() {
        for (SessionStore extra : extraStores) {
            extra.close();
        }
        extraStores.clear();
        rawStore.close();
    }
}
