package io.sessionkit.memcached;

import io.sessionkit.ConfiguredStoreProvider;

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
 *   <li>{@code sessionkit.memcached.reconnect-after-timeouts}: consecutive operation timeouts after which a connection
 *       is dropped and reopened; default {@code 10}</li>
 *   <li>{@code sessionkit.memcached.cas-cache-size}: CAS ids remembered to save a {@code gets}; default {@code 10000}</li>
 *   <li>{@code sessionkit.memcached.principal-index.max-sessions}: most sessions one principal's index lists; default
 *       {@code 1000}, or what fits in {@code max-item-size}</li>
 *   <li>{@code sessionkit.memcached.principal-index.refresh}: step index covers are rounded up to; default
 *       {@code 1h}</li>
 * </ul>
 * Every bad key is reported at once; an undeclared {@code sessionkit.memcached.*} key is warned about once. The
 * constructor does nothing; {@link #create} connects in the background.
 */
public final class MemcachedSessionStoreProvider extends ConfiguredStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "memcached";

    public MemcachedSessionStoreProvider() {
        super(NAME, MemcachedSessionStore.Builder::fromKeys);
    }
}
