package io.sessionkit.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/** Raw Caffeine: getIfPresent + put on a bounded cache with an expiry, as small as an in-process session map gets. */
final class RawCaffeine implements RawClient {
    private final Cache<String, String> cache;

    RawCaffeine(long maximumSize, Duration ttl) {
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(ttl)
                .build();
    }

    @Override
    public void seed(String key, String value) {
        cache.put(key, value);
    }

    @Override
    public String read(String key) {
        return required(key);
    }

    @Override
    public void modify(String key, String value) {
        required(key);
        cache.put(key, value);
    }

    @Override
    public void create(String key, String value) {
        cache.asMap().putIfAbsent(key, value);
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        String value = required(oldKey);
        cache.asMap().putIfAbsent(newKey, value);
        cache.invalidate(oldKey);
    }

    @Override
    public void delete(String key) {
        cache.invalidate(key);
    }

    private String required(String key) {
        String v = cache.getIfPresent(key);
        if (v == null) {
            throw new IllegalStateException("raw caffeine: key vanished");
        }
        return v;
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
