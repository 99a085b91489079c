package io.sessionkit.mongo;

import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

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
 *       (the TTL index's {@code expireAfterSeconds}); whole seconds, at least 60 s</td></tr>
 * </table>
 *
 * Construction is cheap and does not connect; {@link #create} connects and creates the indexes.
 */
public final class MongoSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "mongo";

    static final String PREFIX = SessionKitConfig.PREFIX + NAME + ".";
    static final String URI = PREFIX + "uri";
    static final String DATABASE = PREFIX + "database";
    static final String COLLECTION = PREFIX + "collection";
    static final String CONNECT_TIMEOUT = PREFIX + "connect-timeout";
    static final String TIMEOUT = PREFIX + "timeout";
    static final String WRITE_CONCERN = PREFIX + "write-concern";
    static final String READ_PREFERENCE = PREFIX + "read-preference";
    static final String CREATE_INDEXES = PREFIX + "create-indexes";
    static final String EXPIRY_GRACE = PREFIX + "expiry-grace";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.of(StoreFeature.PRINCIPAL_INDEX, StoreFeature.PURGE_EXPIRED);
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        return builderFrom(config).build();
    }

    /** Parses and checks every key, so that a bad value fails before anything connects. */
    static MongoSessionStore.Builder builderFrom(SessionKitConfig config) {
        MongoSessionStore.Builder b = MongoSessionStore.builder()
                .clock(config.clock())
                .connectTimeout(duration(config, CONNECT_TIMEOUT, MongoSessionStore.DEFAULT_CONNECT_TIMEOUT))
                .timeout(duration(config, TIMEOUT, MongoSessionStore.DEFAULT_TIMEOUT))
                .writeConcern(writeConcern(config))
                .readPreference(readPreference(config))
                .createIndexes(config.bool(CREATE_INDEXES, true));
        Duration grace = config.duration(EXPIRY_GRACE, MongoSessionStore.DEFAULT_EXPIRY_GRACE);
        try {
            b.expiryGrace(grace);
        } catch (IllegalArgumentException e) {
            throw SessionKitConfig.invalid(EXPIRY_GRACE, config.get(EXPIRY_GRACE), "whole seconds, at least 60s, such as 2m");
        }
        name(config, DATABASE, MongoSessionStore.DEFAULT_DATABASE, b::database);
        name(config, COLLECTION, MongoSessionStore.DEFAULT_COLLECTION, b::collection);
        b.uri(config.string(URI, MongoSessionStore.DEFAULT_URI));
        try {
            b.connectionString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(URI + ": not a valid mongodb:// or mongodb+srv:// connection string", e);
        }
        return b;
    }

    private static void name(SessionKitConfig config, String key, String defaultValue, Consumer<String> setter) {
        String name = config.string(key, defaultValue);
        try {
            setter.accept(name);
        } catch (IllegalArgumentException e) {
            throw SessionKitConfig.invalid(key, name, "a MongoDB " + (key.equals(DATABASE) ? "database" : "collection")
                    + " name (" + e.getMessage() + ")");
        }
    }

    private static Duration duration(SessionKitConfig config, String key, Duration defaultValue) {
        Duration d = config.duration(key, defaultValue);
        if (d.isNegative() || d.toMillis() < 1 || d.toMillis() > Integer.MAX_VALUE) {
            throw SessionKitConfig.invalid(key, config.get(key), "a duration of at least 1ms, such as 500ms or 5s");
        }
        return d;
    }

    private static WriteConcern writeConcern(SessionKitConfig config) {
        Optional<String> v = config.string(WRITE_CONCERN);
        if (v.isEmpty()) {
            return MongoSessionStore.DEFAULT_WRITE_CONCERN;
        }
        String s = v.get();
        if (s.equalsIgnoreCase("majority")) {
            return WriteConcern.MAJORITY;
        }
        try {
            int w = Integer.parseInt(s);
            if (w >= 1) {
                return new WriteConcern(w);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw SessionKitConfig.invalid(WRITE_CONCERN, s,
                "majority or a number of members >= 1 (unacknowledged writes cannot do compare-and-set)");
    }

    private static ReadPreference readPreference(SessionKitConfig config) {
        Optional<String> v = config.string(READ_PREFERENCE);
        if (v.isEmpty()) {
            return MongoSessionStore.DEFAULT_READ_PREFERENCE;
        }
        return switch (v.get().toLowerCase(Locale.ROOT).replace("-", "").replace("_", "")) {
            case "primary" -> ReadPreference.primary();
            case "primarypreferred" -> ReadPreference.primaryPreferred();
            case "secondary" -> ReadPreference.secondary();
            case "secondarypreferred" -> ReadPreference.secondaryPreferred();
            case "nearest" -> ReadPreference.nearest();
            default -> throw SessionKitConfig.invalid(READ_PREFERENCE, v.get(),
                    "one of primary, primary-preferred, secondary, secondary-preferred, nearest");
        };
    }
}
