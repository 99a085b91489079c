package io.sessionkit.reliability;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.testing.Corruption;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.TestServers;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Every backend the suites run on. Adding one is one entry in {@link #ALL}: its configuration keys (from its README)
 * and how its raw client writes bad data.
 */
final class Backends {
    /** The backends of this build, in the order the suites run them. */
    static final List<Backend> ALL = List.of(
            new Local(),
            new Redis(),
            new Memcached(),
            new Jdbc("h2"),
            new Jdbc("postgres"),
            new Jdbc("mariadb"),
            new Mongo());

    private Backends() {}

    /** For {@code @MethodSource}. */
    static Stream<Backend> all() {
        return ALL.stream();
    }

    // ---------------------------------------------------------------- local (Caffeine, in process)

    static final class Local extends Backend {
        Local() {
            super("local");
        }

        @Override
        Map<String, String> config(String namespace) {
            return Map.of("sessionkit.store", "local", "sessionkit.local.maximum-size", "100000");
        }

        @Override
        boolean sharedBetweenStores() {
            return false;
        }

        @Override
        List<Corruption> corruptions() {
            // No bytes to corrupt in a heap cache: only the attribute text the record carries can be wrong.
            return List.of(Corruption.TRUNCATED_JSON, Corruption.WRONG_FIELD_TYPE);
        }

        @Override
        void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind) {
            String text = switch (kind) {
                case TRUNCATED_JSON -> "{\"n\": [1, 2";
                case WRONG_FIELD_TYPE -> "[\"not\", \"an\", \"object\"]";
                default -> throw new IllegalArgumentException(kind.name());
            };
            // No raw client to go behind the store's back: write the bad text through the SPI, as any writer with
            // access to the store could (the store keeps attribute text as given; only the codec reads it).
            SessionRecord r = store.load(key)
                    .orElseThrow(() -> new IllegalStateException("nothing stored under " + key.shortForm()));
            ReplaceResult written = store.replace(
                    new SessionRecord(
                            key,
                            r.version() + 1,
                            r.createdAt(),
                            r.lastAccessedAt(),
                            r.maxIdle(),
                            r.expiresAt(),
                            r.principal(),
                            text),
                    r.version());
            if (written != ReplaceResult.OK) {
                throw new IllegalStateException(
                        "could not write the bad record for " + key.shortForm() + ": " + written);
            }
        }
    }

    // ---------------------------------------------------------------- Redis

    static final class Redis extends Backend {
        Redis() {
            super("redis");
        }

        static String prefix(String namespace) {
            return "rel:" + namespace + ":";
        }

        @Override
        Map<String, String> config(String namespace) {
            return Map.of(
                    "sessionkit.store",
                    "redis",
                    "sessionkit.redis.uri",
                    TestServers.redisUri().toString(),
                    "sessionkit.redis.key-prefix",
                    prefix(namespace),
                    "sessionkit.redis.pool.max-total",
                    "40",
                    "sessionkit.redis.connect-timeout",
                    "2s",
                    "sessionkit.redis.read-timeout",
                    "2s");
        }

        @Override
        List<Corruption> corruptions() {
            return List.of(Corruption.values());
        }

        @Override
        void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind) {
            String redisKey = prefix(namespace) + "s:" + key.value();
            try (Jedis jedis = jedis()) {
                String current = jedis.get(redisKey);
                if (current == null) {
                    throw new IllegalStateException("nothing stored under " + key.shortForm());
                }
                byte[] bad = kind.of(current);
                // KEEPTTL: the store's native expiry stays, so only the bytes are wrong.
                jedis.set(
                        redisKey.getBytes(StandardCharsets.UTF_8),
                        bad,
                        SetParams.setParams().keepTtl());
            }
        }

        @Override
        void cleanup(String namespace) {
            try (Jedis jedis = jedis()) {
                String cursor = ScanParams.SCAN_POINTER_START;
                do {
                    ScanResult<String> page = jedis.scan(
                            cursor,
                            new ScanParams().match(prefix(namespace) + "*").count(1000));
                    if (!page.getResult().isEmpty()) {
                        jedis.unlink(page.getResult().toArray(String[]::new));
                    }
                    cursor = page.getCursor();
                } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            }
        }

        private static Jedis jedis() {
            URI u = TestServers.redisUri();
            return new Jedis(u.getHost(), u.getPort(), 5000);
        }
    }

    // ---------------------------------------------------------------- memcached

    static final class Memcached extends Backend {
        Memcached() {
            super("memcached");
        }

        static String prefix(String namespace) {
            return "rel" + namespace + ":";
        }

        @Override
        Map<String, String> config(String namespace) {
            return Map.of(
                    "sessionkit.store",
                    "memcached",
                    "sessionkit.memcached.servers",
                    TestServers.memcachedServers(),
                    "sessionkit.memcached.key-prefix",
                    prefix(namespace),
                    // A loaded 2-core build machine: the default 500 ms is for production latency, not for CI.
                    "sessionkit.memcached.operation-timeout",
                    "2s",
                    "sessionkit.memcached.connect-timeout",
                    "2s");
        }

        @Override
        List<Corruption> corruptions() {
            return List.of(Corruption.values());
        }

        @Override
        void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind) {
            String itemKey = prefix(namespace) + key.value();
            InetSocketAddress server = TestServers.memcachedAddresses().get(0);
            byte[] current = MemcachedText.get(server, itemKey)
                    .orElseThrow(() -> new IllegalStateException("nothing stored under " + key.shortForm()));
            MemcachedText.set(server, itemKey, kind.of(new String(current, StandardCharsets.UTF_8)), 600);
        }
    }

    // ---------------------------------------------------------------- JDBC: H2, PostgreSQL, MariaDB

    static final class Jdbc extends Backend {
        private final String dialect;

        Jdbc(String dialect) {
            super("jdbc-" + dialect);
            this.dialect = dialect;
        }

        String url(String namespace) {
            return switch (dialect) {
                case "h2" -> "jdbc:h2:mem:rel" + namespace + ";DB_CLOSE_DELAY=-1";
                case "postgres" -> TestServers.postgresUrl();
                case "mariadb" -> TestServers.mariadbUrl();
                default -> throw new IllegalArgumentException(dialect);
            };
        }

        static String table(String namespace) {
            return "rel_" + namespace;
        }

        @Override
        Map<String, String> config(String namespace) {
            Map<String, String> c = new LinkedHashMap<>();
            c.put("sessionkit.store", "jdbc");
            c.put("sessionkit.jdbc.url", url(namespace));
            c.put("sessionkit.jdbc.table", table(namespace));
            c.put("sessionkit.jdbc.create-schema", "true");
            c.put("sessionkit.jdbc.pool.max-size", "16");
            return c;
        }

        @Override
        List<Corruption> corruptions() {
            // The JSON column types (JSONB, MariaDB's JSON_VALID check, H2 JSON) refuse truncated JSON themselves.
            return List.of(Corruption.WRONG_VERSION_FIELD, Corruption.FOREIGN_DATA, Corruption.WRONG_FIELD_TYPE);
        }

        @Override
        void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind) {
            String t = table(namespace);
            String json = switch (dialect) {
                case "postgres" -> "CAST(? AS jsonb)";
                case "h2" -> "? FORMAT JSON";
                default -> "?";
            };
            String sql = switch (kind) {
                case WRONG_VERSION_FIELD -> "UPDATE " + t + " SET version = 0 WHERE session_id = ?";
                case FOREIGN_DATA -> "UPDATE " + t + " SET data = " + json + " WHERE session_id = ?";
                case WRONG_FIELD_TYPE -> "UPDATE " + t + " SET max_idle_seconds = -5 WHERE session_id = ?";
                default -> throw new IllegalArgumentException(kind.name());
            };
            try (Connection c = DriverManager.getConnection(url(namespace));
                    PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                if (kind == Corruption.FOREIGN_DATA) {
                    ps.setString(i++, "[\"another application's\", \"row\"]");
                }
                ps.setString(i, key.value());
                if (ps.executeUpdate() != 1) {
                    throw new IllegalStateException("no row for " + key.shortForm());
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        void cleanup(String namespace) {
            try (Connection c = DriverManager.getConnection(url(namespace));
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table(namespace));
            } catch (SQLException e) {
                System.out.println("[session-reliability] could not drop " + table(namespace) + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- MongoDB

    static final class Mongo extends Backend {
        private MongoClient client;

        Mongo() {
            super("mongo");
        }

        static String database(String namespace) {
            return "rel_" + namespace;
        }

        @Override
        Map<String, String> config(String namespace) {
            return Map.of(
                    "sessionkit.store",
                    "mongo",
                    "sessionkit.mongo.uri",
                    TestServers.mongoUri(),
                    "sessionkit.mongo.database",
                    database(namespace),
                    "sessionkit.mongo.collection",
                    "sessions");
        }

        @Override
        List<Corruption> corruptions() {
            // Documents, not text: nothing can be truncated mid-JSON.
            return List.of(Corruption.WRONG_VERSION_FIELD, Corruption.FOREIGN_DATA, Corruption.WRONG_FIELD_TYPE);
        }

        @Override
        void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind) {
            MongoCollection<BsonDocument> sessions =
                    client().getDatabase(database(namespace)).getCollection("sessions", BsonDocument.class);
            BsonDocument doc = sessions.find(Filters.eq("_id", key.value())).first();
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
                    doc.clone()
                            .append("attrs", new BsonString("not a document"))
                            .append("mi", new BsonInt64(-5));
                default -> throw new IllegalArgumentException(kind.name());
            };
            sessions.replaceOne(Filters.eq("_id", key.value()), bad);
        }

        @Override
        void cleanup(String namespace) {
            client().getDatabase(database(namespace)).drop();
        }

        private synchronized MongoClient client() {
            if (client == null) {
                client = MongoClients.create(TestServers.mongoUri());
            }
            return client;
        }
    }
}
