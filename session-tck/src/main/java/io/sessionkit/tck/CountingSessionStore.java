package io.sessionkit.tck;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A pass-through {@link SessionStore} that counts calls and records the keys it was given, so tests can prove the
 * round-trip budget and that no raw id reaches a store. It wraps a real store; it never answers by itself.
 * {@code purgeExpired} is forwarded but not counted: it is the sweeper's call, not a request's.
 */
public final class CountingSessionStore extends InterceptingSessionStore {
    private final ConcurrentMap<Call, AtomicInteger> counts = new ConcurrentHashMap<>();
    private final List<String> keysSeen = new CopyOnWriteArrayList<>();

    public CountingSessionStore(SessionStore delegate) {
        super(delegate);
    }

    @Override
    protected void before(Call call, @Nullable SessionKey key) {
        if (call == Call.PURGE_EXPIRED) {
            return;
        }
        counter(call).incrementAndGet();
        if (key != null) {
            keysSeen.add(key.value());
        }
    }

    private AtomicInteger counter(Call call) {
        return counts.computeIfAbsent(call, c -> new AtomicInteger());
    }

    private int count(Call call) {
        return counter(call).get();
    }

    /** Calls of every kind since the last {@link #reset()}. */
    public int calls() {
        return counts.values().stream().mapToInt(AtomicInteger::get).sum();
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

    /** Every key value handed to the store, in order. */
    public List<String> keysSeen() {
        return List.copyOf(keysSeen);
    }

    public void reset() {
        counts.values().forEach(c -> c.set(0));
        keysSeen.clear();
    }

    @Override
    public String toString() {
        return "CountingSessionStore[creates=" + creates() + ", loads=" + loads() + ", replaces=" + replaces()
                + ", deletes=" + deletes() + ", principalLookups=" + count(Call.FIND_BY_PRINCIPAL) + "]";
    }
}
