package io.sessionkit.memcached;

import io.sessionkit.testing.TestServers;
import java.time.Clock;

/**
 * The memcached the tests share ({@link TestServers#memcachedServers()}): a test's stores live on it under a key
 * prefix of the test's own, so tests sharing the server never see each other's items.
 */
final class SharedMemcached {
    private SharedMemcached() {}

    /** A store builder on the shared servers, for the items under {@code keyPrefix}, on {@code clock}. */
    static MemcachedSessionStore.Builder store(String keyPrefix, Clock clock) {
        return MemcachedSessionStore.builder()
                .servers(TestServers.memcachedServers())
                .keyPrefix(keyPrefix)
                .clock(clock);
    }
}
