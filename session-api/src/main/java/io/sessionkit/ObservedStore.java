package io.sessionkit;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The store as the manager calls it when a {@link SessionObserver} is set: every call is reported with its operation
 * and outcome, on the calling thread. Without an observer the manager uses the store itself.
 */
final class ObservedStore implements SessionStore {
    private final SessionStore store;
    private final SessionObserver observer;

    ObservedStore(SessionStore store, SessionObserver observer) {
        this.store = store;
        this.observer = observer;
    }

    @Override
    public Set<StoreFeature> features() {
        return store.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        return call(StoreOperation.CREATE, () -> store.create(record), created -> StoreOutcome.OK);
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        return call(StoreOperation.LOAD, () -> store.load(key), found -> StoreOutcome.OK);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        return call(StoreOperation.REPLACE, () -> store.replace(record, expectedVersion), StoreOutcome::of);
    }

    @Override
    public void delete(SessionKey key) {
        run(StoreOperation.DELETE, () -> store.delete(key));
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        return call(StoreOperation.DELETE_IF_VERSION, () -> store.delete(key, expectedVersion), StoreOutcome::of);
    }

    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        return call(StoreOperation.FIND_BY_PRINCIPAL, () -> store.findByPrincipal(principal), found -> StoreOutcome.OK);
    }

    @Override
    public int purgeExpired() {
        return call(StoreOperation.PURGE_EXPIRED, store::purgeExpired, n -> StoreOutcome.OK);
    }

    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        return call(StoreOperation.CLAIM_EXPIRED, () -> store.claimExpired(max, lease), claimed -> StoreOutcome.OK);
    }

    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        run(StoreOperation.REMOVE_EXPIRED, () -> store.removeExpired(claimed));
    }

    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        return call(StoreOperation.SCAN, () -> store.scan(cursor, pageSize), page -> StoreOutcome.OK);
    }

    @Override
    public void ping() {
        run(StoreOperation.PING, () -> store.ping());
    }

    @Override
    public void close() {
        store.close();
    }

    private void run(StoreOperation operation, Runnable body) {
        call(
                operation,
                () -> {
                    body.run();
                    return Boolean.TRUE;
                },
                done -> StoreOutcome.OK);
    }

    private <T> T call(StoreOperation operation, Supplier<T> body, Function<T, StoreOutcome> outcome) {
        SessionObserver.StoreCall handle = Observers.start(observer, operation);
        T result;
        try {
            result = body.get();
        } catch (RuntimeException e) {
            Observers.end(handle, StoreOutcome.of(e));
            throw e;
        }
        Observers.end(handle, outcome.apply(result));
        return result;
    }
}
