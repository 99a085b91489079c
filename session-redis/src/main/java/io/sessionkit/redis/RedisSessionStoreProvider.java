package io.sessionkit.redis;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
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
 * Every bad key is reported at once, a password never; an undeclared {@code sessionkit.redis.*} key (a typo such as
 * {@code sessionkit.redis.url}) is warned about once. The constructor is cheap and does not connect.
 */
public final class RedisSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "redis";

    static final Set<String> KEYS = Set.of(
            "uri",
            "sentinel.master",
            "sentinel.nodes",
            "sentinel.password",
            "cluster.nodes",
            "cluster.max-attempts",
            "pool.max-total",
            "pool.min-idle",
            "pool.max-wait",
            "connect-timeout",
            "read-timeout",
            "key-prefix",
            "expiry-grace");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, KEYS);
        RedisSessionStore.Builder b = RedisSessionStore.builder().clock(c.clock());
        c.secret("uri").map(String::trim).filter(u -> !u.isEmpty()).ifPresent(u -> c.apply("uri", u, b::uri));
        Optional<String> master = c.string("sentinel.master");
        List<String> sentinels = c.list("sentinel.nodes");
        List<String> clusterNodes = c.list("cluster.nodes");
        if (master.isPresent() != !sentinels.isEmpty()) {
            c.problem(c.key("sentinel.master") + " and " + c.key("sentinel.nodes")
                    + ": set both for Sentinel mode, or neither");
        } else if (master.isPresent() && !clusterNodes.isEmpty()) {
            c.problem(c.key("sentinel.*") + " and " + c.key("cluster.nodes") + ": choose one mode");
        } else if (master.isPresent()) {
            c.apply("sentinel.nodes", sentinels, nodes -> b.sentinel(master.get(), nodes));
        }
        c.secret("sentinel.password").ifPresent(p -> c.apply("sentinel.password", p, b::sentinelPassword));
        if (!clusterNodes.isEmpty()) {
            c.apply("cluster.nodes", clusterNodes, b::cluster);
        }
        integer(c, "cluster.max-attempts", RedisSessionStore.DEFAULT_CLUSTER_MAX_ATTEMPTS, b::clusterMaxAttempts);
        integer(c, "pool.max-total", RedisSessionStore.DEFAULT_POOL_MAX_TOTAL, b::poolMaxTotal);
        integer(c, "pool.min-idle", RedisSessionStore.DEFAULT_POOL_MIN_IDLE, b::poolMinIdle);
        duration(c, "pool.max-wait", RedisSessionStore.DEFAULT_POOL_MAX_WAIT, b::poolMaxWait);
        duration(c, "connect-timeout", RedisSessionStore.DEFAULT_CONNECT_TIMEOUT, b::connectTimeout);
        duration(c, "read-timeout", RedisSessionStore.DEFAULT_READ_TIMEOUT, b::readTimeout);
        c.apply("key-prefix", c.string("key-prefix", RedisSessionStore.DEFAULT_KEY_PREFIX), b::keyPrefix);
        duration(c, "expiry-grace", RedisSessionStore.DEFAULT_EXPIRY_GRACE, b::expiryGrace);
        c.validate();
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.key("*") + ": " + e.getMessage(), e);
        }
    }

    /** Reads the integer key {@code suffix} (or its default) and hands it to the builder, naming the key only once. */
    private static void integer(ProviderConfig c, String suffix, int defaultValue, Consumer<Integer> setter) {
        c.apply(suffix, c.integer(suffix, defaultValue), setter);
    }

    /** Reads the duration key {@code suffix} (or its default) and hands it to the builder, naming the key only once. */
    private static void duration(ProviderConfig c, String suffix, Duration defaultValue, Consumer<Duration> setter) {
        c.apply(suffix, c.duration(suffix, defaultValue), setter);
    }
}
