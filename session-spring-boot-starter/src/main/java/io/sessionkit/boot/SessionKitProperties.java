package io.sessionkit.boot;

import io.sessionkit.DecodeFailurePolicy;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code sessionkit.*} keys as Spring Boot binds them: relaxed names ({@code sessionkit.maxIdle},
 * {@code SESSIONKIT_MAX_IDLE}), YAML, profiles, and IDE completion from the generated metadata. Every key has the name
 * and meaning it has without Boot (the module READMEs); a key left unset keeps SessionKit's default, which each
 * description states. A value Boot cannot convert fails the start-up with Boot's message naming the key.
 *
 * <p>Not listed here, but read from the environment all the same: {@code sessionkit.codec.types},
 * {@code sessionkit.codec.java.filter}, {@code sessionkit.codec.java.mode} ({@code sessionkit.codec} is a value and a
 * namespace at once, which a bound class cannot be), and the keys of stores other than SessionKit's own.
 *
 * @param enabled         whether the SessionKit auto-configuration is on. Default true.
 * @param store           the store: {@code local}, {@code redis}, {@code jdbc}, {@code mongo}, {@code memcached}, or
 *                        another provider's name. Default: inferred from the application's connections (its
 *                        {@code DataSource}, its {@code MongoClient}, {@code spring.data.redis.*}), else {@code local}.
 * @param maxIdle         idle timeout of new sessions. Default {@code server.servlet.session.timeout} if set, else 30m.
 * @param absoluteTimeout lifetime cap from creation, at least {@code max-idle}. Default 12h.
 * @param touchInterval   least time between access-only writes. Default a tenth of {@code max-idle}.
 * @param maxSessionSize  the largest encoded session, e.g. {@code 262144}, {@code 256KiB}, {@code 1MiB}. Default
 *                        256KiB.
 * @param maxRetries      compare-and-set attempts after the first before a conflict is reported. Default 20.
 * @param onDecodeFailure what an undecodable stored value does. Default {@code drop-session}.
 * @param codec           the attribute codec, {@code json} or {@code java}. Default {@code json}.
 * @param sweep           the collection of expired sessions.
 * @param events          session event delivery.
 * @param servlet         the servlet filter's id transport (cookie and header).
 * @param filter          the filter's registration (this starter's own keys).
 * @param security        the Spring Security integration (this starter's own keys).
 * @param metrics         the Micrometer binding (this starter's own keys).
 * @param redis           the {@code redis} store.
 * @param jdbc            the {@code jdbc} store.
 * @param mongo           the {@code mongo} store.
 * @param memcached       the {@code memcached} store.
 * @param local           the {@code local} (in-process) store.
 */
@ConfigurationProperties("sessionkit")
public record SessionKitProperties(
        @Nullable Boolean enabled,
        @Nullable String store,
        @Nullable Duration maxIdle,
        @Nullable Duration absoluteTimeout,
        @Nullable Duration touchInterval,
        @Nullable String maxSessionSize,
        @Nullable Integer maxRetries,
        @Nullable DecodeFailurePolicy onDecodeFailure,
        @Nullable String codec,
        @Nullable Sweep sweep,
        @Nullable Events events,
        @Nullable Servlet servlet,
        @Nullable Filter filter,
        @Nullable Security security,
        @Nullable Metrics metrics,
        @Nullable Redis redis,
        @Nullable Jdbc jdbc,
        @Nullable Mongo mongo,
        @Nullable Memcached memcached,
        @Nullable Local local) {

    /**
     * Expired sessions collected by this node.
     *
     * @param interval  how often; {@code 0s} never. Default 1m.
     * @param batchSize expired records claimed per store call. Default 1000.
     * @param lease     how long a claim holds before another node may retake it. Default 2m.
     */
    public record Sweep(
            @Nullable Duration interval,
            @Nullable Integer batchSize,
            @Nullable Duration lease) {}

    /**
     * Session events.
     *
     * @param queueCapacity request-path events waiting for delivery. Default 10000.
     */
    public record Events(@Nullable Integer queueCapacity) {}

    /**
     * The id transport of the servlet filter. Each cookie key falls back to its {@code server.servlet.session.cookie.*}
     * counterpart when unset; the cookie is always {@code HttpOnly}.
     *
     * @param transport         which transports are accepted: {@code cookie}, {@code header} or both. Default
     *                          {@code cookie,header}.
     * @param cookieName        the cookie's name. Default {@code SESSION}.
     * @param cookieSecure      {@code auto} (Secure when the request is), {@code true} or {@code false}. Default
     *                          {@code auto}.
     * @param cookieSameSite    {@code Lax}, {@code Strict}, {@code None} or {@code off}. Default {@code Lax}.
     * @param cookieDomain      the cookie's Domain. Default none: this host only.
     * @param cookiePath        the cookie's Path. Default the context path, or {@code /}.
     * @param cookieMaxAge      makes the cookie persistent for this long. Default unset: a browser-session cookie.
     * @param cookiePartitioned adds the {@code Partitioned} attribute (CHIPS) and makes the cookie Secure. Default
     *                          false.
     * @param headerName        the header API clients send the id in. Default {@code X-Session-Token}.
     * @param containerDefaults whether the container's session cookie settings fill in what is unset. Default true.
     */
    public record Servlet(
            @Nullable String transport,
            @Nullable String cookieName,
            @Nullable String cookieSecure,
            @Nullable String cookieSameSite,
            @Nullable String cookieDomain,
            @Nullable String cookiePath,
            @Nullable Duration cookieMaxAge,
            @Nullable Boolean cookiePartitioned,
            @Nullable String headerName,
            @Nullable Boolean containerDefaults) {}

    /**
     * The registration of the servlet filter.
     *
     * @param order the filter's order; it must run before Spring Security's chain (-100). Default
     *              {@code Integer.MIN_VALUE + 50}.
     */
    public record Filter(@Nullable Integer order) {}

    /**
     * The Spring Security integration, on when Spring Security and session-spring-security are on the class path.
     *
     * @param enabled whether to register Spring Security's session types, set the principal on login and provide the
     *                {@code SessionRegistry}. Default true.
     */
    public record Security(@Nullable Boolean enabled) {}

    /**
     * The Micrometer binding, on when session-micrometer is on the class path and the application has a
     * {@code MeterRegistry} (Actuator gives one).
     *
     * @param enabled whether to bind SessionKit's meters and {@code sessionkit.store} Observations to the manager.
     *                Default true.
     */
    public record Metrics(@Nullable Boolean enabled) {}

    /**
     * The {@code redis} store. Unset connection keys ({@code uri}, {@code sentinel.*}, {@code cluster.*}) are taken
     * from {@code spring.data.redis.*}.
     *
     * @param uri              {@code redis://[[user]:password@]host[:port][/database]}, {@code rediss://} for TLS.
     *                         Default {@code redis://127.0.0.1:6379}.
     * @param sentinel         Sentinel mode.
     * @param cluster          Cluster mode.
     * @param pool             the connection pool.
     * @param connectTimeout   TCP connect timeout. Default 2s.
     * @param readTimeout      time to wait for a reply. Default 2s.
     * @param keyPrefix        prefix of every key written. Default {@code sk:}.
     * @param expiryGrace      how far past expiry the native expiry is set. Default 60s.
     * @param expiredRetention how long an expired record stays for a sweep to claim it. Default 5m.
     */
    public record Redis(
            @Nullable String uri,
            @Nullable RedisSentinel sentinel,
            @Nullable RedisCluster cluster,
            @Nullable RedisPool pool,
            @Nullable Duration connectTimeout,
            @Nullable Duration readTimeout,
            @Nullable String keyPrefix,
            @Nullable Duration expiryGrace,
            @Nullable Duration expiredRetention) {}

    /**
     * Redis Sentinel.
     *
     * @param master   the master's name.
     * @param nodes    the Sentinels, {@code host:port} (port default 26379).
     * @param password the password of the Sentinels themselves.
     */
    public record RedisSentinel(
            @Nullable String master,
            @Nullable List<String> nodes,
            @Nullable String password) {}

    /**
     * Redis Cluster.
     *
     * @param nodes       seed nodes, {@code host:port}.
     * @param maxAttempts attempts per command. Default 3.
     */
    public record RedisCluster(
            @Nullable List<String> nodes, @Nullable Integer maxAttempts) {}

    /**
     * The Redis connection pool.
     *
     * @param maxTotal maximum connections per server. Default 16.
     * @param minIdle  idle connections kept open per server. Default 0.
     * @param maxWait  time to wait for a free connection. Default 2s.
     */
    public record RedisPool(
            @Nullable Integer maxTotal,
            @Nullable Integer minIdle,
            @Nullable Duration maxWait) {}

    /**
     * The {@code jdbc} store. Without {@code url} it uses the application's {@code DataSource}.
     *
     * @param url               a JDBC URL for a pool of the store's own. Default: the application's {@code DataSource}.
     * @param user              the user of the store's own pool.
     * @param password          the password of the store's own pool.
     * @param dialect           {@code h2}, {@code postgresql}, {@code mariadb} or {@code mysql}. Default detected.
     * @param table             the sessions table. Default {@code sessionkit_sessions}.
     * @param createSchema      whether to create the table at start-up. Default false.
     * @param pool              the store's own pool.
     * @param connectTimeout    how long to wait for a connection of the store's own pool. Default 5s.
     * @param queryTimeout      timeout of every statement. Default 5s.
     * @param sweepBatchSize    rows one purge statement deletes at most (how often: {@code sessionkit.sweep.interval}).
     *     Default 1000.
     * @param expiryGrace       how long past expiry a row is kept. Default 60s.
     * @param synchronousCommit PostgreSQL: wait for the WAL flush on each write. Default true.
     */
    public record Jdbc(
            @Nullable String url,
            @Nullable String user,
            @Nullable String password,
            @Nullable String dialect,
            @Nullable String table,
            @Nullable Boolean createSchema,
            @Nullable JdbcPool pool,
            @Nullable Duration connectTimeout,
            @Nullable Duration queryTimeout,
            @Nullable Integer sweepBatchSize,
            @Nullable Duration expiryGrace,
            @Nullable Boolean synchronousCommit) {}

    /**
     * The JDBC store's own pool (only with {@code sessionkit.jdbc.url}).
     *
     * @param maxSize maximum connections. Default 10.
     */
    public record JdbcPool(@Nullable Integer maxSize) {}

    /**
     * The {@code mongo} store. Without {@code uri} it uses the application's {@code MongoClient}, if it has one.
     *
     * @param uri            a connection string for a client of the store's own. Default: the application's
     *                       {@code MongoClient}, else {@code mongodb://127.0.0.1:27017}.
     * @param database       the database. Default {@code sessionkit}.
     * @param collection     the collection. Default {@code sessions}.
     * @param connectTimeout opening one connection of the store's own client. Default 2s.
     * @param timeout        each wait of an operation. Default 5s.
     * @param writeConcern   {@code majority} or a number of members. Default {@code majority}.
     * @param readPreference {@code primary}, {@code primary-preferred}, {@code secondary}, {@code secondary-preferred}
     *                       or {@code nearest}. Default {@code primary}.
     * @param createIndexes  whether to create the TTL and principal indexes at start. Default true.
     * @param expiryGrace    how long past expiry a document is kept, at least 60s. Default 60s.
     */
    public record Mongo(
            @Nullable String uri,
            @Nullable String database,
            @Nullable String collection,
            @Nullable Duration connectTimeout,
            @Nullable Duration timeout,
            @Nullable String writeConcern,
            @Nullable String readPreference,
            @Nullable Boolean createIndexes,
            @Nullable Duration expiryGrace) {}

    /**
     * The {@code memcached} store.
     *
     * @param servers           {@code host:port} list. Default {@code 127.0.0.1:11211}.
     * @param operationTimeout  timeout of one operation. Default 500ms.
     * @param keyPrefix         prefix of every key. Default {@code sk:}.
     * @param maxItemSize       the server's item size limit, e.g. {@code 1MiB}. Default 1MiB.
     * @param maxReconnectDelay longest pause between reconnection attempts. Default 2s.
     * @param casCacheSize      remembered CAS ids. Default 10000.
     * @param connectTimeout    TCP connect timeout. Default 1s.
     * @param expiryGrace       how far past expiry the item's exptime is set. Default 1m.
     */
    public record Memcached(
            @Nullable String servers,
            @Nullable Duration operationTimeout,
            @Nullable String keyPrefix,
            @Nullable String maxItemSize,
            @Nullable Duration maxReconnectDelay,
            @Nullable Integer casCacheSize,
            @Nullable Duration connectTimeout,
            @Nullable Duration expiryGrace) {}

    /**
     * The {@code local} store: this JVM only, sessions are not shared.
     *
     * @param maximumSize sessions kept at most. Default 100000.
     */
    public record Local(@Nullable Long maximumSize) {}
}
