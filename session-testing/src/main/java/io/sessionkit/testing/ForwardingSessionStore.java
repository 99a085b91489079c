package io.sessionkit.testing;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link SessionStore} that forwards every call to a real store and, on the way, counts calls per
 * {@link Operation}, records every key it is handed, can make chosen operations fail as an unreachable backend would
 * ({@link #fail(Operation...)}), and can run a piece of test code just before the next call of an operation reaches
 * the store ({@link #beforeNext(Operation, Runnable)}: a real second writer, so a conflict happens for real at a known
 * moment).
 *
 * <p>It never answers in the real store's place: an injected failure throws {@link SessionStoreUnavailableException}
 * before the call is forwarded or counted. Not final: a test may override one method to model a specific misbehaviour
 * and still inherit the counting. Thread-safe. ({@code io.sessionkit.tck.CountingSessionStore} is the kit's own
 * counting wrapper; this one is the general one for SessionKit's module tests.)
 */
public class ForwardingSessionStore implements SessionStore {
    /** The store calls, as counted and as failure injection names them. */
    public enum Operation {
        CREATE,
        LOAD,
        REPLACE,
        DELETE,
        FIND_BY_PRINCIPAL,
        PURGE_EXPIRED;

        /** The operations that change the store. */
        public static Set<Operation> writes() {
            return EnumSet.of(CREATE, REPLACE, DELETE, PURGE_EXPIRED);
        }
    }

    private final SessionStore delegate;
    private final Map<Operation, AtomicInteger> counts = new EnumMap<>(Operation.class);
    private final List<SessionKey> keysSeen = new CopyOnWriteArrayList<>();
    private final Set<Operation> failing = ConcurrentHashMap.newKeySet();
    private final Map<Operation, Runnable> beforeNext = new ConcurrentHashMap<>();

    public ForwardingSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        for (Operation op : Operation.values()) {
            counts.put(op, new AtomicInteger());
        }
    }

    /** The real store. */
    public SessionStore delegate() {
        return delegate;
    }

    /** From now on, {@code operations} fail with {@link SessionStoreUnavailableException}; replaces an earlier choice. */
    public void fail(Operation... operations) {
        fail(Set.of(operations));
    }

    /** As {@link #fail(Operation...)}; an empty set makes every operation answer again. */
    public void fail(Set<Operation> operations) {
        failing.clear();
        failing.addAll(operations);
    }

    /** Every operation fails (the backend is down) or none does. */
    public void down(boolean down) {
        fail(down ? EnumSet.allOf(Operation.class) : EnumSet.noneOf(Operation.class));
    }

    /** Every operation answers again. */
    public void recover() {
        failing.clear();
    }

    /** Runs {@code action} once, on the thread of the next call of {@code operation}, before that call is forwarded. */
    public void beforeNext(Operation operation, Runnable action) {
        beforeNext.put(operation, Objects.requireNonNull(action, "action"));
    }

    /** Calls of {@code operation} forwarded since the last {@link #reset()}. */
    public int count(Operation operation) {
        return counts.get(operation).get();
    }

    public int creates() {
        return count(Operation.CREATE);
    }

    public int loads() {
        return count(Operation.LOAD);
    }

    public int replaces() {
        return count(Operation.REPLACE);
    }

    /** Both {@code delete} forms. */
    public int deletes() {
        return count(Operation.DELETE);
    }

    public int principalLookups() {
        return count(Operation.FIND_BY_PRINCIPAL);
    }

    /** Creates, replaces and deletes. */
    public int writes() {
        return creates() + replaces() + deletes();
    }

    /** Calls of every kind. */
    public int calls() {
        int n = 0;
        for (AtomicInteger c : counts.values()) {
            n += c.get();
        }
        return n;
    }

    /** Every key handed to the store, in order. */
    public List<SessionKey> keysSeen() {
        return List.copyOf(keysSeen);
    }

    /** Zeroes the counts, forgets the keys, stops failing and drops pending {@link #beforeNext} actions. */
    public void reset() {
        counts.values().forEach(c -> c.set(0));
        keysSeen.clear();
        failing.clear();
        beforeNext.clear();
    }

    /**
     * Called before every call is forwarded: fails the call if its operation is failing, runs a pending
     * {@link #beforeNext} action, counts it and records {@code key} (null for calls without one).
     */
    protected void before(Operation operation, SessionKey key) {
        if (failing.contains(operation)) {
            throw new SessionStoreUnavailableException(
                    "test store is down (" + operation.name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        Runnable action = beforeNext.remove(operation);
        if (action != null) {
            action.run();
        }
        counts.get(operation).incrementAndGet();
        if (key != null) {
            keysSeen.add(key);
        }
    }

    @Override
    public Set<StoreFeature> features() {
        return delegate.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        before(Operation.CREATE, record.key());
        return delegate.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        before(Operation.LOAD, key);
        return delegate.load(key);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        before(Operation.REPLACE, record.key());
        return delegate.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        before(Operation.DELETE, key);
        delegate.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        before(Operation.DELETE, key);
        return delegate.delete(key, expectedVersion);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        before(Operation.FIND_BY_PRINCIPAL, null);
        return delegate.findByPrincipal(principal);
    }

    @Override
    public int purgeExpired() {
        before(Operation.PURGE_EXPIRED, null);
        return delegate.purgeExpired();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + counts + " over " + delegate;
    }
}
