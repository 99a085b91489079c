package io.sessionkit.tck;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import java.util.List;

/**
 * A pass-through {@link SessionStore} that counts calls and records the keys it was given, so tests can prove the
 * round-trip budget and that no raw id reaches a store. It wraps a real store; it never answers by itself.
 * {@code purgeExpired} is forwarded but not counted: it is the sweeper's call, not a request's. The counting is
 * {@link InterceptingSessionStore}'s.
 */
public final class CountingSessionStore extends InterceptingSessionStore {

    public CountingSessionStore(SessionStore delegate) {
        super(delegate);
    }

    @Override
    protected boolean counts(Call call) {
        return call != Call.PURGE_EXPIRED;
    }

    /** Every key value handed to the store, in order. */
    public List<String> keysSeen() {
        return keysHandedOn().stream().map(SessionKey::value).toList();
    }

    @Override
    public String toString() {
        return "CountingSessionStore[creates=" + creates() + ", loads=" + loads() + ", replaces=" + replaces()
                + ", deletes=" + deletes() + ", principalLookups=" + count(Call.FIND_BY_PRINCIPAL) + "]";
    }
}
