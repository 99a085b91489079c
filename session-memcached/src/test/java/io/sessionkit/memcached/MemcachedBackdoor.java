package io.sessionkit.memcached;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import io.sessionkit.testing.MemcachedText;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * Looks behind a {@link MemcachedSessionStore} with memcached's own text commands: the items under the store's prefix
 * on every server ({@code lru_crawler metadump}), the exptime the server holds ({@code mg <key> t}), and bad bytes
 * written over an item ({@code set}, every {@link Corruption} kind).
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class MemcachedBackdoor implements StoreBackdoor, BadRecordWriter.OverEnvelopeBytes {
    /** The exptime of a corrupted item: long enough for any test, short enough not to linger on a shared server. */
    private static final int CORRUPT_EXPTIME_SECONDS = 3600;

    private final MemcachedSessionStore store;

    public MemcachedBackdoor(MemcachedSessionStore store) {
        this.store = store;
    }

    /** A backdoor on {@code store}, opened from configuration and so typed {@link SessionStore}. */
    public static MemcachedBackdoor of(SessionStore store) {
        return new MemcachedBackdoor((MemcachedSessionStore) store);
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

    /** Truncated JSON: what a half-written value looks like. */
    @Override
    public void corrupt(SessionKey key) {
        corrupt(key, Corruption.TRUNCATED_JSON);
    }

    @Override
    public Optional<byte[]> read(SessionKey key) {
        return MemcachedText.get(store.serverFor(key), store.itemKey(key));
    }

    @Override
    public void write(SessionKey key, byte[] bytes) {
        MemcachedText.set(store.serverFor(key), store.itemKey(key), bytes, CORRUPT_EXPTIME_SECONDS);
    }

    /** The server's remaining TTL, added to the store's clock (the clock the store computed the exptime from). */
    @Override
    public Optional<Instant> nativeExpiry(SessionKey key) {
        return MemcachedText.ttlSeconds(store.serverFor(key), store.itemKey(key))
                .filter(ttl -> ttl >= 0)
                .map(ttl -> store.clock().instant().plusSeconds(ttl));
    }
}
