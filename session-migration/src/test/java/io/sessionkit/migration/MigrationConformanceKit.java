package io.sessionkit.migration;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.jdbc.JdbcBackdoor;
import io.sessionkit.memcached.MemcachedBackdoor;
import io.sessionkit.redis.RedisBackdoor;
import io.sessionkit.tck.InterceptingSessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit on a {@link MigratingSessionStore} over real servers, for the two pairs issue 19 names
 * (Redis → PostgreSQL, memcached → Redis), each in two states of a migration:
 *
 * <ul>
 *   <li>{@link Phase#MID_MIGRATION}: every record the kit creates is written to the <em>old</em> store, as if it had
 *       been stored before the migration began, so every rule runs through the fallback and the move on first touch;
 *   <li>{@link Phase#WRITTEN_THROUGH}: records are created through the migrating store, so they land in the new one
 *       and the old store is only consulted.
 * </ul>
 *
 * The stores are opened from configuration by the {@code migrating} provider, as an application would open them.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(MigrationConformanceKit.Phase.class)
abstract class MigrationConformanceKit extends SessionStoreConformanceKit {

    enum Pair {
        REDIS_TO_POSTGRES("redis", "jdbc"),
        MEMCACHED_TO_REDIS("memcached", "redis");

        final String from;
        final String to;

        Pair(String from, String to) {
            this.from = from;
            this.to = to;
        }
    }

    enum Phase {
        MID_MIGRATION,
        WRITTEN_THROUGH
    }

    /** One subclass per pair: the kit probes a class's features once, and the pairs declare different ones. */
    abstract Pair pair();

    @Parameter
    Phase phase;

    private static final Queue<String> NAMESPACES = new ConcurrentLinkedQueue<>();
    private static UnifiedJedis redis;

    private static synchronized UnifiedJedis redis() {
        if (redis == null) {
            redis = RedisClient.create(TestServers.redisUri());
        }
        return redis;
    }

    @AfterAll
    static void removeWhatTheRunsStored() throws SQLException {
        try (Connection c = DriverManager.getConnection(TestServers.postgresUrl());
                Statement s = c.createStatement()) {
            for (String namespace : NAMESPACES) {
                RedisBackdoor.deleteKeys(redis(), keyPrefix(namespace));
                s.execute("DROP TABLE IF EXISTS " + table(namespace));
            }
        }
        NAMESPACES.clear();
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    private static String keyPrefix(String namespace) {
        return "sk:mig:" + namespace + ":";
    }

    private static String table(String namespace) {
        return "mig_" + namespace;
    }

    /** What an application would configure: the provider, the pair, and each store's own keys. */
    static Map<String, String> settings(Pair pair, String namespace) {
        Map<String, String> m = new HashMap<>();
        m.put("sessionkit.store", "migrating");
        m.put("sessionkit.migrating.from", pair.from);
        m.put("sessionkit.migrating.to", pair.to);
        m.put("sessionkit.redis.uri", TestServers.redisUri().toString());
        m.put("sessionkit.redis.key-prefix", keyPrefix(namespace));
        m.put("sessionkit.memcached.servers", TestServers.memcachedServers());
        m.put("sessionkit.memcached.key-prefix", keyPrefix(namespace));
        m.put("sessionkit.memcached.operation-timeout", "2s");
        m.put("sessionkit.jdbc.url", TestServers.postgresUrl());
        m.put("sessionkit.jdbc.table", table(namespace));
        m.put("sessionkit.jdbc.create-schema", "true");
        m.put("sessionkit.jdbc.pool.max-size", "4");
        return m;
    }

    @Override
    protected SessionStore createStore(TckContext context) {
        NAMESPACES.add(context.namespace());
        SessionStore store = SessionStores.open(
                SessionKitConfig.of(settings(pair(), context.namespace())).withClock(context.clock()));
        MigratingSessionStore migrating = (MigratingSessionStore) store;
        return phase == Phase.MID_MIGRATION ? new CreatedInOldStore(migrating) : migrating;
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        MigratingSessionStore migrating = store instanceof CreatedInOldStore c
                ? (MigratingSessionStore) c.delegate()
                : (MigratingSessionStore) store;
        return Optional.of(new BothStores(migrating, backdoorOf(migrating.from()), backdoorOf(migrating.to())));
    }

    private static StoreBackdoor backdoorOf(SessionStore store) {
        return switch (store.getClass().getSimpleName()) {
            case "RedisSessionStore" -> RedisBackdoor.of(store, redis());
            case "JdbcSessionStore" -> JdbcBackdoor.of(store);
            case "MemcachedSessionStore" -> MemcachedBackdoor.of(store);
            default -> throw new IllegalArgumentException(store.getClass().getName());
        };
    }

    /** Sessions created before the migration: the kit's creates go to the old store, everything else through. */
    static final class CreatedInOldStore extends InterceptingSessionStore {
        private final MigratingSessionStore migrating;

        CreatedInOldStore(MigratingSessionStore migrating) {
            super(migrating);
            this.migrating = migrating;
        }

        @Override
        public boolean create(SessionRecord record) {
            return migrating.to().load(record.key()).isEmpty()
                    && migrating.from().create(record);
        }
    }

    /** The view behind both stores: a record is looked at, or corrupted, where it lives now. */
    record BothStores(MigratingSessionStore store, StoreBackdoor from, StoreBackdoor to) implements StoreBackdoor {
        @Override
        public String dump() {
            return "old store:\n" + from.dump() + "\nnew store:\n" + to.dump();
        }

        @Override
        public void corrupt(SessionKey key) {
            (inNewStore(key) ? to : from).corrupt(key);
        }

        @Override
        public Optional<Instant> nativeExpiry(SessionKey key) {
            return inNewStore(key) ? to.nativeExpiry(key) : from.nativeExpiry(key);
        }

        private boolean inNewStore(SessionKey key) {
            return to.nativeExpiry(key).isPresent() || store.to().load(key).isPresent();
        }
    }
}
