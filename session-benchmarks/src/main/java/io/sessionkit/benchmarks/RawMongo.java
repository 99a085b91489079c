package io.sessionkit.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.jspecify.annotations.Nullable;

/**
 * Raw MongoDB driver with the store's write concern ({@code majority}): find; find + replaceOne; insertOne;
 * find + insertOne + deleteOne. The document holds the session JSON as one string field plus a version and an expiry.
 */
final class RawMongo extends RawClient<Document> {
    private final MongoClient client;
    private final MongoCollection<Document> sessions;
    private final long ttlMillis;

    RawMongo(String uri, String database, String collection, long ttlMillis) {
        super("raw mongo");
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToSocketSettings(
                        s -> s.connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS))
                .applyToClusterSettings(s -> s.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build());
        this.sessions = client.getDatabase(database).getCollection(collection).withWriteConcern(WriteConcern.MAJORITY);
        this.ttlMillis = ttlMillis;
    }

    @Override
    @Nullable
    Document find(String key) {
        return sessions.find(Filters.eq("_id", key)).first();
    }

    @Override
    String text(Document found) {
        return found.getString("data");
    }

    @Override
    boolean replace(String key, Document found, String value) {
        return sessions.replaceOne(Filters.eq("_id", key), doc(key, found.getLong("v") + 1, value))
                        .getMatchedCount()
                == 1;
    }

    @Override
    boolean insert(String key, String value) {
        sessions.insertOne(doc(key, 1, value)); // a taken key throws a duplicate key error
        return true;
    }

    @Override
    void delete(String key) {
        sessions.deleteOne(Filters.eq("_id", key));
    }

    private Document doc(String key, long version, String value) {
        return new Document("_id", key)
                .append("v", version)
                .append("e", Instant.now().plusMillis(ttlMillis))
                .append("data", value);
    }

    @Override
    public void close() {
        client.close();
    }
}
