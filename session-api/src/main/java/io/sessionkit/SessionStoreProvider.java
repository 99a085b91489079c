package io.sessionkit;

import java.util.Set;

/**
 * Registered by each backend jar in {@code META-INF/services/io.sessionkit.SessionStoreProvider} and found by
 * {@link SessionStores#open(SessionKitConfig)}. The constructor must be cheap and must not connect: discovery
 * instantiates every provider on the classpath.
 */
public interface SessionStoreProvider {

    /** The value of {@code sessionkit.store} that selects this provider, e.g. {@code redis}. */
    String name();

    /** The features the stores it creates declare. */
    Set<StoreFeature> features();

    /**
     * Creates a store from the {@code sessionkit.<name>.*} keys of {@code config}, using {@code config.clock()}.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    SessionStore create(SessionKitConfig config);
}
