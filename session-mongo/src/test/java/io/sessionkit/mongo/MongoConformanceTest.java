package io.sessionkit.mongo;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole conformance kit on {@link MongoSessionStore}, against the server {@link SharedMongo} resolves (the test
 * output names it). Each test gets its own collection in a database this class drops when done.
 */
class MongoConformanceTest extends SessionStoreConformanceKit {
    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @Override
    protected SessionStore createStore(TckContext context) {
        return db.store("sessions_" + context.namespace())
                .clock(context.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        String collection = MongoBackdoor.collectionName((MongoSessionStore) store);
        return Optional.of(new MongoBackdoor(db.raw(collection)));
    }
}
