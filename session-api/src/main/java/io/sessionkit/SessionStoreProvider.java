package io.sessionkit;

/**
 * Registered by each backend jar in {@code META-INF/services/io.sessionkit.SessionStoreProvider} and found by
 * {@link SessionStores#open(SessionKitConfig)}. The constructor must be cheap and must not connect: discovery
 * instantiates every provider on the classpath.
 *
 * <p>A provider declares no features: the store's {@link SessionStore#features()} is the one place they are stated.
 * A provider reads its {@code sessionkit.<name>.*} keys with a {@link ProviderConfig}, whose {@code validate()}
 * reports every bad key at once and warns about undeclared ones.
 */
public interface SessionStoreProvider {

    /** The value of {@code sessionkit.store} that selects this provider, e.g. {@code redis}. */
    String name();

    /**
     * Creates a store from the {@code sessionkit.<name>.*} keys of {@code config}, using {@code config.clock()}.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    SessionStore create(SessionKitConfig config);
}
