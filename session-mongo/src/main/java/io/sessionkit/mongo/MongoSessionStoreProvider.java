package io.sessionkit.mongo;

import io.sessionkit.ConfiguredStoreProvider;

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
public final class MongoSessionStoreProvider extends ConfiguredStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "mongo";

    public MongoSessionStoreProvider() {
        super(NAME, MongoSessionStore.Builder::fromKeys);
    }
}
