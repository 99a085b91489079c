package io.sessionkit.memcached;

import io.sessionkit.SessionKey;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.testing.MemcachedText;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Looks behind a {@link MemcachedSessionStore} with memcached's own text commands: the items under the store's prefix
 * on every server ({@code lru_crawler metadump}), the exptime the server holds ({@code mg <key> t}), and bad bytes
 * written over an item ({@code set}).
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class MemcachedBackdoor implements StoreBackdoor {
    private final MemcachedSessionStore store;

    public MemcachedBackdoor(MemcachedSessionStore store) {
        this.store = store;
    }

    @Override
    public String dump() {
        StringBuilder out = new StringBuilder();
        for (InetSocketAddress server : store.servers()) {
            for (String key : MemcachedText.keys(server, store.keyPrefix())) {
                MemcachedText.get(server, key)
                        .ifPresent(v -> out.append(key)
                                .append(" = ")
                                .append(new String(v, StandardCharsets.UTF_8))
                                .append('\n'));
            }
        }
        return out.toString();
    }

    @Override
    public void corrupt(SessionKey key) {
        // Truncated JSON: what a half-written or foreign value looks like.
        byte[] bad = "{\"fmt\":1,\"v\":1,\"attrs\":{\"a\"".getBytes(StandardCharsets.UTF_8);
        MemcachedText.set(store.serverFor(key), store.itemKey(key), bad, 3600);
    }

    /** The server's remaining TTL, added to the store's clock (the clock the store computed the exptime from). */
    @Override
    public Optional<Instant> nativeExpiry(SessionKey key) {
        return MemcachedText.ttlSeconds(store.serverFor(key), store.itemKey(key))
                .filter(ttl -> ttl >= 0)
                .map(ttl -> store.clock().instant().plusSeconds(ttl));
    }
}
