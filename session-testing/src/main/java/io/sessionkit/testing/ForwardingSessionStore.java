package io.sessionkit.testing;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.tck.InterceptingSessionStore;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} that forwards every call to a real store and, on the way, counts calls per
 * {@link InterceptingSessionStore.Call}, records every key it is handed, can make chosen operations fail as an unreachable backend would
 * ({@link #fail(Call...)}), and can run a piece of test code just before the next call of an operation reaches
 * the store ({@link #beforeNext(Call, Runnable)}: a real second writer, so a conflict happens for real at a known
 * moment).
 *
 * <p>It never answers in the real store's place: an injected failure throws {@link SessionStoreUnavailableException}
 * before the call is forwarded or counted. Not final: a test may override one method to model a specific misbehaviour
 * and still inherit the counting. Thread-safe. The forwarding and the counting are the kit's
 * {@link InterceptingSessionStore}, which the kit's own {@code CountingSessionStore} extends too; this one is the
 * general wrapper for SessionKit's module tests.
 */
public class ForwardingSessionStore extends InterceptingSessionStore {
    /** The calls that change the store. */
    public static Set<Call> writeCalls() {
        return EnumSet.of(
                Call.CREATE, Call.REPLACE, Call.DELETE, Call.PURGE_EXPIRED, Call.CLAIM_EXPIRED, Call.REMOVE_EXPIRED);
    }

    private final Set<Call> failing = ConcurrentHashMap.newKeySet();
    private final Map<Call, Runnable> beforeNext = new ConcurrentHashMap<>();

    public ForwardingSessionStore(SessionStore delegate) {
        super(delegate);
    }

    /** From now on, {@code operations} fail with {@link SessionStoreUnavailableException}; replaces an earlier choice. */
    public void fail(Call... operations) {
        fail(Set.of(operations));
    }

    /** As {@link #fail(Call...)}; an empty set makes every operation answer again. */
    public void fail(Set<Call> operations) {
        failing.clear();
        failing.addAll(operations);
    }

    /** Every operation fails (the backend is down) or none does. */
    public void down(boolean down) {
        fail(down ? EnumSet.allOf(Call.class) : EnumSet.noneOf(Call.class));
    }

    /** Every operation answers again. */
    public void recover() {
        failing.clear();
    }

    /** Runs {@code action} once, on the thread of the next call of {@code operation}, before that call is forwarded. */
    public void beforeNext(Call operation, Runnable action) {
        beforeNext.put(operation, Objects.requireNonNull(action, "action"));
    }

    public int principalLookups() {
        return count(Call.FIND_BY_PRINCIPAL);
    }

    /** Creates, replaces and deletes. */
    public int writes() {
        return creates() + replaces() + deletes();
    }

    /** Every key handed to the store, in order. */
    public List<SessionKey> keysSeen() {
        return keysHandedOn();
    }

    /** Zeroes the counts, forgets the keys, stops failing and drops pending {@link #beforeNext} actions. */
    @Override
    public void reset() {
        super.reset();
        failing.clear();
        beforeNext.clear();
    }

    /**
     * Called before every call is forwarded: fails the call if its operation is failing, else runs a pending
     * {@link #beforeNext} action; the call is then counted and {@code key} recorded (null for calls without one).
     */
    @Override
    protected void before(Call call, @Nullable SessionKey key) {
        if (failing.contains(call)) {
            throw new SessionStoreUnavailableException(
                    "test store is down (" + call.name().toLowerCase(Locale.ROOT) + ")");
        }
        Runnable action = beforeNext.remove(call);
        if (action != null) {
            action.run();
        }
    }

    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ", getClass().getSimpleName() + "{", "} over " + delegate());
        for (Call op : Call.values()) {
            text.add(op + "=" + count(op));
        }
        return text.toString();
    }
}
