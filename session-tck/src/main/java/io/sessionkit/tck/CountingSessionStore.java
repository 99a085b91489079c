package io.sessionkit.tck;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A pass-through {@link SessionStore} that counts calls and records the keys it was given, so tests can prove the
 * round-trip budget and that no raw id reaches a store. It wraps a real store; it never answers by itself.
 */
public final class CountingSessionStore implements SessionStore {
    private final SessionStore delegate;
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger replaces = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final AtomicInteger principalLookups = new AtomicInteger();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();

    public CountingSessionStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    public SessionStore delegate() {
        return delegate;
    }

    /** Calls of every kind since the last {@link #reset()}. */
    public int calls() {
        return creates.get() + loads.get() + replaces.get() + deletes.get() + principalLookups.get();
    }

    public int creates() {
        return creates.get();
    }

    public int loads() {
        return loads.get();
    }

    public int replaces() {
        return replaces.get();
    }

    public int deletes() {
        return deletes.get();
    }

    /** Every key value handed to the store, in order. */
    public List<String> keysSeen() {
        return List.copyOf(keysSeen);
    }

    public void reset() {
        creates.set(0);
        loads.set(0);
        replaces.set(0);
        deletes.set(0);
        principalLookups.set(0);
        keysSeen.clear();
    }

    @Override
    public Set<StoreFeature> features() {
        return delegate.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        creates.incrementAndGet();
        keysSeen.add(record.key().value());
        return delegate.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        loads.incrementAndGet();
        keysSeen.add(key.value());
        return delegate.load(key);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        replaces.incrementAndGet();
        keysSeen.add(record.key().value());
        return delegate.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        deletes.incrementAndGet();
        keysSeen.add(key.value());
        delegate.delete(key);
    }

    /** Counted as a delete: one store call. */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        deletes.incrementAndGet();
        keysSeen.add(key.value());
        return delegate.delete(key, expectedVersion);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        principalLookups.incrementAndGet();
        return delegate.findByPrincipal(principal);
    }

    @Override
    public int purgeExpired() {
        return delegate.purgeExpired();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "CountingSessionStore[creates=" + creates + ", loads=" + loads + ", replaces=" + replaces + ", deletes="
                + deletes + ", principalLookups=" + principalLookups + "]";
    }
}
