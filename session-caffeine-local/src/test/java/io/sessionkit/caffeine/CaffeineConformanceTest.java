package io.sessionkit.caffeine;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.Optional;

/** The whole conformance kit on the in-process Caffeine store. */
class CaffeineConformanceTest extends SessionStoreConformanceKit {

    @Override
    protected SessionStore createStore(TckContext context) {
        return CaffeineSessionStore.builder()
                .clock(context.clock())
                .maximumSize(10_000)
                .build();
    }

    /** One process, one clock: there is no second node to disagree with (rules 14.2-14.4). */
    @Override
    protected boolean sharedByNodes() {
        return false;
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new CaffeineBackdoor((CaffeineSessionStore) store, clock));
    }
}
