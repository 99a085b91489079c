package io.sessionkit.boot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;

/**
 * Spring Boot's own properties as defaults for SessionKit keys left unset: {@code server.servlet.session.timeout} and
 * {@code server.servlet.session.cookie.*} for the expiry and the cookie; and {@code spring.data.redis.*} read for
 * {@link RedisConnection}. A {@code sessionkit.*} key that is set always wins. Values are read as Boot reads them (durations
 * without a unit: seconds for the session properties, milliseconds for Redis).
 */
final class BootDefaults {
    static final String SESSION = "server.servlet.session.";
    static final String REDIS = "spring.data.redis.";
    private static final String SK = "sessionkit.";

    private BootDefaults() {}

    static void apply(Binder binder, Map<String, String> values) {
        sessionDefaults(binder, values);
    }

    /** Whether the application configured a Redis connection of its own ({@code spring.data.redis.*}). */
    static boolean redisConfigured(Binder binder) {
        return List.of("url", "host", "port", "sentinel.master", "cluster.nodes").stream()
                .anyMatch(k -> string(binder, REDIS + k).isPresent());
    }

    private static void sessionDefaults(Binder binder, Map<String, String> values) {
        duration(binder, SESSION + "timeout", ChronoUnit.SECONDS)
                .ifPresent(d -> values.putIfAbsent(SK + "max-idle", d.toString()));
        String cookie = SESSION + "cookie.";
        string(binder, cookie + "name").ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-name", v));
        string(binder, cookie + "domain").ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-domain", v));
        string(binder, cookie + "path").ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-path", v));
        string(binder, cookie + "secure").ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-secure", v));
        string(binder, cookie + "same-site")
                .map(BootDefaults::sameSite)
                .ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-same-site", v));
        duration(binder, cookie + "max-age", ChronoUnit.SECONDS)
                .ifPresent(d -> values.putIfAbsent(SK + "servlet.cookie-max-age", d.toString()));
        string(binder, cookie + "partitioned").ifPresent(v -> values.putIfAbsent(SK + "servlet.cookie-partitioned", v));
    }

    /** Boot's {@code Cookie.SameSite} names ({@code lax}, {@code LAX}) as the filter spells them. */
    private static String sameSite(String v) {
        String lower = v.trim().toLowerCase(Locale.ROOT);
        return lower.isEmpty() ? lower : Character.toUpperCase(lower.charAt(0)) + lower.substring(1);
    }

    /**
     * The {@code sessionkit.redis.*} connection keys {@code spring.data.redis.*} give: {@code uri} ({@code url} as it
     * is, or {@code redis[s]://[user:password@]host:port/database} from the separate properties, Boot's defaults
     * {@code localhost}, 6379, database 0), and {@code sentinel.*} or {@code cluster.nodes}.
     */
    static Map<String, String> redisKeys(Binder binder) {
        if (string(binder, REDIS + "ssl.bundle").isPresent()) {
            throw new IllegalArgumentException(
                    REDIS + "ssl.bundle: SSL bundles are not supported by SessionKit's Redis "
                            + "store; use a rediss:// URL (spring.data.redis.url or sessionkit.redis.uri), which trusts the "
                            + "JVM's trust store, or give the store a Jedis client of your own (RedisSessionStore.builder()"
                            + ".client(...), as a SessionStore bean)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Optional<String> master = string(binder, REDIS + "sentinel.master");
        List<String> sentinels = list(binder, REDIS + "sentinel.nodes");
        List<String> cluster = list(binder, REDIS + "cluster.nodes");
        values.put(SK + "redis.uri", string(binder, REDIS + "url").orElseGet(() -> redisUri(binder)));
        if (master.isPresent()) {
            values.put(SK + "redis.sentinel.master", master.get());
            values.put(SK + "redis.sentinel.nodes", String.join(",", sentinels));
            string(binder, REDIS + "sentinel.password").ifPresent(p -> values.put(SK + "redis.sentinel.password", p));
        } else if (!cluster.isEmpty()) {
            values.put(SK + "redis.cluster.nodes", String.join(",", cluster));
        }
        return values;
    }

    private static String redisUri(Binder binder) {
        return RedisConnection.uri(
                binder.bind(REDIS + "ssl.enabled", Boolean.class).orElse(false),
                string(binder, REDIS + "host").orElse("localhost"),
                binder.bind(REDIS + "port", Integer.class).orElse(6379),
                binder.bind(REDIS + "database", Integer.class).orElse(0),
                string(binder, REDIS + "username"),
                string(binder, REDIS + "password"));
    }

    private static Optional<String> string(Binder binder, String key) {
        return Optional.ofNullable(binder.bind(key, String.class).orElse(null))
                .map(String::trim)
                .filter(s -> !s.isEmpty());
    }

    private static List<String> list(Binder binder, String key) {
        return binder.bind(key, Bindable.listOf(String.class)).orElse(List.of());
    }

    /** A Boot duration ({@code 30m}, {@code PT30M}, or a bare number in {@code unit}), failing under its key. */
    static Optional<Duration> duration(Binder binder, String key, ChronoUnit unit) {
        return string(binder, key).map(v -> {
            try {
                return DurationStyle.detectAndParse(v, unit);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": '" + v + "' is not a duration", e);
            }
        });
    }
}
