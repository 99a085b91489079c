package io.sessionkit.memcached;

import io.sessionkit.SessionKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The memcached CAS id this store last saw for a key, with the version and expiry of the record it belonged to, so
 * that {@code replace} right after a {@code load} of the same key (the usual request: load, change, save) can send
 * {@code cas} straight away instead of {@code gets} + {@code cas}.
 *
 * <p>A token is only a hint. A {@code cas} with a stale id fails on the server with EXISTS and the store then asks
 * the server; a token is never taken as proof that a record is live unless the server accepts the {@code cas}. Bounded
 * (least recently used entries go first) and thread-safe.
 */
final class CasTokens {

    /**
     * What the store knew of a key after its last gets, add or cas on it: the record's version, expiry and principal
     * (so that a replace or delete knows which principal index entry to keep up without reading the record again).
     */
    record Token(
            long version,
            long cas,
            Instant expiresAt,
            @Nullable String principal) {}

    private final int capacity;
    private final Map<SessionKey, Token> tokens;

    CasTokens(int capacity) {
        this.capacity = capacity;
        this.tokens = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<SessionKey, Token> eldest) {
                return size() > CasTokens.this.capacity;
            }
        };
    }

    void put(SessionKey key, Token token) {
        if (capacity == 0) {
            return;
        }
        synchronized (tokens) {
            tokens.put(key, token);
        }
    }

    /** The remembered token, or null when there is none (or remembering is off). */
    @Nullable
    Token get(SessionKey key) {
        if (capacity == 0) {
            return null;
        }
        synchronized (tokens) {
            return tokens.get(key);
        }
    }

    void remove(SessionKey key) {
        if (capacity == 0) {
            return;
        }
        synchronized (tokens) {
            tokens.remove(key);
        }
    }

    void clear() {
        synchronized (tokens) {
            tokens.clear();
        }
    }

    int size() {
        synchronized (tokens) {
            return tokens.size();
        }
    }
}
