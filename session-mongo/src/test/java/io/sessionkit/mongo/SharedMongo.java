package io.sessionkit.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.sessionkit.testing.TestServers;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * The MongoDB the tests talk to ({@link TestServers#server} finds it: environment, 127.0.0.1:27017, a container, else
 * the embedded mongo-java-server) with one client for looking behind the store, created once per test JVM.
 */
final class SharedMongo {
    private static SharedMongo instance;

    final String uri;
    final boolean embedded;
    final MongoClient client;

    private SharedMongo(TestServers.Server server) {
        this.uri = server.address();
        this.embedded = server.embedded();
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(
                        b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS))
                .build());
    }

    static synchronized SharedMongo get() {
        if (instance == null) {
            SharedMongo m = new SharedMongo(TestServers.server(TestServers.Kind.MONGO));
            try {
                m.client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)));
            } catch (RuntimeException e) {
                m.client.close();
                throw new IllegalStateException(
                        "something listens at " + TestServers.redact(m.uri) + " but does not answer MongoDB's ping ("
                                + e.getMessage() + ")",
                        e);
            }
            instance = m;
        }
        return instance;
    }

    /** A fresh database name for one test class; the class drops it when done. */
    static String newDatabaseName() {
        return "sessionkit_test_"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    void dropDatabase(String name) {
        client.getDatabase(name).drop();
    }
}
