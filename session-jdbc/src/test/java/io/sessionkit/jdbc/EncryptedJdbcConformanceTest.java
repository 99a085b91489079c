package io.sessionkit.jdbc;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.EncryptedStores;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole conformance kit with encryption on ({@code sessionkit.encryption.*}, issue 22 item 3): PostgreSQL (one dialect: the SQL is the same with encryption on)'s store behind
 * {@link EncryptedStores#ENCRYPTION}, the backdoor looking at what the backend really holds (ciphertext).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("postgresOnly")
class EncryptedJdbcConformanceTest extends JdbcConformanceTest {

    @Override
    protected SessionStore createStore(TckContext context) {
        return EncryptedStores.wrap(super.createStore(context));
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return super.backdoor(EncryptedStores.inner(store));
    }

    static List<Database> postgresOnly() {
        return List.of(Database.POSTGRESQL);
    }
}
