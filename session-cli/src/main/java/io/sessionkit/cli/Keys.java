package io.sessionkit.cli;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What {@code --key} accepts: the hashed key (43 characters, as stored), a session id (32 characters, as in the
 * cookie: hashed here, never printed), or the start of a hashed key of at least 6 characters, such as the 8-character
 * short key logs and {@code list} print (found by a scan, so only on stores with SCAN).
 */
final class Keys {
    static final int MIN_PREFIX = 6;

    private Keys() {}

    /** The live record {@code text} names, or empty; a prefix that fits several records is a usage error. */
    static Optional<SessionRecord> find(SessionStore store, String text) {
        String t = text.trim();
        if (t.length() == SessionKey.LENGTH) {
            return store.load(key(t));
        }
        Optional<SessionId> id = SessionId.parse(t);
        if (id.isPresent()) {
            return store.load(id.get().key());
        }
        if (t.length() < MIN_PREFIX || !t.matches("[A-Za-z0-9_-]+")) {
            throw new SessionKitCli.UsageException("--key: expected a hashed key (43 characters), a session id (32) or"
                    + " the first " + MIN_PREFIX + " or more characters of a hashed key");
        }
        if (!store.features().contains(StoreFeature.SCAN)) {
            throw new SessionKitCli.UsageException("--key: a short key needs a store with SCAN; give the whole key");
        }
        List<SessionRecord> found = new ArrayList<>();
        @Nullable String cursor = null;
        do {
            ScanPage page = store.scan(cursor, 1000);
            for (SessionRecord r : page.records()) {
                if (r.key().value().startsWith(t)) {
                    found.add(r);
                }
            }
            cursor = page.next();
        } while (cursor != null);
        if (found.size() > 1) {
            throw new SessionKitCli.UsageException(
                    "--key " + t + " fits " + found.size() + " sessions; give more characters");
        }
        return found.stream().findFirst();
    }

    private static SessionKey key(String t) {
        try {
            return new SessionKey(t);
        } catch (IllegalArgumentException e) {
            throw new SessionKitCli.UsageException("--key: " + e.getMessage());
        }
    }
}
