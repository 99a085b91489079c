package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.testing.EncryptedStores;
import java.util.function.UnaryOperator;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): standalone Redis's store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
class EncryptedRedisConformanceTest extends RedisConformanceTest {

    @Override
    protected UnaryOperator<SessionStore> layer() {
        return EncryptedStores.ENCRYPTION::wrap;
    }
}
