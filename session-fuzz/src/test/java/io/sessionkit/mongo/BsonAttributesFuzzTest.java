package io.sessionkit.mongo;

import static io.sessionkit.Decoding.tolerated;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sessionkit.SessionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.bson.BSONException;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.codecs.DecoderContext;

/**
 * {@link BsonAttributes} both ways: any BSON document a MongoDB server could return (read from the input by the
 * driver's own reader) through the store's document decoder, and any JSON text a record could carry into BSON.
 */
class BsonAttributesFuzzTest {
    private static final SessionKey KEY = new SessionKey(SessionKey.hash("fuzz"));
    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();

    /** The input as a BSON document (the session document, or its {@code attrs}), decoded by the store. */
    @FuzzTest
    void bsonBytes(byte[] data) {
        if (!BsonLengths.plausible(data)) {
            // Lengths no server would send: the driver would allocate what they say before reading (README, finding 2).
            return;
        }
        BsonDocument doc;
        try (BsonBinaryReader reader = new BsonBinaryReader(ByteBuffer.wrap(data))) {
            doc = CODEC.decode(reader, DecoderContext.builder().build());
        } catch (BSONException | IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException notBson) {
            // The driver refuses these bytes before SessionKit sees a document.
            return;
        }
        tolerated(() -> MongoSessionStore.fromDocument(KEY, doc));
        tolerated(() -> {
            String json = BsonAttributes.toJson(doc);
            // What the decoder writes is JSON the encoder takes back (or refuses as too deep for MongoDB).
            tolerated(() -> BsonAttributes.toBson(json));
        });
    }

    /** The input as attributes text (UTF-8) on its way into a document; what converts comes back the same. */
    @FuzzTest
    void jsonToBson(byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        tolerated(() -> {
            BsonDocument doc = BsonAttributes.toBson(json);
            assertThat(BsonAttributes.toBson(BsonAttributes.toJson(doc))).isEqualTo(doc);
        });
    }
}
