package io.sessionkit.benchmarks;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASResponse;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.DefaultHashAlgorithm;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.internal.OperationFuture;
import net.spy.memcached.transcoders.SerializingTranscoder;
import org.bson.Document;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.builders.AbstractClientBuilder;
import redis.clients.jedis.params.SetParams;

/**
 * The raw baseline (README "What a benchmark operation is"), made of one backend's driver primitives, one round trip
 * each: {@code find} reads what {@code replace} needs; {@code replace} and {@code insert} return false on a lost key.
 */
record RawClient<R>(
        String name,
        Function<String, @Nullable String> read,
        Function<String, @Nullable R> find,
        Replace<R> replace,
        BiPredicate<String, String> insert,
        Consumer<String> delete,
        Runnable closer)
        implements AutoCloseable {

    interface Replace<R> {
        boolean apply(String key, R found, String value);
    }

    String read(String key) {
        return required(read.apply(key));
    }

    void modify(String key, String value) {
        if (!replace.apply(key, required(find.apply(key)), value)) {
            throw new IllegalStateException(name + ": key vanished");
        }
    }

    void create(String key, String value) {
        if (!insert.test(key, value)) {
            throw new IllegalStateException(name + ": key taken");
        }
    }

    void rotate(String oldKey, String newKey) {
        create(newKey, read(oldKey));
        delete.accept(oldKey);
    }

    @Override
    public void close() {
        closer.run();
    }

    private <T> T required(@Nullable T found) {
        if (found == null) {
            throw new IllegalStateException(name + ": key vanished");
        }
        return found;
    }

    private static <R> Function<String, @Nullable String> textOf(
            Function<String, @Nullable R> find, Function<R, String> text) {
        return key -> {
            R found = find.apply(key);
            return found == null ? null : text.apply(found);
        };
    }

    /** A bounded cache with an expiry, as small as an in-process session map gets. */
    static RawClient<String> caffeine(Backend.Servers servers, String namespace, Duration ttl) {
        Cache<String, String> cache =
                Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(ttl).build();
        return new RawClient<>(
                "raw caffeine",
                cache::getIfPresent,
                cache::getIfPresent,
                (key, found, value) -> cache.asMap().put(key, value) != null,
                (key, value) -> cache.asMap().putIfAbsent(key, value) == null,
                cache::invalidate,
                cache::invalidateAll);
    }

    /** Jedis on the same kind of pooled client as the store, with its pool size and timeouts. */
    static RawClient<String> redis(Backend.Servers servers, String namespace, Duration ttl) {
        ConnectionPoolConfig connections = new ConnectionPoolConfig();
        connections.setMaxTotal(servers.pool());
        connections.setMaxIdle(servers.pool());
        AbstractClientBuilder<?, ? extends UnifiedJedis> builder;
        if (servers.backend() == Backend.REDIS) {
            URI u = URI.create(servers.address());
            builder = RedisClient.builder()
                    .hostAndPort(new HostAndPort(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort()));
        } else {
            Set<HostAndPort> nodes = Arrays.stream(servers.address().split("\\s*,\\s*"))
                    .map(HostAndPort::from)
                    .collect(Collectors.toSet());
            builder = RedisClusterClient.builder().nodes(nodes);
        }
        UnifiedJedis jedis = builder.clientConfig(DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(2000)
                        .socketTimeoutMillis(2000)
                        .build())
                .poolConfig(connections)
                .build();
        SetParams px = SetParams.setParams().px(ttl.toMillis());
        SetParams nxPx = SetParams.setParams().nx().px(ttl.toMillis());
        return new RawClient<>(
                "raw redis",
                jedis::get,
                jedis::get,
                (key, found, value) -> "OK".equals(jedis.set(key, value, px)),
                (key, value) -> "OK".equals(jedis.set(key, value, nxPx)),
                jedis::del,
                jedis::close);
    }

    /** spymemcached with the store's connection settings (binary protocol, Ketama, 500 ms operation timeout). */
    static RawClient<CASValue<Object>> memcached(Backend.Servers servers, String namespace, Duration ttl)
            throws IOException {
        int ttlSeconds = (int) Math.max(1, ttl.toSeconds());
        // Strings go out as their UTF-8 bytes, flags 0; with this threshold they are never compressed.
        SerializingTranscoder text = new SerializingTranscoder();
        text.setCompressionThreshold(Integer.MAX_VALUE);
        MemcachedClient client = new MemcachedClient(
                new ConnectionFactoryBuilder()
                        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                        .setHashAlg(DefaultHashAlgorithm.KETAMA_HASH)
                        .setLocatorType(ConnectionFactoryBuilder.Locator.CONSISTENT)
                        .setFailureMode(FailureMode.Cancel)
                        .setOpTimeout(500)
                        .setTranscoder(text)
                        .setDaemon(true)
                        .build(),
                AddrUtil.getAddresses(servers.address()));
        // The client connects in the background; wait for it so the first measured call does not fail.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.getAvailableServers().isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return new RawClient<>(
                "raw memcached",
                key -> (String) client.get(key),
                client::gets,
                (key, found, value) -> client.cas(key, found.getCas(), ttlSeconds, value) == CASResponse.OK,
                (key, value) -> await(client.add(key, ttlSeconds, value)),
                key -> await(client.delete(key)),
                () -> client.shutdown(2, TimeUnit.SECONDS));
    }

    private static boolean await(OperationFuture<Boolean> f) {
        try {
            return f.get(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("raw memcached: " + e, e);
        }
    }

    /** The store's write concern ({@code majority}); the JSON as one string field plus a version and an expiry. */
    static RawClient<Document> mongo(Backend.Servers servers, String namespace, Duration ttl) {
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(servers.address()))
                .applyToSocketSettings(
                        s -> s.connectTimeout(2, TimeUnit.SECONDS).readTimeout(5, TimeUnit.SECONDS))
                .applyToClusterSettings(s -> s.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build());
        MongoCollection<Document> sessions = client.getDatabase(Backend.MONGO_DATABASE)
                .getCollection(Backend.table(namespace))
                .withWriteConcern(WriteConcern.MAJORITY);
        Function<String, @Nullable Document> find =
                key -> sessions.find(Filters.eq("_id", key)).first();
        return new RawClient<>(
                "raw mongo",
                textOf(find, d -> d.getString("data")),
                find,
                (key, found, value) ->
                        sessions.replaceOne(Filters.eq("_id", key), document(key, found.getLong("v") + 1, value, ttl))
                                        .getMatchedCount()
                                == 1,
                // a taken key throws a duplicate key error
                (key, value) -> sessions.insertOne(document(key, 1, value, ttl)).wasAcknowledged(),
                key -> sessions.deleteOne(Filters.eq("_id", key)),
                client::close);
    }

    private static Document document(String key, long version, String value, Duration ttl) {
        return new Document("_id", key)
                .append("v", version)
                .append("e", Instant.now().plus(ttl))
                .append("data", value);
    }

    record Row(long version, String data) {}

    /** HikariCP of the store's size on the store's own schema, JSON bound as the store binds it, no version check. */
    static RawClient<Row> jdbc(Backend.Servers servers, String namespace, Duration ttl) {
        servers.openStore(namespace, ttl).close(); // creates the table
        String table = Backend.table(namespace);
        String dataParam = switch (servers.backend()) {
            case JDBC_POSTGRES -> "CAST(? AS jsonb)";
            case JDBC_H2 -> "? FORMAT JSON";
            default -> "?";
        };
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("raw-" + table);
        hc.setJdbcUrl(servers.address());
        hc.setMaximumPoolSize(servers.pool());
        HikariDataSource pool = new HikariDataSource(hc);
        long ttlMillis = ttl.toMillis();
        String select = "SELECT version, expires_at, data FROM " + table + " WHERE session_id = ?";
        String update = "UPDATE " + table + " SET version = ?, last_accessed_at = ?, expires_at = ?, data = "
                + dataParam + " WHERE session_id = ?";
        String insert = "INSERT INTO " + table + " (session_id, principal, created_at, last_accessed_at, expires_at,"
                + " max_idle_seconds, version, data) VALUES (?, NULL, ?, ?, ?, ?, 1, " + dataParam + ")";
        String delete = "DELETE FROM " + table + " WHERE session_id = ?";
        Function<String, @Nullable Row> find = key -> sql(
                pool,
                select,
                ps -> {
                    ResultSet rs = ps.executeQuery(); // closed with its statement
                    return rs.next() ? new Row(rs.getLong(1), rs.getString(3)) : null;
                },
                key);
        return new RawClient<>(
                "raw jdbc",
                textOf(find, Row::data),
                find,
                (key, found, value) -> {
                    long now = System.currentTimeMillis();
                    return update(pool, update, found.version() + 1, now, now + ttlMillis, value, key) == 1;
                },
                // Insert-if-absent as the key's primary key makes it: a taken key fails the statement.
                (key, value) -> {
                    long now = System.currentTimeMillis();
                    long idle = Math.max(1, ttlMillis / 1000);
                    return update(pool, insert, key, now, now, now + ttlMillis, idle, value) == 1;
                },
                key -> update(pool, delete, key),
                pool::close);
    }

    private static int update(HikariDataSource pool, String sql, Object... params) {
        Integer rows = sql(pool, sql, PreparedStatement::executeUpdate, params);
        return rows == null ? 0 : rows;
    }

    private interface Statement<T> {
        @Nullable
        T run(PreparedStatement ps) throws SQLException;
    }

    private static <T> @Nullable T sql(HikariDataSource pool, String sql, Statement<T> run, Object... params) {
        try (Connection c = pool.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return run.run(ps);
        } catch (SQLException e) {
            throw new IllegalStateException("raw jdbc: " + e.getMessage(), e);
        }
    }
}
