package io.sessionkit.cli;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStores;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * Where a command's configuration comes from, highest first: {@code --store}, {@code -D key=value}, the
 * {@code --config} file, then system properties and {@code SESSIONKIT_*} environment variables, as the library reads
 * them ({@link SessionKitConfig#fromEnvironment()}). A side of a copy ({@code --from}/{@code --to}) is a properties
 * file over that, or a store name that replaces {@code sessionkit.store}. Values are never printed.
 */
final class Configs {
    private Configs() {}

    /** The configuration the global options describe. */
    static SessionKitConfig global(SessionKitCli options) {
        SessionKitConfig base = SessionKitConfig.fromEnvironment();
        if (options.config != null) {
            base = SessionKitConfig.of(load(options.config)).orElse(base);
        }
        Map<String, String> top = new HashMap<>(options.properties);
        if (options.store != null) {
            top.put(SessionStores.STORE_KEY, options.store);
        }
        return top.isEmpty() ? base : SessionKitConfig.of(top).orElse(base);
    }

    /**
     * One side of a copy or a verify: {@code spec} is a properties file (an existing file, or a name ending in
     * {@code .properties}) that must name its store, or else a store name.
     */
    static SessionKitConfig side(String option, String spec, SessionKitCli options) {
        SessionKitConfig global = global(options);
        Path file = Path.of(spec);
        if (spec.endsWith(".properties") || Files.isRegularFile(file)) {
            Properties p = load(file);
            if (p.getProperty(SessionStores.STORE_KEY, "").isBlank()) {
                throw new SessionKitCli.UsageException(
                        option + " " + spec + ": " + SessionStores.STORE_KEY + " is not set in the file");
            }
            return SessionKitConfig.of(p).orElse(global);
        }
        if (!spec.matches("[A-Za-z][A-Za-z0-9_-]*")) {
            throw new SessionKitCli.UsageException(
                    option + " " + spec + ": neither a properties file nor a store name");
        }
        return SessionKitConfig.of(Map.of(SessionStores.STORE_KEY, spec)).orElse(global);
    }

    /** The store name a configuration selects, for messages; never a value of another key. */
    static @Nullable String storeName(SessionKitConfig config) {
        return config.string(SessionStores.STORE_KEY).orElse(null);
    }

    private static Properties load(Path file) {
        return readProperties(file, "no such configuration file: " + file, "");
    }

    /**
     * {@code file} read as a properties file; a usage error saying {@code missing} when it is not a file, and one
     * starting with {@code context} (an option's name and a colon, or nothing) when it cannot be read.
     */
    static Properties readProperties(Path file, String missing, String context) {
        if (!Files.isRegularFile(file)) {
            throw new SessionKitCli.UsageException(missing);
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new SessionKitCli.UsageException(context + "cannot read " + file + ": " + e.getMessage());
        }
        return p;
    }
}
