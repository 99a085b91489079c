package io.sessionkit.mongo;

import com.mongodb.client.MongoCollection;
import org.bson.BsonDocument;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of one test class's own on the {@link SharedMongo} server, dropped when the class is done. Register it as
 * {@code @RegisterExtension static final TestDatabase db = new TestDatabase();} and open stores and raw collections
 * on it with {@link #store} and {@link #raw}.
 */
final class TestDatabase implements BeforeAllCallback, AfterAllCallback {
    private SharedMongo mongo;
    private String name;

    @Override
    public void beforeAll(ExtensionContext context) {
        mongo = SharedMongo.get();
        name = SharedMongo.newDatabaseName();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        mongo.dropDatabase(name);
    }

    SharedMongo mongo() {
        return mongo;
    }

    String name() {
        return name;
    }

    /** A store builder on {@code collection} of this database, through the shared server's URI. */
    MongoSessionStore.Builder store(String collection) {
        return MongoSessionStore.builder().uri(mongo.uri).database(name).collection(collection);
    }

    /** {@code collection} of this database as the shell sees it, on the shared client. */
    MongoCollection<BsonDocument> raw(String collection) {
        return mongo.client.getDatabase(name).getCollection(collection, BsonDocument.class);
    }
}
