package io.sessionkit.caffeine;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;

/**
 * The in-process store has no wire and no raw client; the nearest thing to "bad bytes under the key" is a record
 * whose attribute text is not what the codec wrote. This reaches into the store's cache from its own package.
 */
public final class LocalRawAccess {
    private LocalRawAccess() {
    }

    /** Replaces the attribute text of the record under {@code key}, keeping every other field. */
    public static void setAttributesText(SessionStore store, SessionKey key, String text) {
        CaffeineSessionStore caffeine = (CaffeineSessionStore) store;
        caffeine.cache().asMap().computeIfPresent(key, (k, r) -> new SessionRecord(k, r.version(), r.createdAt(),
                r.lastAccessedAt(), r.maxIdle(), r.expiresAt(), r.principal(), text));
    }
}
