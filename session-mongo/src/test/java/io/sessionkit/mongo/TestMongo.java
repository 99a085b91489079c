package io.sessionkit.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * The MongoDB server the tests talk to, resolved once per test JVM in the order DESIGN.md gives:
 * {@code SESSIONKIT_TEST_MONGO} (a connection string) → a server answering on 127.0.0.1:27017 → an embedded
 * wire-compatible server (mongo-java-server, in-memory backend) on a free port. Testcontainers is not wired in: on a
 * machine with Docker, start {@code docker run -p 27017:27017 mongo:8} and step two picks it up.
 *
 * <p>Prints one line naming the server that serves, and on the embedded server what cannot be checked there.
 */
final class TestMongo {
    static final String ENV = "SESSIONKIT_TEST_MONGO";

    private static TestMongo instance;

    final String uri;
    final String description;
    final boolean embedded;
    final MongoClient client;

    private TestMongo(String uri, String description, boolean embedded) {
        this.uri = uri;
        this.description = description;
        this.embedded = embedded;
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS))
                .build());
    }

    static synchronized TestMongo get() {
        if (instance == null) {
            instance = resolve();
            System.out.println("[session-mongo tests] MongoDB served by: " + instance.description);
            if (instance.embedded) {
                System.out.println("[session-mongo tests] NOT CHECKED on the embedded server (verify on a real mongod):"
                        + " the TTL monitor removing expired documents, write concern majority and wtimeout"
                        + " (a standalone in-memory server acknowledges every write), read preferences,"
                        + " retryable writes across a failover, and MongoDB's own index and field-name rules.");
            }
        }
        return instance;
    }

    /** A fresh database name for one test class; the class drops it when done. */
    static String newDatabaseName() {
        return "sessionkit_test_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    void dropDatabase(String name) {
        client.getDatabase(name).drop();
    }

    private static TestMongo resolve() {
        String fromEnv = System.getenv(ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            TestMongo m = new TestMongo(fromEnv.trim(), ENV + " (" + String.join(",", new ConnectionString(fromEnv.trim()).getHosts()) + ")", false);
            m.ping(ENV + " is set but the server does not answer; unset it or start that server");
            return m;
        }
        if (answers("127.0.0.1", 27017)) {
            TestMongo m = new TestMongo("mongodb://127.0.0.1:27017", "local mongod at 127.0.0.1:27017", false);
            m.ping("something listens on 127.0.0.1:27017 but does not answer MongoDB's ping");
            return m;
        }
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "embedded-mongo-shutdown"));
        return new TestMongo("mongodb://" + address.getHostString() + ":" + address.getPort(),
                "embedded de.bwaldvogel:mongo-java-server (in-memory backend) at " + address.getHostString() + ":"
                        + address.getPort() + " - no " + ENV + ", nothing on 127.0.0.1:27017, Testcontainers not used",
                true);
    }

    private void ping(String failure) {
        try {
            client.getDatabase("admin").runCommand(new BsonDocument("ping", new BsonInt32(1)));
        } catch (RuntimeException e) {
            client.close();
            throw new IllegalStateException(failure + " (" + e.getMessage() + ")", e);
        }
    }

    private static boolean answers(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
