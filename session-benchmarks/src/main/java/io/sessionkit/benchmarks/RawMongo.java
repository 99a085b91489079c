package io.sessionkit.benchmarks;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Raw MongoDB driver with the store's write concern ({@code majority}): find; find + replaceOne; insertOne;
 * find + insertOne + deleteOne. The document holds the session JSON as one string field plus a version and an expiry.
 */
final class RawMongo implements RawClient {
    private final MongoClient client;
    private final MongoCollection<Document> sessions;
    private final long ttlMillis;

    RawMongo(String uri, String database, String collection, long ttlMillis) {
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
    public void seed(String key, String value) {
        sessions.replaceOne(Filters.eq("_id", key), doc(key, 1, value), new ReplaceOptions().upsert(true));
    }

    @Override
    public String read(String key) {
        return required(key).getString("data");
    }

    @Override
    public void modify(String key, String value) {
        Document current = required(key);
        if (sessions.replaceOne(Filters.eq("_id", key), doc(key, current.getLong("v") + 1, value))
                        .getMatchedCount()
                != 1) {
            throw new IllegalStateException("raw mongo: document vanished");
        }
    }

    @Override
    public void create(String key, String value) {
        sessions.insertOne(doc(key, 1, value));
    }

    @Override
    public void rotate(String oldKey, String newKey) {
        sessions.insertOne(doc(newKey, 1, required(oldKey).getString("data")));
        sessions.deleteOne(Filters.eq("_id", oldKey));
    }

    @Override
    public void delete(String key) {
        sessions.deleteOne(Filters.eq("_id", key));
    }

    private Document required(String key) {
        Document d = sessions.find(Filters.eq("_id", key)).first();
        if (d == null) {
            throw new IllegalStateException("raw mongo: document vanished");
        }
        return d;
    }

    private Document doc(String key, long version, String value) {
        return new Document("_id", key)
                .append("v", version)
                .append("e", new Date(System.currentTimeMillis() + ttlMillis))
                .append("data", value);
    }

    @Override
    public void close() {
        client.close();
    }
}
