package io.sessionkit.mongo;

import io.sessionkit.SessionStore;
import io.sessionkit.testing.EncryptedStores;
import java.util.function.UnaryOperator;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): MongoDB's store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
class EncryptedMongoConformanceTest extends MongoConformanceTest {

    @Override
    protected UnaryOperator<SessionStore> layer() {
        return EncryptedStores.ENCRYPTION::wrap;
    }
}
