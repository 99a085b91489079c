package io.sessionkit.caffeine;

import io.sessionkit.SessionStore;
import io.sessionkit.testing.EncryptedStores;
import java.util.function.UnaryOperator;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): the in-process Caffeine's store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
class EncryptedCaffeineConformanceTest extends CaffeineConformanceTest {

    @Override
    protected UnaryOperator<SessionStore> layer() {
        return EncryptedStores.ENCRYPTION::wrap;
    }
}
