package io.sessionkit.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole conformance kit on {@link MongoSessionStore}, against the server {@link TestMongo} resolves (the test
 * output names it). Each test gets its own collection in a database this class drops when done.
 */
class MongoConformanceTest extends SessionStoreConformanceKit {
    private static TestMongo mongo;
    private static String database;

    @BeforeAll
    static void server() {
        mongo = TestMongo.get();
        database = TestMongo.newDatabaseName();
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
        String collection = ((MongoSessionStore) store).collection().getNamespace().getCollectionName();
        MongoCollection<BsonDocument> raw = mongo.client.getDatabase(database).getCollection(collection, BsonDocument.class);
        return Optional.of(new StoreBackdoor() {
            @Override
            public String dump() {
                return raw.find().map(BsonDocument::toJson).into(new ArrayList<>()).stream().collect(Collectors.joining("\n"));
            }

            @Override
            public void corrupt(SessionKey key) {
                // What a hand edit in the shell can leave behind: attrs no longer a sub-document.
                raw.updateOne(Filters.eq("_id", key.value()), Updates.set("attrs", "{\"truncated\": [1, 2"));
            }

            @Override
            public Optional<Instant> nativeExpiry(SessionKey key) {
                BsonDocument doc = raw.find(Filters.eq("_id", key.value())).first();
                if (doc == null || !doc.isDateTime("e")) {
                    return Optional.empty();
                }
                Optional<Long> ttlSeconds = raw.listIndexes(BsonDocument.class).into(new ArrayList<>()).stream()
                        .filter(i -> i.getDocument("key").equals(new BsonDocument("e", new BsonInt32(1))))
                        .map(i -> i.get("expireAfterSeconds"))
                        .filter(v -> v != null && v.isNumber())
                        .map(BsonValue::asNumber)
                        .map(n -> n.longValue())
                        .findFirst();
                return ttlSeconds.map(s -> Instant.ofEpochMilli(doc.getDateTime("e").getValue()).plusSeconds(s));
            }
        });
    }
}
