package io.sessionkit.mongo;

import static java.util.Objects.requireNonNull;

import com.mongodb.ConnectionString;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteException;
import com.mongodb.ReadPreference;
import com.mongodb.ServerAddress;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.DeleteResult;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.connection.ClusterDescription;
import com.mongodb.connection.ServerDescription;
import com.mongodb.event.ClusterDescriptionChangedEvent;
import com.mongodb.event.ClusterListener;
import io.sessionkit.BuilderChecks;
import io.sessionkit.ExpiredSession;
import io.sessionkit.KeysetCursor;
import io.sessionkit.ProviderConfig;
import io.sessionkit.ReplaceResult;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFailures;
import io.sessionkit.StoreFeature;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonInvalidOperationException;
import org.bson.BsonMaximumSizeExceededException;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.conversions.Bson;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionStore} on MongoDB: one document per session in one collection,
 *
 * <pre>{_id: "&lt;hashed key&gt;", fmt: 1, v: NumberLong(3), p: "alice", c: ISODate(..), a: ISODate(..),
 *  e: ISODate(..), mi: 1800, attrs: {cart: [1, 2]}}</pre>
 *
 * where {@code c}, {@code a} and {@code e} are the created, last-access and expiry instants (millisecond BSON dates),
 * {@code mi} the idle timeout in seconds, {@code p} the principal or null, and {@code attrs} the attributes as a native
 * sub-document (see the module README for the exact mapping of JSON numbers to BSON types).
 *
 * <p>Every operation is one command: load is {@code find({_id, e: {$gt: now}, ct: {$exists: false}})}, create is
 * {@code replaceOne({_id, $or: [{e: {$lte: now}}, {ct: {$exists: true}}]}, doc, upsert)} (a live record makes the
 * upsert collide on {@code _id}, which is reported as "exists"; an expired or claimed record not yet removed is
 * overwritten), replace is {@code replaceOne({_id, v: expected, e: {$gt: now}, ct: {$exists: false}}, doc)} (when it
 * matches nothing, one more {@code find} tells CONFLICT from GONE), delete is {@code deleteOne({_id})}. "Now" is the
 * store's {@link Clock}.
 *
 * <p>At start the store creates, idempotently, a TTL index on {@code e} ({@code expireAfterSeconds} = the expiry
 * grace + the expired retention, 60 s + 5 min by default) and an index on {@code p}. The TTL monitor only collects
 * garbage (it runs about once a minute, on the server's clock); expiry as callers see it is decided by the
 * {@code e > now} filters. Declares {@link StoreFeature#PRINCIPAL_INDEX}, {@link StoreFeature#PURGE_EXPIRED} and
 * {@link StoreFeature#EXPIRY_EVENTS}: a sweep claims a document expired by more than the grace by marking it with
 * {@code cu} (claimed until) and {@code ct} (the claim's token), reports it and deletes it, all before the TTL
 * monitor would; {@code e} is never moved, and a document with a claim token is never loaded, replaced or found by
 * principal.
 *
 * <p>Timeouts are always finite: connect, socket read, server selection and connection-pool wait are bounded by
 * {@link Builder#connectTimeout} and {@link Builder#timeout}, and the write concern carries {@code wtimeout}. With a
 * {@linkplain Builder#client(MongoClient) client passed in}, its own socket and selection timeouts apply; the store
 * still applies its write concern and read preference to its collection. Driver failures surface as
 * {@link SessionStoreUnavailableException}, documents it cannot read as {@link SessionCodecException}.
 *
 * <p>It does not encrypt documents, manage the MongoDB user's privileges, or run transactions: each operation is a
 * single-document atomic command.
 */
public final class MongoSessionStore implements SessionStore {
    /** Where to connect when neither a URI nor a client is given. */
    public static final String DEFAULT_URI = "mongodb://127.0.0.1:27017";
    /** The database of the sessions collection. */
    public static final String DEFAULT_DATABASE = "sessionkit";
    /** The sessions collection. */
    public static final String DEFAULT_COLLECTION = "sessions";
    /** How long opening a TCP connection (and the TLS handshake) may take. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long one operation may wait: for a server to be selected, for a pooled connection, for the server's reply
     * on the socket, and for the write concern ({@code wtimeout}).
     */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Writes are acknowledged by a majority of the replica set, so a failover cannot roll a session back. */
    public static final WriteConcern DEFAULT_WRITE_CONCERN = WriteConcern.MAJORITY;
    /** Reads go to the primary, so a request sees the write the previous request made. */
    public static final ReadPreference DEFAULT_READ_PREFERENCE = ReadPreference.primary();
    /**
     * How long past {@code e} a document stays before MongoDB's TTL monitor or {@link #purgeExpired()} may remove it
     * (the TTL index's {@code expireAfterSeconds}): the clock skew between nodes, and between a node and the server,
     * that loses no session. Also the smallest grace accepted.
     */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofSeconds(60);

    /**
     * How long past {@code e + expiryGrace} a document stays for a sweep to claim it ({@link #claimExpired}) and report
     * it with its principal: the TTL index's {@code expireAfterSeconds} is {@code expiryGrace + expiredRetention}.
     */
    public static final Duration DEFAULT_EXPIRED_RETENTION = Duration.ofMinutes(5);

    /** The claim marker's fields: claimed until (a BSON date) and the claim's token (a string). */
    static final String CLAIMED_UNTIL = "cu";

    static final String CLAIM_TOKEN = "ct";

    /** The format version written in {@code fmt}; documents with another value are refused. */
    static final int FORMAT = 1;

    /** MongoDB's maximum document size, 16 MiB. */
    static final long MAX_DOCUMENT_SIZE = 16L * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger("io.sessionkit.mongo");
    private static final Set<StoreFeature> FEATURES = Set.of(
            StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED, StoreFeature.EXPIRY_EVENTS, StoreFeature.SCAN);

    /** The cursors of {@link #scan}: {@code m1:} and base64url of the last {@code _id} read. */
    private static final String SESSION_KEY_ID = "^[A-Za-z0-9_-]{43}$";

    private static final KeysetCursor SCAN_CURSOR = KeysetCursor.of("m");

    /** A claim re-reads candidates at most this many times when other nodes took some of them meanwhile. */
    private static final int CLAIM_ROUNDS = 4;

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoCollection<BsonDocument> sessions;
    private final Clock clock;
    private final Duration expiryGrace;
    private final Duration expiredRetention;
    private final String server;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Whether the TTL index was checked (at start when the store creates indexes, else at the first claim). */
    private final AtomicBoolean ttlChecked = new AtomicBoolean();

    private MongoSessionStore(Builder b) {
        this.clock = b.clock;
        this.expiryGrace = b.expiryGrace;
        this.expiredRetention = b.expiredRetention;
        ConnectionString uri = null;
        FirstContact firstContact = null;
        if (b.client != null) {
            this.client = b.client;
            this.ownsClient = false;
        } else {
            uri = b.connectionString();
            firstContact = new FirstContact();
            this.client = MongoClients.create(b.settings(uri, firstContact));
            this.ownsClient = true;
        }
        this.server = "MongoDB " + hosts(uri) + "/" + b.database + "." + b.collection;
        try {
            this.sessions = client.getDatabase(b.database)
                    .getCollection(b.collection, BsonDocument.class)
                    .withWriteConcern(b.effectiveWriteConcern())
                    .withReadPreference(b.readPreference);
            if (b.createIndexes) {
                if (firstContact != null) {
                    firstContact.awaitAnyAnswer(b.timeout, hosts(uri), server);
                }
                createIndexes();
                ttlChecked.set(true);
            }
        } catch (RuntimeException e) {
            if (ownsClient) {
                client.close();
            }
            throw e;
        }
        LOG.log(System.Logger.Level.DEBUG, "session store ready on {0}", server);
    }

    /** A builder with every option at its default. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Set<StoreFeature> features() {
        return FEATURES;
    }

    @Override
    public boolean create(SessionRecord record) {
        requireNonNull(record, "record");
        BsonDocument doc = toDocument(record);
        Bson expiredOrAbsent = Filters.and(
                Filters.eq("_id", record.key().value()),
                Filters.or(Filters.lte("e", now()), Filters.exists(CLAIM_TOKEN)));
        return write("create", record.key(), doc, () -> {
            try {
                // One command for all three cases: no document (upsert inserts), an expired or claimed one the TTL
                // monitor has not removed yet (it matches and is overwritten; the new document carries no claim, so
                // the claimer's removeExpired leaves it alone), a live one (no match, so the upsert collides on _id).
                sessions.replaceOne(expiredOrAbsent, doc, new ReplaceOptions().upsert(true));
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return false;
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        requireNonNull(key, "key");
        BsonDocument doc = call(
                "load",
                key,
                () -> sessions.find(Filters.and(Filters.eq("_id", key.value()), live(now())))
                        .limit(1)
                        .first());
        return doc == null ? Optional.empty() : Optional.of(fromDocument(key, doc));
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        requireNonNull(record, "record");
        BsonDocument doc = toDocument(record);
        BsonDateTime now = now();
        String id = record.key().value();
        return write("replace", record.key(), doc, () -> {
            UpdateResult r = sessions.replaceOne(
                    Filters.and(Filters.eq("_id", id), Filters.eq("v", expectedVersion), live(now)), doc);
            if (r.getMatchedCount() == 1) {
                return ReplaceResult.OK;
            }
            // Only on the losing path: a second read tells "someone else wrote" from "it is gone".
            return isLive(id, now) ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
        });
    }

    private boolean isLive(String id, BsonDateTime now) {
        BsonDocument current = sessions.find(Filters.eq("_id", id))
                .projection(Projections.include("e", CLAIM_TOKEN))
                .first();
        return current != null
                && current.isDateTime("e")
                && current.getDateTime("e").getValue() > now.getValue()
                && !current.containsKey(CLAIM_TOKEN);
    }

    /**
     * Live by this store's clock and not claimed by a sweep. A claim only takes documents expired by more than the
     * grace, so the second condition changes nothing for nodes whose clocks agree within it; it keeps a claimed
     * document invisible to a node whose clock is further behind, so that a session reported as expired is never
     * served again.
     */
    private static Bson live(BsonDateTime now) {
        return Filters.and(Filters.gt("e", now), Filters.exists(CLAIM_TOKEN, false));
    }

    @Override
    public void delete(SessionKey key) {
        requireNonNull(key, "key");
        call("delete", key, () -> sessions.deleteOne(Filters.eq("_id", key.value())));
    }

    /**
     * One {@code deleteOne({_id, v: expected, e: {$gt: now}})}; only when it removes nothing, one more {@code find}
     * tells CONFLICT (live, another version) from GONE (absent or expired by this store's clock).
     */
    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        requireNonNull(key, "key");
        BsonDateTime now = now();
        String id = key.value();
        return call("delete", key, () -> {
            DeleteResult r =
                    sessions.deleteOne(Filters.and(Filters.eq("_id", id), Filters.eq("v", expectedVersion), live(now)));
            if (r.getDeletedCount() == 1) {
                return ReplaceResult.OK;
            }
            return isLive(id, now) ? ReplaceResult.CONFLICT : ReplaceResult.GONE;
        });
    }

    /**
     * {@inheritDoc}
     *
     * <p>One {@code find} per page on the {@code _id} index:
     * {@code find({_id: {$gt: last}, e: {$gt: now}, ct: {$exists: false}}).sort({_id: 1}).limit(pageSize)} (the first
     * page {@code $gte: ""}, so only string ids, which every session has, are ranged). The cursor is {@code m1:} and
     * base64url of the last {@code _id} read ({@link KeysetCursor}), valid on every node. Every document live
     * throughout the scan is returned exactly once, as {@code _id}s never change. An undecodable document (a malformed
     * {@code _id}, bad fields) is skipped and logged with {@link StoreFailures#skipped}; the scan moves past it.
     */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        ScanPage.requirePageSize(pageSize);
        String after = SCAN_CURSOR.position(cursor);
        BsonDateTime now = now();
        Bson range = after == null ? Filters.gte("_id", "") : Filters.gt("_id", after);
        // Only ids shaped like a session key: a foreign document with a long _id would make a cursor too long to hand
        // out, and the scan could never move past it. The regex is checked on the index keys the range walks.
        Bson keyShaped = Filters.regex("_id", SESSION_KEY_ID);
        List<BsonDocument> docs = call(
                "scan",
                null,
                () -> sessions.find(Filters.and(range, keyShaped, live(now)))
                        .sort(Sorts.ascending("_id"))
                        .limit(pageSize)
                        .batchSize(pageSize)
                        .into(new ArrayList<>()));
        List<SessionRecord> records = new ArrayList<>(docs.size());
        String last = null;
        for (BsonDocument doc : docs) {
            BsonValue id = doc.get("_id", BsonNull.VALUE);
            if (id.isString()) {
                last = id.asString().getValue();
            }
            addDecoded(records, id, doc, "scan");
        }
        return new ScanPage(
                records, docs.size() == pageSize && last != null && !last.isEmpty() ? SCAN_CURSOR.after(last) : null);
    }

    /** Live sessions of {@code principal}, served by the index on {@code p}. Undecodable documents are skipped. */
    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        requireNonNull(principal, "principal");
        List<BsonDocument> docs = call(
                "findByPrincipal",
                null,
                () -> sessions.find(Filters.and(Filters.eq("p", principal), live(now())))
                        .into(new ArrayList<>()));
        List<SessionRecord> records = new ArrayList<>(docs.size());
        for (BsonDocument doc : docs) {
            // A document always has an _id; were it missing, BsonNull.asString() throws and the document is skipped.
            addDecoded(records, doc.get("_id", BsonNull.VALUE), doc, "findByPrincipal");
        }
        return records;
    }

    /** Adds the record {@code doc} (whose {@code _id} is {@code id}) holds, or logs it as undecodable and skips it. */
    private void addDecoded(List<SessionRecord> records, BsonValue id, BsonDocument doc, String operation) {
        SessionKey key = null;
        try {
            key = new SessionKey(id.asString().getValue());
            records.add(fromDocument(key, doc));
        } catch (SessionCodecException | BsonInvalidOperationException | IllegalArgumentException e) {
            StoreFailures.skipped(LOG, server, operation, key, e);
        }
    }

    /**
     * Deletes every document whose {@code e} is at least the expiry grace before now, as the TTL monitor does (on the
     * server's clock, about once a minute). The grace keeps a node whose clock runs ahead from removing sessions that
     * nodes behind it still serve.
     */
    @Override
    public int purgeExpired() {
        BsonDateTime cutoff =
                new BsonDateTime(clock.instant().minus(expiryGrace).toEpochMilli());
        long n = call(
                "purgeExpired",
                null,
                () -> sessions.deleteMany(Filters.lte("e", cutoff)).getDeletedCount());
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * Claims up to {@code max} documents expired by more than the grace (by this store's clock) that no claim holds, in
     * two commands per batch (three when another node won some of them), none on the request path:
     *
     * <ol>
     *   <li>{@code find({e: {$lt: now - grace}, $or: [{cu: {$exists: false}}, {cu: {$lte: now}}]})}, oldest first,
     *       {@code _id}, {@code p} and {@code e} only, at most {@code max} (served by the index on {@code e});
     *   <li>{@code updateMany({_id: {$in: those}, <the same condition>}, {$set: {cu: now + lease, ct: token}})} with a
     *       fresh random token: the condition is re-checked for each document as it is written, so of two nodes
     *       claiming at once only one marks a document;
     *   <li>only when it marked fewer than it found (another node won the rest): {@code find({_id: {$in: those}, ct:
     *       token})} reads back which ones this claim won.
     * </ol>
     *
     * When other nodes won some of the candidates, the claim looks again (a few rounds at most), so that a node does
     * not stop sweeping early because it lost a race. The claim marker ({@code cu}, {@code ct}) never touches
     * {@code e}: a claimed document stays expired, and {@link #load}, {@link #replace} and {@link #findByPrincipal}
     * skip documents that carry a claim token. When the claimer dies, the lease runs out and another claim takes the
     * document, as long as the TTL monitor has not removed it ({@code e + grace + expiredRetention}).
     */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        BuilderChecks.atLeast("max", max, 1);
        BuilderChecks.positive("lease", lease);
        checkTtlOnce();
        Instant nowInstant = clock.instant();
        BsonDateTime now = new BsonDateTime(nowInstant.toEpochMilli());
        BsonDateTime cutoff = new BsonDateTime(nowInstant.minus(expiryGrace).toEpochMilli());
        BsonDateTime until = new BsonDateTime(nowInstant.plus(lease).toEpochMilli());
        Bson claimable = Filters.and(
                Filters.lt("e", cutoff),
                Filters.or(Filters.exists(CLAIMED_UNTIL, false), Filters.lte(CLAIMED_UNTIL, now)));
        String token = UUID.randomUUID().toString();
        return call("claimExpired", null, () -> {
            List<ExpiredSession> out = new ArrayList<>();
            for (int round = 0; round < CLAIM_ROUNDS && out.size() < max; round++) {
                int wanted = max - out.size();
                List<BsonDocument> candidates = sessions.find(claimable)
                        .sort(Sorts.ascending("e"))
                        .projection(Projections.include("p", "e"))
                        .limit(wanted)
                        .into(new ArrayList<>());
                if (candidates.isEmpty()) {
                    break;
                }
                List<BsonValue> ids = new ArrayList<>(candidates.size());
                candidates.forEach(d -> ids.add(d.get("_id", BsonNull.VALUE)));
                long won = sessions.updateMany(
                                Filters.and(Filters.in("_id", ids), claimable),
                                Updates.combine(Updates.set(CLAIMED_UNTIL, until), Updates.set(CLAIM_TOKEN, token)))
                        .getModifiedCount();
                if (won == candidates.size()) {
                    // Every candidate still met the claim condition when it was marked, so nothing rewrote it in
                    // between (only a live document is ever rewritten, and that no longer meets it): what the find
                    // read is what this claim took. The usual case; no read-back.
                    candidates.forEach(d -> expired(d).ifPresent(out::add));
                } else if (won > 0) {
                    // Another node took some: read back by token which ones are ours.
                    sessions.find(Filters.and(Filters.in("_id", ids), Filters.eq(CLAIM_TOKEN, token)))
                            .projection(Projections.include("p", "e"))
                            .forEach(d -> expired(d).ifPresent(out::add));
                }
                if (candidates.size() < wanted || won == candidates.size()) {
                    break;
                }
                // Lost some to another node: those are claimed now, so the next find skips them.
            }
            return List.copyOf(out);
        });
    }

    /**
     * What a claimed document tells a listener. A document whose {@code _id} is not a hashed key (written by hand) is
     * left claimed, unreported, for the TTL monitor; a principal that is not a string is reported as none.
     */
    private Optional<ExpiredSession> expired(BsonDocument d) {
        BsonValue id = d.get("_id", BsonNull.VALUE);
        SessionKey key = null;
        try {
            key = new SessionKey(id.asString().getValue());
            BsonValue p = d.get("p", BsonNull.VALUE);
            return Optional.of(new ExpiredSession(
                    key,
                    p.isString() ? p.asString().getValue() : null,
                    Instant.ofEpochMilli(d.getDateTime("e").getValue())));
        } catch (BsonInvalidOperationException | IllegalArgumentException | DateTimeException e) {
            StoreFailures.skipped(LOG, server, "claimExpired", key, e);
            return Optional.empty();
        }
    }

    /**
     * One {@code deleteMany({_id: {$in: keys}, ct: {$exists: true}, e: {$lt: now - grace}})}: only documents a claim
     * marked and that are still expired, so a session created again under the same key (which carries no claim) is
     * left alone. Idempotent.
     */
    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        requireNonNull(claimed, "claimed");
        if (claimed.isEmpty()) {
            return;
        }
        List<String> ids = claimed.stream().map(c -> c.key().value()).distinct().toList();
        BsonDateTime cutoff =
                new BsonDateTime(clock.instant().minus(expiryGrace).toEpochMilli());
        call(
                "removeExpired",
                null,
                () -> sessions.deleteMany(
                        Filters.and(Filters.in("_id", ids), Filters.exists(CLAIM_TOKEN), Filters.lt("e", cutoff))));
    }

    /** One {@code {ping: 1}} command on the sessions' database, bounded by the client's timeouts. */
    @Override
    public void ping() {
        MongoNamespace ns = sessions.getNamespace();
        call(
                "ping",
                null,
                () -> client.getDatabase(ns.getDatabaseName()).runCommand(new BsonDocument("ping", new BsonInt32(1))));
    }

    /** Closes the client if the store created it; a client passed to the builder is left open. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "MongoSessionStore[" + server + "]";
    }

    /** The collection with the write concern and read preference the store uses; for tests. */
    MongoCollection<BsonDocument> collection() {
        return sessions;
    }

    /** The TTL index's {@code expireAfterSeconds}: the grace, then the window in which a sweep claims. */
    private long ttlSeconds() {
        return expiryGrace.toSeconds() + expiredRetention.toSeconds();
    }

    private void createIndexes() {
        long grace = ttlSeconds();
        call("createIndexes", null, () -> {
            try {
                // Read first: a server may accept a createIndex with another expireAfterSeconds silently, or refuse it
                // (IndexOptionsConflict); either way an existing TTL index is kept if it has at least grace + retention
                // and raised if it has less.
                if (!raiseTtlGrace(grace)) {
                    sessions.createIndex(
                            Indexes.ascending("e"), new IndexOptions().expireAfter(grace, TimeUnit.SECONDS));
                }
                sessions.createIndex(Indexes.ascending("p"));
            } catch (MongoCommandException e) {
                if (e.getErrorCode() == 85 || e.getErrorCode() == 86) {
                    // IndexOptionsConflict / IndexKeySpecsConflict: someone created e_1 or p_1 differently.
                    throw new IllegalStateException(
                            server + ": an index named e_1 or p_1 exists with other options; the"
                                    + " store needs {e: 1} with expireAfterSeconds >= " + grace
                                    + " (expiry grace + expired retention) and {p: 1}: "
                                    + e.getErrorMessage(),
                            e);
                }
                throw e;
            }
            return null;
        });
    }

    /**
     * If the TTL index on {@code e} exists, makes sure it keeps documents at least {@code grace} (here: expiry grace +
     * expired retention) past {@code e}: a larger {@code expireAfterSeconds} (another node configured with more) is
     * kept, a smaller one (0 or the grace alone, as earlier versions created it) is raised with {@code collMod}, so no
     * node ever lowers another's.
     *
     * @return false if there is no TTL index on {@code e} yet
     */
    private boolean raiseTtlGrace(long grace) {
        BsonDocument ttl = ttlIndex();
        if (ttl == null) {
            return false;
        }
        long current = ttl.getNumber("expireAfterSeconds").longValue();
        if (current < grace) {
            MongoNamespace ns = sessions.getNamespace();
            try {
                client.getDatabase(ns.getDatabaseName())
                        .runCommand(new BsonDocument("collMod", new BsonString(ns.getCollectionName()))
                                .append(
                                        "index",
                                        new BsonDocument("keyPattern", new BsonDocument("e", new BsonInt32(1)))
                                                .append("expireAfterSeconds", new BsonInt64(grace))));
            } catch (MongoCommandException e) {
                if (e.getErrorCode() != 59) {
                    throw e;
                }
                // CommandNotFound: a wire-compatible server without collMod. Dropping and rebuilding the index is not
                // safe on such servers either (their index bookkeeping is not MongoDB's), so say what to do instead.
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: the TTL index on e has expireAfterSeconds {1}, less than the"
                                + " expiry grace + expired retention of {2} s, and this server has no collMod to raise it:"
                                + " the TTL monitor may remove expired sessions before a sweep reports them, and a node"
                                + " whose clock is behind the server''s by more than {1} s loses sessions early."
                                + " Recreate the index with expireAfterSeconds {2}.",
                        server,
                        current,
                        grace);
                return true;
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: raised the TTL index''s expireAfterSeconds from {1} to {2} (expiry grace + expired retention)",
                    server,
                    current,
                    grace);
        } else if (current > grace) {
            LOG.log(
                    System.Logger.Level.DEBUG,
                    "{0}: kept the TTL index''s expireAfterSeconds {1}, more than the {2} s this node needs (another"
                            + " node may use more grace or retention; lower it with collMod if none does)",
                    server,
                    current,
                    grace);
        }
        return true;
    }

    private @Nullable BsonDocument ttlIndex() {
        return sessions.listIndexes(BsonDocument.class).into(new ArrayList<>()).stream()
                .filter(i -> new BsonDocument("e", new BsonInt32(1)).equals(i.get("key"))
                        && i.isNumber("expireAfterSeconds"))
                .findFirst()
                .orElse(null);
    }

    /**
     * With {@code createIndexes(false)}, the first claim reads the indexes once (not at start, which must not need the
     * server) and warns when the TTL index is missing or would remove documents before a sweep can claim them.
     * Failing to read them (no {@code listIndexes} right) is logged and not retried.
     */
    private void checkTtlOnce() {
        if (!ttlChecked.compareAndSet(false, true)) {
            return;
        }
        long needed = ttlSeconds();
        try {
            BsonDocument ttl = ttlIndex();
            long current =
                    ttl == null ? -1 : ttl.getNumber("expireAfterSeconds").longValue();
            if (current < needed) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "{0}: {1}; expired sessions may be removed by the TTL monitor before a sweep reports them (or"
                                + " never be removed). Create the index {e: 1} with expireAfterSeconds {2} (expiry"
                                + " grace + expired retention), or raise it with collMod.",
                        server,
                        ttl == null
                                ? "there is no TTL index on e (sessionkit.mongo.create-indexes is false)"
                                : "the TTL index on e has expireAfterSeconds " + current,
                        needed);
            }
        } catch (MongoCommandException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: could not read the indexes to check the TTL index on e ({1}); it needs expireAfterSeconds"
                            + " >= {2}",
                    server,
                    e.getClass().getSimpleName() + " (code " + e.getCode() + ")",
                    needed);
        } catch (MongoException e) {
            // No answer: the claim's own command reports that; check again at the next claim.
            ttlChecked.set(false);
        }
    }

    private BsonDateTime now() {
        return new BsonDateTime(clock.instant().toEpochMilli());
    }

    private <T> T call(String operation, @Nullable SessionKey key, Supplier<T> action) {
        try {
            return action.get();
        } catch (MongoException e) {
            String unreachable = e instanceof MongoTimeoutException ? unanswered(client.getClusterDescription()) : null;
            throw StoreFailures.unavailable(
                    server,
                    operation,
                    key,
                    e.getClass().getSimpleName() + " (code " + e.getCode() + ")"
                            + (unreachable == null ? "" : ": " + unreachable),
                    e);
        } catch (IllegalStateException e) {
            if (closed.get()) {
                throw new IllegalStateException(server + ": " + operation + " on a closed store", e);
            }
            throw e;
        }
    }

    /** {@link #call} for a write of {@code doc}, which the driver refuses to send when it is over the server's limit. */
    private <T> T write(String operation, SessionKey key, BsonDocument doc, Supplier<T> action) {
        try {
            return call(operation, key, action);
        } catch (BsonMaximumSizeExceededException e) {
            long size = new RawBsonDocument(doc, new BsonDocumentCodec())
                    .getByteBuffer()
                    .remaining();
            throw new SessionTooLargeException(
                    server + ": session " + key.shortForm() + " is " + size
                            + " bytes as a BSON document, over MongoDB's limit of " + MAX_DOCUMENT_SIZE + " bytes",
                    size,
                    MAX_DOCUMENT_SIZE);
        }
    }

    /**
     * Why no server of {@code cluster} can be used when every one of them failed its last heartbeat (nothing listens,
     * nothing answers in time, no such host) or the SRV lookup failed; null when some server answers or one has not
     * been tried yet. Names host:port only, never credentials.
     */
    static @Nullable String unanswered(ClusterDescription cluster) {
        if (cluster.getSrvResolutionException() != null) {
            return "the DNS SRV lookup of the hosts failed (" + rootCause(cluster.getSrvResolutionException()) + ")";
        }
        List<ServerDescription> servers = cluster.getServerDescriptions();
        if (servers.isEmpty() || servers.stream().anyMatch(s -> s.isOk() || s.getException() == null)) {
            return null;
        }
        return "nothing answers at "
                + servers.stream()
                        .map(s -> s.getAddress() + " (" + rootCause(s.getException()) + ")")
                        .collect(Collectors.joining(", "));
    }

    private static String rootCause(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * Watches the first heartbeats of a client the store creates, so that a start against hosts where nothing
     * answers fails as soon as every host has been tried (connection refused takes milliseconds), saying so, instead
     * of after the whole server-selection timeout with only "MongoTimeoutException".
     */
    static final class FirstContact implements ClusterListener {
        private final CountDownLatch settled = new CountDownLatch(1);
        private volatile @Nullable ClusterDescription latest;

        @Override
        public void clusterDescriptionChanged(ClusterDescriptionChangedEvent event) {
            ClusterDescription d = event.getNewDescription();
            latest = d;
            if (d.getServerDescriptions().stream().anyMatch(ServerDescription::isOk) || unanswered(d) != null) {
                settled.countDown();
            }
        }

        /**
         * Returns once some server answers, or after {@code timeout} (the next command then reports its own failure).
         *
         * @throws SessionStoreUnavailableException as soon as every host has failed to answer
         */
        void awaitAnyAnswer(Duration timeout, String hosts, String server) {
            try {
                if (!settled.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionStoreUnavailableException(server + ": interrupted while connecting to " + hosts, e);
            }
            ClusterDescription d = latest;
            String why = d == null || d.getServerDescriptions().stream().anyMatch(ServerDescription::isOk)
                    ? null
                    : unanswered(d);
            if (why != null) {
                throw new SessionStoreUnavailableException(server + ": cannot start: " + why
                        + "; check sessionkit.mongo.uri and that mongod runs and accepts connections there");
            }
        }
    }

    static BsonDocument toDocument(SessionRecord r) {
        long mi = r.maxIdle().toSeconds();
        return new BsonDocument()
                .append("_id", new BsonString(r.key().value()))
                .append("fmt", new BsonInt32(FORMAT))
                .append("v", new BsonInt64(r.version()))
                .append("p", r.principal() == null ? BsonNull.VALUE : new BsonString(r.principal()))
                .append("c", new BsonDateTime(r.createdAt().toEpochMilli()))
                .append("a", new BsonDateTime(r.lastAccessedAt().toEpochMilli()))
                .append("e", new BsonDateTime(r.expiresAt().toEpochMilli()))
                .append("mi", mi <= Integer.MAX_VALUE ? new BsonInt32((int) mi) : new BsonInt64(mi))
                .append("attrs", BsonAttributes.toBson(r.attributes()));
    }

    static SessionRecord fromDocument(SessionKey key, BsonDocument d) {
        try {
            BsonValue fmt = d.get("fmt");
            if (fmt == null || !fmt.isInt32() || fmt.asInt32().getValue() != FORMAT) {
                throw new SessionCodecException("session " + key.shortForm() + " has unknown format " + fmt);
            }
            BsonValue attrs = d.get("attrs");
            if (attrs == null || !attrs.isDocument()) {
                throw new SessionCodecException("session " + key.shortForm() + " has no attrs sub-document");
            }
            BsonValue p = d.get("p");
            return new SessionRecord(
                    key,
                    integer(d, "v", key),
                    date(d, "c", key),
                    date(d, "a", key),
                    Duration.ofSeconds(integer(d, "mi", key)),
                    date(d, "e", key),
                    p == null || p.isNull() ? null : p.asString().getValue(),
                    BsonAttributes.toJson(attrs.asDocument()));
        } catch (BsonInvalidOperationException | IllegalArgumentException | DateTimeException | ArithmeticException e) {
            // IllegalArgumentException includes SessionRecord refusing out-of-range times or idle timeout: hostile
            // metadata is undecodable here, never a failure at a later save.
            throw new SessionCodecException("session " + key.shortForm() + " is invalid: " + e.getMessage(), e);
        }
    }

    private static long integer(BsonDocument d, String field, SessionKey key) {
        BsonValue v = d.get(field);
        if (v != null && v.isInt64()) {
            return v.asInt64().getValue();
        }
        if (v != null && v.isInt32()) {
            return v.asInt32().getValue();
        }
        throw new SessionCodecException("session " + key.shortForm() + " has no integer field '" + field + "'");
    }

    private static Instant date(BsonDocument d, String field, SessionKey key) {
        BsonValue v = d.get(field);
        if (v == null || !v.isDateTime()) {
            throw new SessionCodecException("session " + key.shortForm() + " has no date field '" + field + "'");
        }
        return Instant.ofEpochMilli(v.asDateTime().getValue());
    }

    private String hosts(@Nullable ConnectionString uri) {
        List<String> hosts;
        if (uri != null) {
            hosts = uri.getHosts();
        } else {
            hosts = client.getClusterDescription().getClusterSettings().getHosts().stream()
                    .map(ServerAddress::toString)
                    .collect(Collectors.toList());
        }
        return String.join(",", hosts);
    }

    /**
     * Options of a {@link MongoSessionStore}. Either {@link #client(MongoClient)} or {@link #uri(String)} (the
     * default URI when neither is set); the timeouts apply only to a client the store creates itself.
     */
    public static final class Builder {
        private @Nullable MongoClient client;
        private String uri = DEFAULT_URI;
        private String database = DEFAULT_DATABASE;
        private String collection = DEFAULT_COLLECTION;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration timeout = DEFAULT_TIMEOUT;
        private WriteConcern writeConcern = DEFAULT_WRITE_CONCERN;
        private ReadPreference readPreference = DEFAULT_READ_PREFERENCE;
        private boolean createIndexes = true;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private Duration expiredRetention = DEFAULT_EXPIRED_RETENTION;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * A client the application owns and configures (timeouts, TLS, credentials); the store uses it and does not
         * close it. Overrides {@link #uri(String)}.
         */
        public Builder client(MongoClient client) {
            this.client = requireNonNull(client, "client");
            return this;
        }

        /**
         * A {@code mongodb://} or {@code mongodb+srv://} connection string. Its options apply, except the timeouts,
         * write concern and read preference, which this builder sets.
         */
        public Builder uri(String uri) {
            this.uri = requireNonNull(uri, "uri");
            return this;
        }

        /** The database of the sessions collection; MongoDB's naming rules apply. */
        public Builder database(String database) {
            MongoNamespace.checkDatabaseNameValidity(requireNonBlank(database, "database"));
            this.database = database;
            return this;
        }

        /** The sessions collection: no {@code $}, no NUL, not {@code system.*}. */
        public Builder collection(String collection) {
            requireNonBlank(collection, "collection");
            if (collection.contains("$") || collection.indexOf('\0') >= 0 || collection.startsWith("system.")) {
                throw new IllegalArgumentException(
                        "collection name must not contain '$' or NUL nor start with 'system.'");
            }
            MongoNamespace.checkCollectionNameValidity(collection);
            this.collection = collection;
            return this;
        }

        /** Bound on opening one connection (TCP and TLS); positive, whole milliseconds. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = BuilderChecks.positive("connectTimeout", connectTimeout);
            return this;
        }

        /**
         * Bound on each wait within an operation: server selection, pool checkout, the socket read of the reply, and
         * the write concern's time limit ({@code wTimeoutMS}); positive, whole milliseconds.
         */
        public Builder timeout(Duration timeout) {
            this.timeout = BuilderChecks.positive("timeout", timeout);
            return this;
        }

        /**
         * The write concern of every write; must be acknowledged, since compare-and-set needs the match count. When it
         * has no {@code wtimeout}, {@link #timeout(Duration)} is used.
         */
        public Builder writeConcern(WriteConcern writeConcern) {
            requireNonNull(writeConcern, "writeConcern");
            if (!writeConcern.isAcknowledged()) {
                throw new IllegalArgumentException("writeConcern must be acknowledged (w >= 1 or majority): "
                        + "compare-and-set needs the server's match count");
            }
            this.writeConcern = writeConcern;
            return this;
        }

        /** Where loads and principal lookups read. Writes always go to the primary. */
        public Builder readPreference(ReadPreference readPreference) {
            this.readPreference = requireNonNull(readPreference, "readPreference");
            return this;
        }

        /** Whether to create the TTL index on {@code e} and the index on {@code p} at start (default true). */
        public Builder createIndexes(boolean createIndexes) {
            this.createIndexes = createIndexes;
            return this;
        }

        /**
         * How long past its expiry a document is kept before the TTL index (on the server's clock) or
         * {@link MongoSessionStore#purgeExpired()} (on this store's clock) may remove it: whole seconds, at least
         * {@link #DEFAULT_EXPIRY_GRACE} (60 s), the default. Clocks of nodes and server that differ by less than the
         * grace lose no session. At start the TTL index's {@code expireAfterSeconds} is raised to it if lower (never
         * lowered, so nodes configured differently keep the largest grace).
         */
        public Builder expiryGrace(Duration grace) {
            // The TTL index's expireAfterSeconds is whole seconds, and its monitor runs every 60 s.
            String rule = "(whole seconds, at least " + DEFAULT_EXPIRY_GRACE.toSeconds() + "s)";
            if (requireNonNull(grace, "expiryGrace").toNanosPart() != 0) {
                throw BuilderChecks.invalid("expiryGrace", grace, "a duration " + rule);
            }
            this.expiryGrace =
                    BuilderChecks.between("expiryGrace", grace, DEFAULT_EXPIRY_GRACE, SessionRecord.MAX_IDLE, rule);
            return this;
        }

        /**
         * How long past {@code e + expiryGrace} an expired document stays for a sweep ({@link
         * MongoSessionStore#claimExpired}) to claim it and report it with its principal: whole seconds, positive,
         * default {@link #DEFAULT_EXPIRED_RETENTION} (5 min). The TTL index's {@code expireAfterSeconds} is
         * {@code expiryGrace + expiredRetention}. A session no sweep claims within it leaves the collection unreported;
         * keep it above {@code sessionkit.sweep.lease} plus the sweep interval, so that a sweep that died mid-batch is
         * taken over before the TTL monitor removes what it claimed. It is also how much longer expired documents use
         * space.
         */
        public Builder expiredRetention(Duration retention) {
            String rule = "(whole seconds, positive: it is part of the TTL index's expireAfterSeconds)";
            if (requireNonNull(retention, "expiredRetention").toNanosPart() != 0) {
                throw BuilderChecks.invalid("expiredRetention", retention, "a duration " + rule);
            }
            this.expiredRetention = BuilderChecks.between(
                    "expiredRetention", retention, Duration.ofSeconds(1), SessionRecord.MAX_IDLE, rule);
            return this;
        }

        /** The clock that decides "now" for expiry; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = BuilderChecks.clock(clock);
            return this;
        }

        /**
         * Creates the store, connecting if needed and creating the indexes.
         *
         * @throws IllegalArgumentException if the URI is not a MongoDB connection string
         * @throws SessionStoreUnavailableException if the indexes cannot be created (server unreachable, no rights)
         */
        public MongoSessionStore build() {
            return new MongoSessionStore(this);
        }

        ConnectionString connectionString() {
            try {
                return new ConnectionString(uri);
            } catch (IllegalArgumentException e) {
                // The driver's message may echo the URI, credentials included: do not pass it on.
                throw new IllegalArgumentException("uri is not a valid mongodb:// or mongodb+srv:// connection string");
            }
        }

        MongoClientSettings settings(ConnectionString cs, ClusterListener listener) {
            long connectMs = connectTimeout.toMillis();
            long timeoutMs = timeout.toMillis();
            MongoClientSettings.Builder s = MongoClientSettings.builder()
                    .applyConnectionString(cs)
                    .applyToSocketSettings(b -> b.connectTimeout(connectMs, TimeUnit.MILLISECONDS)
                            .readTimeout(timeoutMs, TimeUnit.MILLISECONDS))
                    .applyToClusterSettings(b -> b.serverSelectionTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                            .addClusterListener(listener))
                    .applyToConnectionPoolSettings(b -> b.maxWaitTime(timeoutMs, TimeUnit.MILLISECONDS))
                    .writeConcern(effectiveWriteConcern())
                    .readPreference(readPreference);
            if (cs.getApplicationName() == null) {
                s.applicationName("sessionkit");
            }
            return s.build();
        }

        WriteConcern effectiveWriteConcern() {
            return writeConcern.getWTimeout(TimeUnit.MILLISECONDS) == null
                    ? writeConcern.withWTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    : writeConcern;
        }

        private static String requireNonBlank(String s, String name) {
            requireNonNull(s, name);
            if (s.isBlank()) {
                throw new IllegalArgumentException(name + " must not be blank");
            }
            return s;
        }

        /**
         * Reads the {@code sessionkit.mongo.*} keys ({@link MongoSessionStoreProvider}, which documents them) into a new
         * builder, recording a bad value in {@code c} rather than throwing; returns how to build the store.
         */
        static Supplier<SessionStore> fromKeys(ProviderConfig c) {
            Builder b = builder();
            c.common(b::clock, b::connectTimeout, b::expiryGrace);
            c.duration("timeout", b::timeout);
            c.duration("expired-retention", b::expiredRetention);
            b.writeConcern(writeConcern(c));
            b.readPreference(readPreference(c));
            c.bool("create-indexes", b::createIndexes);
            c.string("database", b::database);
            c.string("collection", b::collection);
            String uri =
                    c.secret("uri").map(String::trim).filter(u -> !u.isEmpty()).orElse(DEFAULT_URI);
            b.uri(uri);
            // The driver's message may echo the URI, credentials included: the builder's says only what is wrong.
            c.apply("uri", b, Builder::connectionString);
            return b::build;
        }

        private static WriteConcern writeConcern(ProviderConfig c) {
            Optional<String> v = c.string("write-concern");
            if (v.isEmpty() || v.get().equalsIgnoreCase("majority")) {
                return v.isEmpty() ? DEFAULT_WRITE_CONCERN : WriteConcern.MAJORITY;
            }
            try {
                int w = Integer.parseInt(v.get());
                if (w >= 1) {
                    return new WriteConcern(w);
                }
            } catch (NumberFormatException e) {
                // recorded below
            }
            c.invalid(
                    "write-concern",
                    "majority or a number of members >= 1 (unacknowledged writes cannot do compare-and-set)");
            return DEFAULT_WRITE_CONCERN;
        }

        private static ReadPreference readPreference(ProviderConfig c) {
            Optional<String> v = c.string("read-preference");
            if (v.isEmpty()) {
                return DEFAULT_READ_PREFERENCE;
            }
            return switch (v.get().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
                case "primary" -> ReadPreference.primary();
                case "primarypreferred" -> ReadPreference.primaryPreferred();
                case "secondary" -> ReadPreference.secondary();
                case "secondarypreferred" -> ReadPreference.secondaryPreferred();
                case "nearest" -> ReadPreference.nearest();
                default -> {
                    c.invalid(
                            "read-preference",
                            "one of primary, primary-preferred, secondary, secondary-preferred, nearest");
                    yield DEFAULT_READ_PREFERENCE;
                }
            };
        }
    }
}
