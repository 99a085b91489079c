package io.sessionkit.migration;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.SessionStores;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Provider {@code migrating}: {@code sessionkit.store=migrating}, {@code sessionkit.migrating.from=<old store>} and
 * {@code sessionkit.migrating.to=<new store>} (both required, two different store names). Each of the two stores is
 * opened as if {@code sessionkit.store} named it, from the same configuration, so each reads its own keys
 * ({@code sessionkit.memcached.*}, {@code sessionkit.redis.*}, ...). Two stores of one kind (Redis to another Redis)
 * cannot be told apart by their keys: build {@link MigratingSessionStore#of} in code for that.
 */
public final class MigratingSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "migrating";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, Set.of("from", "to"));
        String from =
                c.string("from").map(MigratingSessionStoreProvider::normalize).orElse("");
        String to = c.string("to").map(MigratingSessionStoreProvider::normalize).orElse("");
        check(c, "from", from, "old");
        check(c, "to", to, "new");
        if (!from.isEmpty() && from.equals(to)) {
            c.problem(c.key("from") + " and " + c.key("to") + " both name '" + from + "': two stores of one kind "
                    + "read the same keys; build MigratingSessionStore.of(old, new) in code instead");
        }
        c.validate();
        SessionStore old = open(config, from);
        try {
            return MigratingSessionStore.of(old, open(config, to), config.clock());
        } catch (RuntimeException e) {
            old.close();
            throw e;
        }
    }

    private static void check(ProviderConfig c, String suffix, String value, String which) {
        if (value.isEmpty()) {
            c.problem(c.key(suffix) + " is not set; expected the name of the " + which
                    + " store, as sessionkit.store takes it (redis, jdbc, memcached, mongo, local)");
        } else if (NAME.equals(value)) {
            c.invalid(suffix, "a store other than " + NAME);
        }
    }

    /** Opens {@code store} as if {@code sessionkit.store} named it, on everything else but this provider's keys. */
    private static SessionStore open(SessionKitConfig config, String store) {
        Map<String, String> settings = new HashMap<>();
        for (String key : config.keys()) {
            String value = config.get(key);
            if (value != null && !key.startsWith("sessionkit." + NAME + ".")) {
                settings.put(key, value);
            }
        }
        settings.put(SessionStores.STORE_KEY, store);
        return SessionStores.open(SessionKitConfig.of(settings).withClock(config.clock()));
    }

    private static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
