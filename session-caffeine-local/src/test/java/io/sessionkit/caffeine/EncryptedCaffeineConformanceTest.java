package io.sessionkit.caffeine;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.EncryptedStores;
import java.util.Optional;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): the in-process Caffeine's store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
class EncryptedCaffeineConformanceTest extends CaffeineConformanceTest {

    @Override
    protected SessionStore createStore(TckContext context) {
        return EncryptedStores.wrap(super.createStore(context));
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return super.backdoor(EncryptedStores.inner(store));
    }
}
