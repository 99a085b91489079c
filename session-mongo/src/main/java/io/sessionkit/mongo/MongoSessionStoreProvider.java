package io.sessionkit.mongo;

import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code mongo} provider: {@code sessionkit.store=mongo}. Reads these keys (defaults in {@link MongoSessionStore}):
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code sessionkit.mongo.uri}</td><td>{@code mongodb://127.0.0.1:27017}</td><td>connection string</td></tr>
 *   <tr><td>{@code sessionkit.mongo.database}</td><td>{@code sessionkit}</td><td>database</td></tr>
 *   <tr><td>{@code sessionkit.mongo.collection}</td><td>{@code sessions}</td><td>collection</td></tr>
 *   <tr><td>{@code sessionkit.mongo.connect-timeout}</td><td>{@code 2s}</td><td>opening one connection</td></tr>
 *   <tr><td>{@code sessionkit.mongo.timeout}</td><td>{@code 5s}</td><td>each wait of an operation</td></tr>
 *   <tr><td>{@code sessionkit.mongo.write-concern}</td><td>{@code majority}</td><td>{@code majority} or a number of
 *       members &gt;= 1</td></tr>
 *   <tr><td>{@code sessionkit.mongo.read-preference}</td><td>{@code primary}</td><td>{@code primary},
 *       {@code primary-preferred}, {@code secondary}, {@code secondary-preferred} or {@code nearest}</td></tr>
 *   <tr><td>{@code sessionkit.mongo.create-indexes}</td><td>{@code true}</td><td>create the TTL and principal
 *       indexes at start</td></tr>
 *   <tr><td>{@code sessionkit.mongo.expiry-grace}</td><td>{@code 60s}</td><td>how long past expiry a document is kept
 *       (part of the TTL index's {@code expireAfterSeconds}); whole seconds, at least 60 s</td></tr>
 *   <tr><td>{@code sessionkit.mongo.expired-retention}</td><td>{@code 5m}</td><td>how much longer an expired document
 *       is kept for a sweep to claim and report it (the TTL index's {@code expireAfterSeconds} is expiry grace +
 *       expired retention); whole seconds, positive</td></tr>
 * </table>
 *
 * Every bad key is reported at once, the URI's value never (it may hold a password); an undeclared
 * {@code sessionkit.mongo.*} key is warned about once. Construction is cheap and does not connect; {@link #create} connects and creates the indexes.
 */
public final class MongoSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "mongo";

    /**
     * The keys besides the common {@code connect-timeout} and {@code expiry-grace} ({@link ProviderConfig#common}).
     * Public for code that builds the store on a client of its own and reads the same keys (the Spring Boot starter).
     */
    public static final Set<String> KEYS = Set.of(
            "uri",
            "database",
            "collection",
            "timeout",
            "write-concern",
            "read-preference",
            "create-indexes",
            "expired-retention");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        return builderFrom(config).build();
    }

    /** Parses and checks every key, so that a bad value fails before anything connects. */
    static MongoSessionStore.Builder builderFrom(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, KEYS);
        MongoSessionStore.Builder b = MongoSessionStore.builder();
        c.common(b::clock, b::connectTimeout, b::expiryGrace);
        c.duration("timeout", b::timeout);
        c.duration("expired-retention", b::expiredRetention);
        b.writeConcern(writeConcern(c));
        b.readPreference(readPreference(c));
        c.bool("create-indexes", b::createIndexes);
        c.string("database", b::database);
        c.string("collection", b::collection);
        String uri = c.secret("uri").map(String::trim).filter(u -> !u.isEmpty()).orElse(MongoSessionStore.DEFAULT_URI);
        b.uri(uri);
        // The driver's message may echo the URI, credentials included: the builder's says only what is wrong.
        c.apply("uri", b, MongoSessionStore.Builder::connectionString);
        c.validate();
        return b;
    }

    private static WriteConcern writeConcern(ProviderConfig c) {
        Optional<String> v = c.string("write-concern");
        if (v.isEmpty() || v.get().equalsIgnoreCase("majority")) {
            return v.isEmpty() ? MongoSessionStore.DEFAULT_WRITE_CONCERN : WriteConcern.MAJORITY;
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
        return MongoSessionStore.DEFAULT_WRITE_CONCERN;
    }

    private static ReadPreference readPreference(ProviderConfig c) {
        Optional<String> v = c.string("read-preference");
        if (v.isEmpty()) {
            return MongoSessionStore.DEFAULT_READ_PREFERENCE;
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
                yield MongoSessionStore.DEFAULT_READ_PREFERENCE;
            }
        };
    }
}
