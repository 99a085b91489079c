package io.sessionkit.tck;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} that forwards every call to a real store after announcing it to
 * {@link #before(Call, SessionKey)}, and counts the calls it forwarded and the keys it handed on: the one place where a
 * test wrapper counts, records or fails calls. The kit's {@link CountingSessionStore} extends it, and so may a
 * backend's own test wrappers.
 *
 * <p>It never answers in the real store's place; a subclass that wants a call to fail throws from {@code before},
 * and the call is then neither forwarded nor counted. {@link #features()} and {@link #close()} are forwarded without an
 * announcement. Thread-safe.
 */
public abstract class InterceptingSessionStore implements SessionStore {
    /** The store calls that are announced; both {@code delete} forms are one {@link #DELETE}. */
    public enum Call {
        CREATE,
        LOAD,
        REPLACE,
        DELETE,
        FIND_BY_PRINCIPAL,
        PURGE_EXPIRED,
        CLAIM_EXPIRED,
        REMOVE_EXPIRED,
        SCAN,
        PING
    }

    private final SessionStore delegate;
    private final Map<Call, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<SessionKey> keysHandedOn = new CopyOnWriteArrayList<>();

    protected InterceptingSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The real store. */
    public SessionStore delegate() {
        return delegate;
    }

    /**
     * Runs on the caller's thread before {@code call} is forwarded; {@code key} is the key handed to the store, or
     * null for the calls without one (principal lookups, sweeps, pings). Throwing stops the call. Does nothing
     * unless overridden.
     */
    protected void before(Call call, @Nullable SessionKey key) {}

    /** Whether calls of {@code call} are counted (and their keys recorded); all are unless overridden. */
    protected boolean counts(Call call) {
        return true;
    }

    /** Calls of {@code call} forwarded since the last {@link #reset()}. */
    public int count(Call call) {
        return counter(call).get();
    }

    public int creates() {
        return count(Call.CREATE);
    }

    public int loads() {
        return count(Call.LOAD);
    }

    public int replaces() {
        return count(Call.REPLACE);
    }

    /** Both {@code delete} forms: one store call each. */
    public int deletes() {
        return count(Call.DELETE);
    }

    /** Counted calls of every kind since the last {@link #reset()}. */
    public int calls() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Zeroes the counts and forgets the keys. */
    public void reset() {
        counts.values().forEach(c -> c.set(0));
        keysHandedOn.clear();
    }

    /** Every key of a counted call handed to the store since the last {@link #reset()}, in order. */
    protected List<SessionKey> keysHandedOn() {
        return List.copyOf(keysHandedOn);
    }

    private AtomicInteger counter(Call call) {
        return counts.computeIfAbsent(call, c -> new AtomicInteger());
    }

    private void announce(Call call, @Nullable SessionKey key) {
        before(call, key);
        if (counts(call)) {
            counter(call).incrementAndGet();
            if (key != null) {
                keysHandedOn.add(key);
            }
        }
    }

    @Override
    public Set<StoreFeature> features() {
        return delegate.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        announce(Call.CREATE, record.key());
        return delegate.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        announce(Call.LOAD, key);
        return delegate.load(key);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        announce(Call.REPLACE, record.key());
        return delegate.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        announce(Call.DELETE, key);
        delegate.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        announce(Call.DELETE, key);
        return delegate.delete(key, expectedVersion);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        announce(Call.FIND_BY_PRINCIPAL, null);
        return delegate.findByPrincipal(principal);
    }

    @Override
    public int purgeExpired() {
        announce(Call.PURGE_EXPIRED, null);
        return delegate.purgeExpired();
    }

    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        announce(Call.CLAIM_EXPIRED, null);
        return delegate.claimExpired(max, lease);
    }

    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        announce(Call.REMOVE_EXPIRED, null);
        delegate.removeExpired(claimed);
    }

    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        announce(Call.SCAN, null);
        return delegate.scan(cursor, pageSize);
    }

    @Override
    public void ping() {
        announce(Call.PING, null);
        delegate.ping();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
