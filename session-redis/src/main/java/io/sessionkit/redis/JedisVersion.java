package io.sessionkit.redis;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The Jedis versions this module runs on: 7.0.0 up to, not including, 8.0. Checked when a store is built, so that any
 * other Jedis fails at once with one line that names the version found, instead of a {@code NoClassDefFoundError} at
 * some later call.
 *
 * <p>The check is by the API the store calls, not by the version number: the client builders
 * ({@code redis.clients.jedis.builders}) came with 7.0, and {@code JedisPooled} and {@code JedisSentineled} are gone in
 * 8.0 (see {@link JedisClients}). This class names no Jedis type, so it loads and reports on any Jedis, however old.
 */
final class JedisVersion {
    /** The supported range, as the error states it. */
    static final String SUPPORTED = "7.0.0 or a later 7.x";

    /** A class every supported Jedis has and 6.x lacks. */
    private static final String SINCE_7_0 = "redis.clients.jedis.builders.ClusterClientBuilder";
    /** A class every supported Jedis has and 8.0 removed. */
    private static final String UNTIL_8_0 = "redis.clients.jedis.JedisPooled";
    /** A class of every Jedis release: where the version resource is looked up from. */
    private static final String ANY_JEDIS = "redis.clients.jedis.Jedis";

    private JedisVersion() {}

    /**
     * Returns normally when the Jedis on the class path is a supported one.
     *
     * @throws IllegalStateException naming the Jedis version found and the range needed, otherwise
     */
    static void requireSupported() {
        ClassLoader loader = JedisVersion.class.getClassLoader();
        if (present(SINCE_7_0, loader) && present(UNTIL_8_0, loader)) {
            return;
        }
        String found = found(loader);
        throw new IllegalStateException("session-redis needs Jedis " + SUPPORTED + " (redis.clients:jedis), but "
                + (found == null ? "the class path has a Jedis of unknown version" : "found Jedis " + found)
                + " on the class path");
    }

    /** The version of the Jedis {@code loader} sees (from the {@code pom.properties} Jedis ships), or null. */
    static @Nullable String found(ClassLoader loader) {
        Class<?> jedis;
        try {
            jedis = Class.forName(ANY_JEDIS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        // Next to the classes, so it is the file of the jar the classes come from (Jedis reads it the same way).
        try (InputStream in = jedis.getResourceAsStream("pom.properties")) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
