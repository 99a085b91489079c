package io.sessionkit.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.sessionkit.SessionKey;
import io.sessionkit.tck.StoreBackdoor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Optional;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;

/**
 * Looks at the documents a {@link MongoSessionStore} wrote, through a raw collection of the same namespace: every
 * document as JSON, a hand edit that breaks one, and the TTL index's expiry.
 *
 * <p>Public, and shipped in this module's test-jar, so session-reliability reuses it instead of re-deriving the layout.
 */
public final class MongoBackdoor implements StoreBackdoor {
    private final MongoCollection<BsonDocument> raw;

    /** {@code raw} is the store's collection read as plain BSON documents (e.g. opened with a client of the test's own). */
    public MongoBackdoor(MongoCollection<BsonDocument> raw) {
        this.raw = raw;
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
        return ttlSeconds.map(
                s -> Instant.ofEpochMilli(doc.getDateTime("e").getValue()).plusSeconds(s));
    }
}
