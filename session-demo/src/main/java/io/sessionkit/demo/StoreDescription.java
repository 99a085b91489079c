package io.sessionkit.demo;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStores;
import java.util.List;
import java.util.Locale;

/**
 * What the panel and the logs say about the store in use: its name, its implementation class and where it points.
 * Credentials never appear: user info in URIs and query strings of JDBC URLs are cut.
 *
 * @param name      the value of {@code sessionkit.store}
 * @param className the store's simple class name
 * @param target    where it stores, e.g. {@code jdbc:h2:file:./data/sessions} or {@code redis://127.0.0.1:6379}
 */
record StoreDescription(String name, String className, String target) {

    static StoreDescription of(SessionKitConfig config, Object store) {
        String name = config.string(SessionStores.STORE_KEY, "?");
        return new StoreDescription(name, store.getClass().getSimpleName(), target(config, name));
    }

    /** Best-effort: the main address key of each known backend, redacted. */
    static String target(SessionKitConfig config, String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "jdbc" -> redactJdbc(config.string("sessionkit.jdbc.url", "?"));
            case "redis" -> {
                List<String> cluster = config.list("sessionkit.redis.cluster.nodes");
                List<String> sentinels = config.list("sessionkit.redis.sentinel.nodes");
                if (!cluster.isEmpty()) {
                    yield "cluster " + String.join(",", cluster);
                }
                if (!sentinels.isEmpty()) {
                    yield "sentinel " + config.string("sessionkit.redis.sentinel.master", "?") + " via "
                            + String.join(",", sentinels);
                }
                yield redactUri(config.string("sessionkit.redis.uri", "redis://127.0.0.1:6379"));
            }
            case "memcached" -> config.string("sessionkit.memcached.servers", "127.0.0.1:11211");
            case "mongo" -> redactUri(config.string("sessionkit.mongo.uri", "mongodb://127.0.0.1:27017"));
            case "local" -> "this process's memory (not shared, lost on restart)";
            default -> "";
        };
    }

    /** Drops the query (options may hold a password) and then the user info. */
    static String redactUri(String uri) {
        int query = uri.indexOf('?');
        String out = query >= 0 ? uri.substring(0, query) : uri;
        int scheme = out.indexOf("://");
        int at = out.lastIndexOf('@');
        return scheme >= 0 && at > scheme ? out.substring(0, scheme + 3) + out.substring(at + 1) : out;
    }

    static String redactJdbc(String url) {
        String out = redactUri(url);
        // H2 and MariaDB put options after ';' (PASSWORD=… is possible there too).
        int semicolon = out.indexOf(';');
        return semicolon >= 0 ? out.substring(0, semicolon) : out;
    }

    @Override
    public String toString() {
        return name + " (" + className + (target.isEmpty() ? "" : ", " + target) + ")";
    }
}
