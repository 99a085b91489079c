package io.sessionkit.redis;

import io.sessionkit.ConfiguredStoreProvider;

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
 *   <tr><td>{@code sessionkit.redis.username}, {@code .password}</td><td>given apart from the URI (not also in it)</td></tr>
 *   <tr><td>{@code sessionkit.redis.tls.ca-file} or {@code .tls.trust-store} (+ {@code -password}),
 *       {@code .tls.certificate-file} + {@code .tls.key-file} or {@code .tls.key-store} (+ {@code -password}),
 *       {@code .tls.verify-hostname}</td><td>TLS trust, client certificate, hostname check (default on); need
 *       {@code rediss://}</td></tr>
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
public final class RedisSessionStoreProvider extends ConfiguredStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "redis";

    public RedisSessionStoreProvider() {
        super(NAME, RedisSessionStore.Builder::fromKeys);
    }
}
