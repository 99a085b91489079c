package io.sessionkit.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** Raw Caffeine: getIfPresent + put on a bounded cache with an expiry, as small as an in-process session map gets. */
final class RawCaffeine extends RawClient<String> {
    private final Cache<String, String> cache;

    RawCaffeine(long maximumSize, Duration ttl) {
        super("raw caffeine");
        this.cache = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .expireAfterWrite(ttl)
                .build();
    }

    @Override
    @Nullable
    String find(String key) {
        return cache.getIfPresent(key);
    }

    @Override
    String text(String found) {
        return found;
    }

    @Override
    boolean replace(String key, String found, String value) {
        cache.put(key, value);
        return true;
    }

    @Override
    boolean insert(String key, String value) {
        return cache.asMap().putIfAbsent(key, value) == null;
    }

    @Override
    void delete(String key) {
        cache.invalidate(key);
    }

    @Override
    public void close() {
        cache.invalidateAll();
    }
}
