package io.sessionkit.memcached;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.Optional;

/**
 * The whole conformance kit on a real memcached ({@code SESSIONKIT_TEST_MEMCACHED}, else 127.0.0.1:11211, else one
 * started for the run). Each test gets its own key prefix, so tests sharing the server never see each other's items.
 */
class MemcachedConformanceTest extends SessionStoreConformanceKit {

    @Override
    protected SessionStore createStore(TckContext context) {
        return SharedMemcached.store("sktck:" + context.namespace() + ":", context.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new MemcachedBackdoor((MemcachedSessionStore) store));
    }
}
