package io.sessionkit.testing;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.util.HashMap;
import java.util.Map;

/** Stores opened the way an application opens them: through their provider, from configuration keys. */
public final class ConfiguredStores {
    private ConfiguredStores() {}

    /** {@link SessionStores#open} with {@code sessionkit.store=store} over {@code keys}. */
    public static SessionStore open(String store, Map<String, String> keys) {
        Map<String, String> all = new HashMap<>(keys);
        all.put(SessionStores.STORE_KEY, store);
        return SessionStores.open(SessionKitConfig.of(all));
    }
}
