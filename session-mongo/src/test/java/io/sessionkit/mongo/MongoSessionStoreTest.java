package io.sessionkit.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the conformance kit cannot see: the document as the mongo shell shows it, indexes, config and timeouts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoSessionStoreTest {
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private static TestMongo mongo;
    private static String database;
    private static int collections;

    private final MutableClock clock = MutableClock.startingNow();
    private final List<SessionStore> opened = new ArrayList<>();
    private MongoSessionStore store;
    private MongoCollection<BsonDocument> raw;

    @BeforeAll
    static void server() {
        mongo = TestMongo.get();
        database = TestMongo.newDatabaseName();
    }

    @AfterAll
    static void dropDatabase() {
        mongo.dropDatabase(database);
    }

    @BeforeEach
    void open() {
        String collection = "c" + (++collections);
        store = track(MongoSessionStore.builder().uri(mongo.uri).database(database).collection(collection).clock(clock).build());
        raw = mongo.client.getDatabase(database).getCollection(collection, BsonDocument.class);
    }

    @AfterEach
    void close() {
        opened.forEach(SessionStore::close);
    }

    private <S extends SessionStore> S track(S s) {
        opened.add(s);
        return s;
    }

    private SessionRecord record(String principal, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(SessionId.generate().key(), 1, now, now, Duration.ofMinutes(30), now.plus(Duration.ofMinutes(30)),
                principal, attributes);
    }

    private BsonDocument rawDocument(SessionRecord r) {
        BsonDocument doc = raw.find(Filters.eq("_id", r.key().value())).first();
        assertThat(doc).as("document of %s", r).isNotNull();
        return doc;
    }

    @Test
    void documentIsNativeAndReadableInTheShell() {
        SessionRecord r = record("alice", "{\"cart\":[\"apple\",\"pear\"],\"n\":{\"deep\":true}}");
        assertThat(store.create(r)).isTrue();
        BsonDocument doc = rawDocument(r);
        assertThat(doc.keySet()).containsExactly("_id", "fmt", "v", "p", "c", "a", "e", "mi", "attrs");
        assertThat(doc.getString("_id").getValue()).isEqualTo(r.key().value());
        assertThat(doc.getInt32("fmt").getValue()).isEqualTo(1);
        assertThat(doc.getInt64("v").getValue()).isEqualTo(1);
        assertThat(doc.getString("p").getValue()).isEqualTo("alice");
        assertThat(doc.getDateTime("c").getValue()).isEqualTo(r.createdAt().toEpochMilli());
        assertThat(doc.getDateTime("a").getValue()).isEqualTo(r.lastAccessedAt().toEpochMilli());
        assertThat(doc.getDateTime("e").getValue()).isEqualTo(r.expiresAt().toEpochMilli());
        assertThat(doc.getInt32("mi").getValue()).isEqualTo(1800);
        assertThat(doc.getDocument("attrs")).isEqualTo(BsonDocument.parse("{cart: ['apple', 'pear'], n: {deep: true}}"));
    }

    @Test
    void jsonNumbersMapToFaithfulBsonTypesAndBack() throws Exception {
        String json = "{\"int\":42,\"long\":9223372036854775807,\"min\":-9223372036854775808,\"big\":1180591620717411303424,"
                + "\"tenth\":0.1,\"huge\":1e308,\"tiny\":-2.5e-300,\"half\":1.5,"
                + "\"precise\":12345678901234567890.1234567891,\"money\":0.40}";
        SessionRecord r = record(null, json);
        store.create(r);
        BsonDocument attrs = rawDocument(r).getDocument("attrs");
        Map<String, BsonType> types = new HashMap<>();
        attrs.forEach((k, v) -> types.put(k, v.getBsonType()));
        assertThat(types).containsEntry("int", BsonType.INT32)
                .containsEntry("long", BsonType.INT64)
                .containsEntry("min", BsonType.INT64)
                .containsEntry("big", BsonType.DECIMAL128)
                .containsEntry("tenth", BsonType.DOUBLE)
                .containsEntry("huge", BsonType.DOUBLE)
                .containsEntry("tiny", BsonType.DOUBLE)
                .containsEntry("half", BsonType.DOUBLE)
                .containsEntry("precise", BsonType.DECIMAL128)
                .containsEntry("money", BsonType.DOUBLE);
        JsonNode back = EXACT.readTree(store.load(r.key()).orElseThrow().attributes());
        JsonNode sent = EXACT.readTree(json);
        sent.fieldNames().forEachRemaining(name -> {
            assertThat(back.get(name).isIntegralNumber()).as(name).isEqualTo(sent.get(name).isIntegralNumber());
            assertThat(back.get(name).decimalValue()).as(name).isEqualByComparingTo(sent.get(name).decimalValue());
        });
    }

    @Test
    void aNumberDecimal128CannotHoldIsRefusedNotRounded() {
        SessionRecord r = record(null, "{\"d\":1.234567890123456789012345678901234567890}");
        assertThatThrownBy(() -> store.create(r)).isInstanceOf(SessionCodecException.class).hasMessageContaining("34");
        assertThat(raw.countDocuments()).isZero();
    }

    @Test
    void nestingIsBoundedByWhatMongoDbStores() {
        int max = BsonAttributes.MAX_DEPTH;
        SessionRecord deepest = record(null, "{\"v\":" + "[".repeat(max - 1) + "]".repeat(max - 1) + "}");
        assertThat(store.create(deepest)).isTrue();
        assertThat(store.load(deepest.key()).orElseThrow().attributes()).isEqualTo(deepest.attributes());
        SessionRecord tooDeep = record(null, "{\"v\":" + "{\"x\":".repeat(max) + "1" + "}".repeat(max) + "}");
        assertThatThrownBy(() -> store.create(tooDeep)).isInstanceOf(SessionCodecException.class).hasMessageContaining("nest");
        assertThat(raw.countDocuments()).isEqualTo(1);
    }

    @Test
    void aDocumentOverMongosSizeLimitIsTooLargeAndNothingIsWritten() {
        SessionRecord huge = record(null, "{\"big\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}");
        assertThatThrownBy(() -> store.create(huge)).isInstanceOf(SessionTooLargeException.class)
                .hasMessageContaining("16777216").hasMessageNotContaining(huge.key().value());
        assertThat(raw.countDocuments()).isZero();
    }

    @Test
    void fieldNamesMongoTreatsSpeciallyAreEscapedAndRestored() throws Exception {
        String json = "{\"a.b\":1,\"$x\":2,\"50%\":3,\"nul\\u0000\":4,\"mid$dle\":5,\"nested\":{\"$ref\":\"r\",\"$id\":7}}";
        SessionRecord r = record(null, json);
        store.create(r);
        BsonDocument attrs = rawDocument(r).getDocument("attrs");
        assertThat(attrs.keySet()).containsExactly("a%2Eb", "%24x", "50%25", "nul%00", "mid$dle", "nested");
        assertThat(attrs.getDocument("nested").keySet()).containsExactly("%24ref", "%24id");
        assertThat(EXACT.readTree(store.load(r.key()).orElseThrow().attributes())).isEqualTo(EXACT.readTree(json));
    }

    @Test
    void aDocumentWrittenByHandInTheShellIsRead() {
        SessionRecord r = record("bob", "{}");
        store.create(r);
        raw.updateOne(Filters.eq("_id", r.key().value()),
                Updates.set("attrs", BsonDocument.parse("{n: 7, l: NumberLong(8), d: 2.5, s: 'x', list: [1, {k: null}]}")));
        assertThat(store.load(r.key()).orElseThrow().attributes())
                .isEqualTo("{\"n\":7,\"l\":8,\"d\":2.5,\"s\":\"x\",\"list\":[1,{\"k\":null}]}");
    }

    @Test
    void valuesWithoutAJsonFormAndUnknownFormatsAreCodecErrors() {
        SessionRecord withObjectId = record(null, "{}");
        store.create(withObjectId);
        raw.updateOne(Filters.eq("_id", withObjectId.key().value()), Updates.set("attrs.id", new BsonObjectId()));
        assertThatThrownBy(() -> store.load(withObjectId.key())).isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("OBJECT_ID").hasMessageNotContaining(withObjectId.key().value());

        SessionRecord newerFormat = record(null, "{}");
        store.create(newerFormat);
        raw.updateOne(Filters.eq("_id", newerFormat.key().value()), Updates.set("fmt", 2));
        assertThatThrownBy(() -> store.load(newerFormat.key())).isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("format");

        SessionRecord badVersion = record(null, "{}");
        store.create(badVersion);
        raw.updateOne(Filters.eq("_id", badVersion.key().value()), Updates.set("v", "three"));
        assertThatThrownBy(() -> store.load(badVersion.key())).isInstanceOf(SessionCodecException.class);
    }

    @Test
    void indexesAreCreatedIdempotently() {
        track(MongoSessionStore.builder().uri(mongo.uri).database(database).collection(raw.getNamespace().getCollectionName())
                .clock(clock).build());
        List<BsonDocument> indexes = raw.listIndexes(BsonDocument.class).into(new ArrayList<>());
        assertThat(indexes).anySatisfy(i -> {
            assertThat(i.getDocument("key")).isEqualTo(new BsonDocument("e", new BsonInt32(1)));
            assertThat(i.get("expireAfterSeconds").asNumber().longValue()).isZero();
        });
        assertThat(indexes).anySatisfy(i -> assertThat(i.getDocument("key")).isEqualTo(new BsonDocument("p", new BsonInt32(1))));
        assertThat(indexes).hasSize(3);
    }

    @Test
    void anExpiredDocumentTheTtlMonitorHasNotRemovedIsOverwrittenByCreate() {
        SessionRecord old = record("old", "{\"old\":true}");
        store.create(old);
        clock.advance(Duration.ofMinutes(30));
        Instant now = clock.instant();
        SessionRecord fresh = new SessionRecord(old.key(), 1, now, now, Duration.ofMinutes(30), now.plus(Duration.ofMinutes(30)), null,
                "{\"new\":true}");
        assertThat(raw.countDocuments()).as("still physically present").isEqualTo(1);
        assertThat(store.create(fresh)).isTrue();
        assertThat(store.create(fresh)).as("now live").isFalse();
        BsonDocument doc = rawDocument(fresh);
        assertThat(doc.get("p").isNull()).isTrue();
        assertThat(doc.getDocument("attrs").keySet()).containsExactly("new");
    }

    @Test
    void replaceTellsConflictFromGoneWithoutResurrecting() {
        SessionRecord r = record(null, "{\"n\":1}");
        store.create(r);
        SessionRecord v2 = r.withVersion(2);
        assertThat(store.replace(v2, 1)).isEqualTo(ReplaceResult.OK);
        assertThat(store.replace(v2, 1)).isEqualTo(ReplaceResult.CONFLICT);
        clock.advance(Duration.ofMinutes(30));
        assertThat(store.replace(v2.withVersion(3), 2)).isEqualTo(ReplaceResult.GONE);
        assertThat(rawDocument(r).getInt64("v").getValue()).isEqualTo(2);
    }

    @Test
    void purgeAndPrincipalLookupUseTheStoreClock() {
        SessionRecord a = record("carol", "{}");
        store.create(a);
        clock.advance(Duration.ofMinutes(20));
        SessionRecord b = record("carol", "{}");
        store.create(b);
        clock.advance(Duration.ofMinutes(15));
        assertThat(store.findByPrincipal("carol")).extracting(SessionRecord::key).containsExactly(b.key());
        assertThat(store.purgeExpired()).isEqualTo(1);
        assertThat(raw.countDocuments()).isEqualTo(1);
        assertThat(store.features()).containsExactlyInAnyOrder(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED);
    }

    @Test
    void defaultsAreMajorityWritesWithWtimeoutAndPrimaryReads() {
        assertThat(store.collection().getWriteConcern())
                .isEqualTo(WriteConcern.MAJORITY.withWTimeout(MongoSessionStore.DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        assertThat(store.collection().getReadPreference()).isEqualTo(ReadPreference.primary());
    }

    @Test
    void aClientPassedInIsUsedAndLeftOpen() {
        MongoSessionStore onClient = MongoSessionStore.builder().client(mongo.client).database(database)
                .collection(raw.getNamespace().getCollectionName()).clock(clock).build();
        SessionRecord r = record(null, "{}");
        assertThat(onClient.create(r)).isTrue();
        onClient.close();
        onClient.close();
        assertThat(raw.countDocuments(Filters.eq("_id", r.key().value()))).as("client still open").isEqualTo(1);
        assertThat(onClient.toString()).contains(mongo.uri.substring("mongodb://".length()));
    }

    @Test
    void theProviderIsDiscoveredAndReadsItsKeys() {
        SessionKitConfig config = SessionKitConfig.of(Map.of(
                "sessionkit.store", "mongo",
                "sessionkit.mongo.uri", mongo.uri,
                "sessionkit.mongo.database", database,
                "sessionkit.mongo.collection", "provider",
                "sessionkit.mongo.timeout", "3s",
                "sessionkit.mongo.write-concern", "1",
                "sessionkit.mongo.read-preference", "primary-preferred")).withClock(clock);
        assertThat(ServiceLoader.load(SessionStoreProvider.class).stream().map(p -> p.get().name())).contains("mongo");
        MongoSessionStore opened = (MongoSessionStore) track(SessionStores.open(config));
        assertThat(opened.collection().getNamespace().getFullName()).isEqualTo(database + ".provider");
        assertThat(opened.collection().getWriteConcern()).isEqualTo(new WriteConcern(1).withWTimeout(3000, TimeUnit.MILLISECONDS));
        assertThat(opened.collection().getReadPreference()).isEqualTo(ReadPreference.primaryPreferred());
        SessionRecord r = record(null, "{}");
        assertThat(opened.create(r)).isTrue();
        assertThat(opened.load(r.key())).isPresent();
    }

    @Test
    void badConfigValuesNameTheirKey() {
        Map<String, String> bad = Map.of(
                "sessionkit.mongo.timeout", "0ms",
                "sessionkit.mongo.connect-timeout", "soon",
                "sessionkit.mongo.write-concern", "0",
                "sessionkit.mongo.read-preference", "sideways",
                "sessionkit.mongo.uri", "http://example.com",
                "sessionkit.mongo.create-indexes", "maybe",
                "sessionkit.mongo.database", "no/slash",
                "sessionkit.mongo.collection", "$cmd");
        MongoSessionStoreProvider provider = new MongoSessionStoreProvider();
        bad.forEach((key, value) -> assertThatThrownBy(() -> provider.create(SessionKitConfig.of(Map.of(key, value))))
                .as(key).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key));
        assertThatThrownBy(() -> MongoSessionStore.builder().writeConcern(WriteConcern.UNACKNOWLEDGED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MongoSessionStore.builder().timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nobodyListeningIsUnavailableNamingServerAndOperation() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closedPort = port;
        assertThatThrownBy(() -> MongoSessionStore.builder().uri("mongodb://127.0.0.1:" + closedPort)
                .connectTimeout(Duration.ofMillis(200)).timeout(Duration.ofMillis(500)).build())
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort).hasMessageContaining("createIndexes");
        MongoSessionStore lazy = track(MongoSessionStore.builder().uri("mongodb://127.0.0.1:" + closedPort).createIndexes(false)
                .connectTimeout(Duration.ofMillis(200)).timeout(Duration.ofMillis(500)).build());
        SessionRecord r = record(null, "{}");
        assertThatThrownBy(() -> lazy.load(r.key())).isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("load of session " + r.key().shortForm())
                .hasMessageNotContaining(r.key().value());
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        Socket s = silent.accept();
                        accepted.add(s);
                        InputStream in = s.getInputStream();
                        Thread reader = new Thread(() -> drain(in), "silent-server-reader");
                        reader.setDaemon(true);
                        reader.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            MongoSessionStore stuck = track(MongoSessionStore.builder().uri("mongodb://127.0.0.1:" + silent.getLocalPort())
                    .createIndexes(false).connectTimeout(Duration.ofMillis(300)).timeout(Duration.ofMillis(800)).build());
            SessionRecord r = record(null, "{}");
            assertThatThrownBy(() -> stuck.create(r)).isInstanceOf(SessionStoreUnavailableException.class)
                    .hasMessageContaining("create of session " + r.key().shortForm());
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private static void drain(InputStream in) {
        byte[] buf = new byte[4096];
        try {
            while (in.read(buf) >= 0) {
                // read and never answer
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        SessionRecord r = record(null, "{}");
        store.close();
        assertThatThrownBy(() -> store.load(r.key())).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
