package io.sessionkit.redis;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.StoreFeature;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@code redis} provider: builds a {@link RedisSessionStore} from {@code sessionkit.redis.*} keys.
 *
 * <table>
 *   <caption>Keys (defaults in {@link RedisSessionStore})</caption>
 *   <tr><td>{@code sessionkit.redis.uri}</td><td>{@code redis://127.0.0.1:6379}; {@code rediss://} for TLS; user,
 *       password and database from the URI</td></tr>
 *   <tr><td>{@code sessionkit.redis.sentinel.master}, {@code .sentinel.nodes}, {@code .sentinel.password}</td>
 *       <td>Sentinel mode: master name and {@code host:port} list</td></tr>
 *   <tr><td>{@code sessionkit.redis.cluster.nodes}, {@code .cluster.max-attempts}</td><td>Cluster mode: seed
 *       {@code host:port} list</td></tr>
 *   <tr><td>{@code sessionkit.redis.pool.max-total}, {@code .pool.min-idle}, {@code .pool.max-wait}</td><td>pool</td></tr>
 *   <tr><td>{@code sessionkit.redis.connect-timeout}, {@code .read-timeout}</td><td>finite, positive durations</td></tr>
 *   <tr><td>{@code sessionkit.redis.key-prefix}</td><td>{@code sk:}</td></tr>
 *   <tr><td>{@code sessionkit.redis.expiry-grace}</td><td>native expiry past {@code expiresAt}, 60 s</td></tr>
 * </table>
 *
 * The constructor is cheap and does not connect.
 */
public final class RedisSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "redis";

    static final String PREFIX = "sessionkit.redis.";

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
        RedisSessionStore.Builder b = RedisSessionStore.builder().clock(config.clock());
        apply(config, "uri", k -> config.string(k).ifPresent(b::uri));
        Optional<String> master = config.string(PREFIX + "sentinel.master");
        List<String> sentinels = config.list(PREFIX + "sentinel.nodes");
        List<String> clusterNodes = config.list(PREFIX + "cluster.nodes");
        if (master.isPresent() != !sentinels.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "sentinel.master and " + PREFIX
                    + "sentinel.nodes: set both for Sentinel mode, or neither");
        }
        if (master.isPresent() && !clusterNodes.isEmpty()) {
            throw new IllegalArgumentException(PREFIX + "sentinel.* and " + PREFIX + "cluster.nodes: choose one mode");
        }
        apply(config, "sentinel.nodes", k -> master.ifPresent(m -> b.sentinel(m, sentinels)));
        apply(config, "sentinel.password", k -> config.string(k).ifPresent(b::sentinelPassword));
        apply(config, "cluster.nodes", k -> {
            if (!clusterNodes.isEmpty()) {
                b.cluster(clusterNodes);
            }
        });
        apply(config, "cluster.max-attempts", k -> b.clusterMaxAttempts(
                config.integer(k, RedisSessionStore.DEFAULT_CLUSTER_MAX_ATTEMPTS)));
        apply(config, "pool.max-total", k -> b.poolMaxTotal(config.integer(k, RedisSessionStore.DEFAULT_POOL_MAX_TOTAL)));
        apply(config, "pool.min-idle", k -> b.poolMinIdle(config.integer(k, RedisSessionStore.DEFAULT_POOL_MIN_IDLE)));
        apply(config, "pool.max-wait", k -> b.poolMaxWait(duration(config, k, RedisSessionStore.DEFAULT_POOL_MAX_WAIT)));
        apply(config, "connect-timeout", k -> b.connectTimeout(duration(config, k, RedisSessionStore.DEFAULT_CONNECT_TIMEOUT)));
        apply(config, "read-timeout", k -> b.readTimeout(duration(config, k, RedisSessionStore.DEFAULT_READ_TIMEOUT)));
        apply(config, "key-prefix", k -> b.keyPrefix(config.string(k, RedisSessionStore.DEFAULT_KEY_PREFIX)));
        apply(config, "expiry-grace", k -> b.expiryGrace(duration(config, k, RedisSessionStore.DEFAULT_EXPIRY_GRACE)));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "*: " + e.getMessage(), e);
        }
    }

    private static Duration duration(SessionKitConfig config, String key, Duration defaultValue) {
        return config.duration(key, defaultValue);
    }

    /** Applies one key, so that any invalid value is reported with the key's full name. */
    private static void apply(SessionKitConfig config, String suffix, Consumer<String> setter) {
        String key = PREFIX + suffix;
        try {
            setter.accept(key);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw new IllegalArgumentException(message.startsWith(key) ? message : key + ": " + message, e);
        }
    }
}
