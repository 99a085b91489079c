package io.sessionkit.servlet;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pass-through store over a real one that counts calls and records every key it is handed, so tests can prove
 * what reached the store (no raw id, no call for a malformed id, nothing written on a read). {@link #down(boolean)}
 * makes every call fail as an unreachable backend would ({@link #writesDown(boolean)} only the writes,
 * {@link #deletesDown(boolean)} only the deletes), to test the filter's answer to an outage; it never answers in the
 * real store's place. {@link #beforeNextReplace(Runnable)} lets a real second writer run just before a request's
 * compare-and-set reaches the store, so a conflict happens for real, at a known moment.
 */
final class RecordingSessionStore implements SessionStore {
    private final SessionStore delegate;
    private final AtomicInteger creates = new AtomicInteger();
    private final AtomicInteger loads = new AtomicInteger();
    private final AtomicInteger replaces = new AtomicInteger();
    private final AtomicInteger deletes = new AtomicInteger();
    private final List<SessionKey> keysSeen = new CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile boolean writesDown;
    private volatile boolean deletesDown;
    private final AtomicReference<Runnable> beforeNextReplace = new AtomicReference<>();

    RecordingSessionStore(SessionStore delegate) {
        this.delegate = delegate;
    }

    SessionStore delegate() {
        return delegate;
    }

    void down(boolean down) {
        this.down = down;
    }

    /** Loads still answer, writes fail: the outage starts between a request's load and its save. */
    void writesDown(boolean writesDown) {
        this.writesDown = writesDown;
    }

    /** Deletes fail as an unreachable backend would; loads and other writes still answer. */
    void deletesDown(boolean deletesDown) {
        this.deletesDown = deletesDown;
    }

    /** Runs {@code interference} once, on the thread of the next {@code replace}, before that replace is forwarded. */
    void beforeNextReplace(Runnable interference) {
        beforeNextReplace.set(interference);
    }

    int creates() {
        return creates.get();
    }

    int loads() {
        return loads.get();
    }

    int replaces() {
        return replaces.get();
    }

    int deletes() {
        return deletes.get();
    }

    int writes() {
        return creates.get() + replaces.get() + deletes.get();
    }

    List<SessionKey> keysSeen() {
        return List.copyOf(keysSeen);
    }

    void reset() {
        creates.set(0);
        loads.set(0);
        replaces.set(0);
        deletes.set(0);
        keysSeen.clear();
        down = false;
        writesDown = false;
        deletesDown = false;
        beforeNextReplace.set(null);
    }

    private void check(String operation) {
        if (down || (writesDown && !operation.equals("load")) || (deletesDown && operation.equals("delete"))) {
            throw new SessionStoreUnavailableException("test store is down (" + operation + ")");
        }
    }

    @Override
    public Set<StoreFeature> features() {
        return delegate.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        check("create");
        creates.incrementAndGet();
        keysSeen.add(record.key());
        return delegate.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        check("load");
        loads.incrementAndGet();
        keysSeen.add(key);
        return delegate.load(key);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        check("replace");
        Runnable interference = beforeNextReplace.getAndSet(null);
        if (interference != null) {
            interference.run();
        }
        replaces.incrementAndGet();
        keysSeen.add(record.key());
        return delegate.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        check("delete");
        deletes.incrementAndGet();
        keysSeen.add(key);
        delegate.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        check("delete");
        deletes.incrementAndGet();
        keysSeen.add(key);
        return delegate.delete(key, expectedVersion);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
