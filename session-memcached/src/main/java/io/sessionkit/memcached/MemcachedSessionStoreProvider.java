package io.sessionkit.memcached;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.StoreFeature;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The provider named {@code memcached}. It reads these keys (defaults in {@link MemcachedSessionStore}):
 * <ul>
 *   <li>{@code sessionkit.memcached.servers}: {@code host:port,host:port}; default {@code 127.0.0.1:11211}</li>
 *   <li>{@code sessionkit.memcached.operation-timeout}: duration of one command; default {@code 500ms}</li>
 *   <li>{@code sessionkit.memcached.connect-timeout}: how long creating the store waits for first connections; default
 *       {@code 1s}</li>
 *   <li>{@code sessionkit.memcached.key-prefix}: item key prefix; default {@code sk:}</li>
 *   <li>{@code sessionkit.memcached.max-item-size}: largest encoded record, bytes; default {@code 1MiB}</li>
 *   <li>{@code sessionkit.memcached.expiry-grace}: how long memcached keeps an item past its expiry; default {@code 1m}</li>
 *   <li>{@code sessionkit.memcached.max-reconnect-delay}: longest wait between reconnects; default {@code 2s}</li>
 *   <li>{@code sessionkit.memcached.cas-cache-size}: CAS ids remembered to save a {@code gets}; default {@code 10000}</li>
 * </ul>
 * The constructor does nothing; {@link #create} connects in the background.
 */
public final class MemcachedSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "memcached";
    private static final String P = SessionKitConfig.PREFIX + NAME + ".";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.of();
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        MemcachedSessionStore.Builder b = MemcachedSessionStore.builder().clock(config.clock());
        String servers = config.string(P + "servers", MemcachedSessionStore.DEFAULT_SERVERS);
        apply(P + "servers", servers, b::servers);
        apply(P + "operation-timeout", config.duration(P + "operation-timeout", MemcachedSessionStore.DEFAULT_OPERATION_TIMEOUT),
                b::operationTimeout);
        apply(P + "connect-timeout", config.duration(P + "connect-timeout", MemcachedSessionStore.DEFAULT_CONNECT_TIMEOUT),
                b::connectTimeout);
        apply(P + "key-prefix", config.string(P + "key-prefix", MemcachedSessionStore.DEFAULT_KEY_PREFIX), b::keyPrefix);
        apply(P + "max-item-size", config.bytes(P + "max-item-size", MemcachedSessionStore.DEFAULT_MAX_ITEM_SIZE), b::maxItemSize);
        apply(P + "expiry-grace", config.duration(P + "expiry-grace", MemcachedSessionStore.DEFAULT_EXPIRY_GRACE), b::expiryGrace);
        apply(P + "max-reconnect-delay", config.duration(P + "max-reconnect-delay", MemcachedSessionStore.DEFAULT_MAX_RECONNECT_DELAY),
                b::maxReconnectDelay);
        apply(P + "cas-cache-size", config.integer(P + "cas-cache-size", MemcachedSessionStore.DEFAULT_CAS_CACHE_SIZE), b::casCacheSize);
        return b.build();
    }

    /** Passes a parsed value to the builder, naming the key if the builder refuses it. */
    private static <T> void apply(String key, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            throw SessionKitConfig.invalid(key, String.valueOf(value), e.getMessage());
        }
    }
}
