package io.sessionkit.memcached;

import io.sessionkit.SessionStore;
import io.sessionkit.testing.EncryptedStores;
import java.util.function.UnaryOperator;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): memcached's store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
class EncryptedMemcachedConformanceTest extends MemcachedConformanceTest {

    @Override
    protected UnaryOperator<SessionStore> layer() {
        return EncryptedStores.ENCRYPTION::wrap;
    }
}
