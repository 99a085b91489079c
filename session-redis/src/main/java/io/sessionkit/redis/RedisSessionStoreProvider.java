package io.sessionkit.redis;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
 *   <tr><td>{@code sessionkit.redis.expired-retention}</td><td>how much longer an expired record is kept for the
 *       sweep to claim it, 5 min</td></tr>
 * </table>
 *
 * Every bad key is reported at once, a password never; an undeclared {@code sessionkit.redis.*} key (a typo such as
 * {@code sessionkit.redis.url}) is warned about once. The constructor is cheap and does not connect.
 */
public final class RedisSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "redis";

    /** The keys besides the common {@code connect-timeout} and {@code expiry-grace} ({@link ProviderConfig#common}). */
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
            "read-timeout",
            "key-prefix",
            "expired-retention");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, KEYS);
        RedisSessionStore.Builder b = RedisSessionStore.builder();
        c.common(b::clock, b::connectTimeout, b::expiryGrace);
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
        c.integer("cluster.max-attempts", b::clusterMaxAttempts);
        c.integer("pool.max-total", b::poolMaxTotal);
        c.integer("pool.min-idle", b::poolMinIdle);
        c.duration("pool.max-wait", b::poolMaxWait);
        c.duration("read-timeout", b::readTimeout);
        c.string("key-prefix", b::keyPrefix);
        c.duration("expired-retention", b::expiredRetention);
        c.validate();
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.key("*") + ": " + e.getMessage(), e);
        }
    }
}
