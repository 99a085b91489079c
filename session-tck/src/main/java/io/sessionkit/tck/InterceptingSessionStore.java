package io.sessionkit.tck;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} that forwards every call to a real store after announcing it to
 * {@link #before(Call, SessionKey)}: the one place where a test wrapper counts, records or fails calls. The kit's
 * {@link CountingSessionStore} extends it, and so may a backend's own test wrappers.
 *
 * <p>It never answers in the real store's place; a subclass that wants a call to fail throws from {@code before},
 * and the call is then not forwarded. {@link #features()} and {@link #close()} are forwarded without an announcement.
 */
public abstract class InterceptingSessionStore implements SessionStore {
    /** The store calls that are announced; both {@code delete} forms are one {@link #DELETE}. */
    public enum Call {
        CREATE,
        LOAD,
        REPLACE,
        DELETE,
        FIND_BY_PRINCIPAL,
        PURGE_EXPIRED
    }

    private final SessionStore delegate;

    protected InterceptingSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The real store. */
    public SessionStore delegate() {
        return delegate;
    }

    /**
     * Runs on the caller's thread before {@code call} is forwarded; {@code key} is the key handed to the store, or
     * null for {@link Call#FIND_BY_PRINCIPAL} and {@link Call#PURGE_EXPIRED}. Throwing stops the call.
     */
    protected abstract void before(Call call, @Nullable SessionKey key);

    @Override
    public Set<StoreFeature> features() {
        return delegate.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        before(Call.CREATE, record.key());
        return delegate.create(record);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        before(Call.LOAD, key);
        return delegate.load(key);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        before(Call.REPLACE, record.key());
        return delegate.replace(record, expectedVersion);
    }

    @Override
    public void delete(SessionKey key) {
        before(Call.DELETE, key);
        delegate.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        before(Call.DELETE, key);
        return delegate.delete(key, expectedVersion);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        before(Call.FIND_BY_PRINCIPAL, null);
        return delegate.findByPrincipal(principal);
    }

    @Override
    public int purgeExpired() {
        before(Call.PURGE_EXPIRED, null);
        return delegate.purgeExpired();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
