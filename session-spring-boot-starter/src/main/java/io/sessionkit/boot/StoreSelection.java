package io.sessionkit.boot;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.SessionStores;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Which store the starter opens. {@code sessionkit.store} set: that store, on the application's connection for it if
 * there is one and the store's own keys name none, else as {@link SessionStores#open} opens it. Unset: the one store
 * an application connection is found for; several found is an error that names them; none is the in-process
 * {@code local} store, with one WARNING that sessions are not shared.
 */
final class StoreSelection {
    static final System.Logger LOG = System.getLogger("io.sessionkit.boot");
    static final String LOCAL = "local";

    private StoreSelection() {}

    /** The store opened and its name (the {@code sessionkit.store} value it answers to). */
    record Opened(String name, SessionStore store) {}

    static Opened open(SessionKitConfig config, List<AppConnection> connections) {
        Optional<String> named = config.string(SessionStores.STORE_KEY).map(s -> s.toLowerCase(Locale.ROOT));
        if (named.isPresent()) {
            for (AppConnection c : connections) {
                if (c.store().equals(named.get()) && !c.overriddenBy(config)) {
                    return new Opened(named.get(), c.open(config));
                }
            }
            if (named.get().equals("jdbc")
                    && config.string("sessionkit.jdbc.url").isEmpty()) {
                throw new IllegalArgumentException(
                        "sessionkit.store=jdbc needs a DataSource bean (spring.datasource.*) "
                                + "or sessionkit.jdbc.url; neither was found");
            }
            return new Opened(named.get(), SessionStores.open(config));
        }
        if (connections.size() > 1) {
            throw new IllegalArgumentException(SessionStores.STORE_KEY + " is not set and the application has "
                    + "connections for several stores: "
                    + connections.stream()
                            .map(c -> c.store() + " (" + c.description() + ")")
                            .collect(Collectors.joining(", "))
                    + "; set " + SessionStores.STORE_KEY + " to one of them");
        }
        if (connections.size() == 1) {
            AppConnection c = connections.get(0);
            LOG.log(Level.INFO, "SessionKit: sessions in the {0} store, on {1}", c.store(), c.description());
            return new Opened(c.store(), c.open(withStore(config, c.store())));
        }
        LOG.log(
                Level.WARNING,
                "SessionKit: no shared session store configured ({0} unset; no DataSource, MongoClient or "
                        + "spring.data.redis.* found): sessions are kept in this JVM only and are not shared with "
                        + "other instances{1}",
                SessionStores.STORE_KEY,
                otherProviders());
        return new Opened(LOCAL, SessionStores.open(withStore(config, LOCAL)));
    }

    /** {@code config} with {@code sessionkit.store} set to {@code store} (a store the starter chose). */
    static SessionKitConfig withStore(SessionKitConfig config, String store) {
        return with(config, Map.of(SessionStores.STORE_KEY, store));
    }

    /** {@code config} with {@code values} on top (same clock). */
    static SessionKitConfig with(SessionKitConfig config, Map<String, String> values) {
        return SessionKitConfig.of(values).orElse(config).withClock(config.clock());
    }

    /** "; on the class path: redis, memcached (set sessionkit.store)" or "". */
    private static String otherProviders() {
        List<String> names = new ArrayList<>();
        try {
            for (SessionStoreProvider p : ServiceLoader.load(SessionStoreProvider.class, classLoader())) {
                if (!p.name().equals(LOCAL)) {
                    names.add(p.name());
                }
            }
        } catch (ServiceConfigurationError e) {
            // SessionStores reports providers that fail to load when one is named; here it is only a hint.
        }
        return names.isEmpty()
                ? ""
                : "; stores on the class path: " + String.join(", ", names) + " (set " + SessionStores.STORE_KEY + ")";
    }

    private static ClassLoader classLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : StoreSelection.class.getClassLoader();
    }
}
