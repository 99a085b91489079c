package io.sessionkit.boot;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;

/**
 * The application's Redis, for {@code redis}: where it is ({@code spring.data.redis.*}, or a
 * {@code DataRedisConnectionDetails} bean such as a {@code @ServiceConnection} container's), written as the
 * {@code sessionkit.redis.*} connection keys that the redis provider reads ({@code uri}, {@code sentinel.*},
 * {@code cluster.nodes}). {@code spring.data.redis.timeout} and {@code .connect-timeout} are the defaults of
 * {@code sessionkit.redis.read-timeout} and {@code .connect-timeout}. A {@code sessionkit.redis.uri},
 * {@code .sentinel.*} or {@code .cluster.nodes} of the application's own wins: the store then has its own connection.
 */
final class RedisConnection implements AppConnection {
    static final String DETAILS = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails";
    /** The connection details Boot makes from {@code spring.data.redis.*} when nothing else gives any. */
    static final String PROPERTIES_DETAILS =
            "org.springframework.boot.data.redis.autoconfigure.PropertiesDataRedisConnectionDetails";

    private static final String SK = "sessionkit.redis.";

    private final String description;
    private final Binder binder;
    private final Supplier<Map<String, String>> connectionKeys;

    private RedisConnection(String description, Binder binder, Supplier<Map<String, String>> connectionKeys) {
        this.description = description;
        this.binder = binder;
        this.connectionKeys = connectionKeys;
    }

    /** From {@code spring.data.redis.*}. */
    static RedisConnection fromProperties(Binder binder) {
        return new RedisConnection("spring.data.redis.*", binder, () -> BootDefaults.redisKeys(binder));
    }

    /**
     * From {@code details} unless they are Boot's own copy of {@code spring.data.redis.*} (read as properties then,
     * as before Boot made a bean of them).
     */
    static RedisConnection of(@Nullable Object details, Binder binder) {
        return details == null || details.getClass().getName().equals(PROPERTIES_DETAILS)
                ? fromProperties(binder)
                : FromDetails.connection(details, binder);
    }

    @Override
    public String store() {
        return "redis";
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean overriddenBy(SessionKitConfig config) {
        return List.of("uri", "sentinel.master", "sentinel.nodes", "cluster.nodes").stream()
                .anyMatch(k -> config.string(SK + k).isPresent());
    }

    @Override
    public SessionStore open(SessionKitConfig config) {
        if (overriddenBy(config)) {
            return SessionStores.open(config);
        }
        Map<String, String> keys = new LinkedHashMap<>(connectionKeys.get());
        BootDefaults.duration(binder, BootDefaults.REDIS + "timeout", ChronoUnit.MILLIS)
                .filter(d -> config.string(SK + "read-timeout").isEmpty())
                .ifPresent(d -> keys.put(SK + "read-timeout", d.toString()));
        BootDefaults.duration(binder, BootDefaults.REDIS + "connect-timeout", ChronoUnit.MILLIS)
                .filter(d -> config.string(SK + "connect-timeout").isEmpty())
                .ifPresent(d -> keys.put(SK + "connect-timeout", d.toString()));
        return SessionStores.open(StoreSelection.with(config, keys));
    }

    /**
     * {@code redis[s]://[user:password@]host:port/database}, the user and password URL-encoded, an IPv6 host in
     * brackets.
     */
    static String uri(
            boolean ssl, String host, int port, int database, Optional<String> user, Optional<String> password) {
        StringBuilder uri = new StringBuilder(ssl ? "rediss://" : "redis://");
        if (user.isPresent() || password.isPresent()) {
            uri.append(encode(user.orElse("")));
            password.ifPresent(p -> uri.append(':').append(encode(p)));
            uri.append('@');
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return uri.append(hostPart)
                .append(':')
                .append(port)
                .append('/')
                .append(database)
                .toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Only loaded when spring-boot-data-redis is on the class path. */
    static final class FromDetails {
        private FromDetails() {}

        static RedisConnection connection(Object bean, Binder binder) {
            DataRedisConnectionDetails details = (DataRedisConnectionDetails) bean;
            return new RedisConnection(
                    "the DataRedisConnectionDetails bean (" + bean.getClass().getSimpleName() + ")",
                    binder,
                    () -> keys(details));
        }

        /** The connection keys; Boot's precedence: Sentinel, then Cluster, then the standalone server. */
        static Map<String, String> keys(DataRedisConnectionDetails details) {
            String source = "the application's DataRedisConnectionDetails bean ("
                    + details.getClass().getName() + ")";
            if (details.getSslBundle() != null) {
                throw new IllegalArgumentException(source + " has an SSL bundle: SSL bundles are not supported by "
                        + "SessionKit's Redis store; set sessionkit.redis.uri to a rediss:// URL (which trusts the "
                        + "JVM's trust store), or give the store a Jedis client of your own (RedisSessionStore"
                        + ".builder().client(...), as a SessionStore bean)");
            }
            if (details.getMasterReplica() != null) {
                throw new IllegalArgumentException(source + " describes a static master/replica setup, which "
                        + "SessionKit's Redis store does not support; set sessionkit.redis.uri (the master) or "
                        + "sessionkit.redis.sentinel.*");
            }
            Optional<String> user = Optional.ofNullable(details.getUsername());
            Optional<String> password = Optional.ofNullable(details.getPassword());
            Map<String, String> keys = new LinkedHashMap<>();
            DataRedisConnectionDetails.Sentinel sentinel = details.getSentinel();
            DataRedisConnectionDetails.Cluster cluster = details.getCluster();
            if (sentinel != null) {
                // The redis provider takes the master's credentials and database from the URI, its host from Sentinel.
                keys.put(SK + "uri", uri(false, "localhost", 6379, sentinel.getDatabase(), user, password));
                keys.put(SK + "sentinel.master", sentinel.getMaster());
                keys.put(SK + "sentinel.nodes", nodes(sentinel.getNodes()));
                Optional.ofNullable(sentinel.getPassword()).ifPresent(p -> keys.put(SK + "sentinel.password", p));
            } else if (cluster != null) {
                keys.put(SK + "uri", uri(false, "localhost", 6379, 0, user, password));
                keys.put(SK + "cluster.nodes", nodes(cluster.getNodes()));
            } else {
                DataRedisConnectionDetails.Standalone s = details.getStandalone();
                if (s == null) {
                    throw new IllegalArgumentException(
                            source + " names no server (no standalone, Sentinel or " + "Cluster connection)");
                }
                keys.put(SK + "uri", uri(false, s.getHost(), s.getPort(), s.getDatabase(), user, password));
            }
            return keys;
        }

        private static String nodes(List<DataRedisConnectionDetails.Node> nodes) {
            return nodes.stream()
                    .map(n -> (n.host().contains(":") ? "[" + n.host() + "]" : n.host()) + ":" + n.port())
                    .collect(Collectors.joining(","));
        }
    }
}
