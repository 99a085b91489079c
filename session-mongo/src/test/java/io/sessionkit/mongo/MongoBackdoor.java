package io.sessionkit.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.testing.BadRecordWriter;
import io.sessionkit.testing.Corruption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * Looks at the documents a {@link MongoSessionStore} wrote, through a raw collection of the same namespace: every
 * document as JSON, hand edits that break one (every {@link Corruption} kind a document can hold: documents, not text,
 * so nothing is truncated mid-JSON), and the TTL index's expiry.
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class MongoBackdoor implements StoreBackdoor, BadRecordWriter.OverTypedFields {
    private final MongoCollection<BsonDocument> raw;

    /** {@code raw} is the store's collection read as plain BSON documents (e.g. opened with a client of the test's own). */
    public MongoBackdoor(MongoCollection<BsonDocument> raw) {
        this.raw = raw;
    }

    /** A backdoor on {@code store}'s own collection ({@code store} opened from configuration). */
    public static MongoBackdoor of(SessionStore store) {
        return new MongoBackdoor(((MongoSessionStore) store).collection());
    }

    /** The name of {@code store}'s collection, to open {@code raw} on another client. */
    public static String collectionName(MongoSessionStore store) {
        return store.collection().getNamespace().getCollectionName();
    }

    @Override
    public String dump() {
        return raw.find().map(BsonDocument::toJson).into(new ArrayList<>()).stream()
                .collect(Collectors.joining("\n"));
    }

    /** What a hand edit in the shell can leave behind: attrs no longer a sub-document. */
    @Override
    public void corrupt(SessionKey key) {
        corrupt(key, Corruption.WRONG_FIELD_TYPE);
    }

    /**
     * {@code v} a word; another application's document under the id (keeping {@code e}, so it stays live); {@code attrs}
     * a string and {@code mi} negative.
     */
    @Override
    public void corrupt(SessionKey key, Corruption kind) {
        BsonDocument doc = raw.find(Filters.eq("_id", key.value())).first();
        if (doc == null) {
            throw new IllegalStateException("no document for " + key.shortForm());
        }
        BsonDocument bad = switch (kind) {
            case WRONG_VERSION_FIELD -> doc.clone().append("v", new BsonString("three"));
            case FOREIGN_DATA ->
                new BsonDocument("_id", doc.get("_id"))
                        .append("e", doc.get("e"))
                        .append("cart", new BsonString("another application's document"));
            case WRONG_FIELD_TYPE ->
                doc.clone().append("attrs", new BsonString("not a document")).append("mi", new BsonInt64(-5));
            case TRUNCATED_JSON -> throw new IllegalArgumentException(kind + ": a document cannot be cut mid-JSON");
        };
        raw.replaceOne(Filters.eq("_id", key.value()), bad);
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
        return ttlSeconds.map(
                s -> Instant.ofEpochMilli(doc.getDateTime("e").getValue()).plusSeconds(s));
    }
}
