package io.sessionkit.mongo;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.Optional;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance kit on {@link MongoSessionStore}, against the server {@link SharedMongo} resolves (the test
 * output names it). Each test gets its own collection in a database this class drops when done.
 */
class MongoConformanceTest extends SessionStoreConformanceKit {
    private static SharedMongo mongo;
    private static String database;

    @BeforeAll
    static void server() {
        mongo = SharedMongo.get();
        database = SharedMongo.newDatabaseName();
    }

    @AfterAll
    static void dropDatabase() {
        mongo.dropDatabase(database);
    }

    @Override
    protected SessionStore createStore(TckContext context) {
        return MongoSessionStore.builder()
                .uri(mongo.uri)
                .database(database)
                .collection("sessions_" + context.namespace())
                .clock(context.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        String collection = MongoBackdoor.collectionName((MongoSessionStore) store);
        return Optional.of(
                new MongoBackdoor(mongo.client.getDatabase(database).getCollection(collection, BsonDocument.class)));
    }
}
