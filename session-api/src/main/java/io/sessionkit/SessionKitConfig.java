package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Configuration as a view over one lookup, {@link #get(String)}, in the style of Micrometer's registry configs.
 * Keys are full names such as {@code sessionkit.store} or {@code sessionkit.redis.uri}. Typed accessors parse and
 * name the offending key when a value is bad.
 *
 * <p>Value syntax: durations as {@code 500ms}, {@code 10s}, {@code 30m}, {@code 12h}, {@code 7d} or ISO-8601
 * ({@code PT30M}); sizes as {@code 262144}, {@code 256KiB}, {@code 1MiB}; lists comma-separated; booleans
 * {@code true}/{@code false}.
 *
 * <p>Keys read by {@link SessionManager#open(SessionKitConfig)} (defaults in {@link SessionManager}):
 * {@code sessionkit.store}, {@code sessionkit.max-idle}, {@code sessionkit.absolute-timeout},
 * {@code sessionkit.touch-interval}, {@code sessionkit.max-session-size}, {@code sessionkit.max-retries},
 * {@code sessionkit.on-decode-failure}, {@code sessionkit.codec}, {@code sessionkit.codec.java.filter}.
 * Each backend documents its own {@code sessionkit.<name>.*} keys and reads them with a {@link ProviderConfig}.
 *
 * <p>Unknown keys: a key under {@code sessionkit.} that no reader declares is named once in a WARNING, with the
 * nearest known key as a suggestion. {@link SessionStores#open} checks the core keys above and keys in namespaces
 * nobody owns; each provider checks its own namespace; {@code sessionkit.servlet.*} and other stores' namespaces are
 * left to their readers. This needs a view that can list its keys ({@link #keys()}): the map, properties and
 * environment views can; a lambda cannot, and is not checked.
 */
@FunctionalInterface
public interface SessionKitConfig {
    /** The key prefix all SessionKit keys share. */
    String PREFIX = "sessionkit.";

    /** The raw value of {@code key}, or null when unset. */
    @Nullable
    String get(String key);

    /**
     * The keys this view can list, used only to warn about unknown {@code sessionkit.*} keys (see
     * {@link ProviderConfig#validate()}): full names, or environment-variable names ({@code SESSIONKIT_REDIS_URI}) for
     * the environment. Empty when the source cannot list its keys, as a plain lambda cannot; nothing is then warned.
     */
    default Set<String> keys() {
        return Set.of();
    }

    /** The clock stores and managers use; tests replace it. */
    default Clock clock() {
        return Clock.systemUTC();
    }

    /** A view over a map. */
    static SessionKitConfig of(Map<String, String> map) {
        Map<String, String> copy = Map.copyOf(map);
        return listing(copy::get, copy::keySet);
    }

    /** A view over properties. */
    static SessionKitConfig of(Properties properties) {
        Objects.requireNonNull(properties, "properties");
        return listing(properties::getProperty, properties::stringPropertyNames);
    }

    /**
     * System properties first, then environment variables named by {@link #environmentName(String)}
     * ({@code sessionkit.redis.uri} → {@code SESSIONKIT_REDIS_URI}).
     */
    static SessionKitConfig fromEnvironment() {
        return listing(
                key -> {
                    String v = System.getProperty(key);
                    return v != null ? v : System.getenv(environmentName(key));
                },
                () -> {
                    Set<String> keys = new TreeSet<>();
                    System.getProperties().stringPropertyNames().stream()
                            .filter(k -> k.startsWith(PREFIX))
                            .forEach(keys::add);
                    String envPrefix = environmentName(PREFIX);
                    System.getenv().keySet().stream()
                            .filter(k -> k.startsWith(envPrefix))
                            .forEach(keys::add);
                    return keys;
                });
    }

    /** A view whose {@link #keys()} come from {@code keys}, on the system clock. */
    private static SessionKitConfig listing(Function<String, @Nullable String> lookup, Supplier<Set<String>> keys) {
        return new ConfigView(lookup, keys, Clock::systemUTC);
    }

    /** The environment variable for a key: upper case, dots and dashes as underscores. */
    static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** This view, falling back to {@code other} for keys it lacks. */
    default SessionKitConfig orElse(SessionKitConfig other) {
        return new ConfigView(
                key -> {
                    String v = get(key);
                    return v != null ? v : other.get(key);
                },
                () -> {
                    Set<String> all = new TreeSet<>(keys());
                    all.addAll(other.keys());
                    return all;
                },
                this::clock);
    }

    /** This view with another clock. */
    default SessionKitConfig withClock(Clock clock) {
        Objects.requireNonNull(clock, "clock");
        return new ConfigView(this::get, this::keys, () -> clock);
    }

    /** The trimmed value, empty when unset or blank. */
    default Optional<String> string(String key) {
        String v = get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    default String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    default int integer(String key, int defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw invalid(key, v.get(), "a whole number");
        }
    }

    default boolean bool(String key, boolean defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, v.get(), "true or false");
        };
    }

    default Duration duration(String key, Duration defaultValue) {
        Optional<String> v = string(key);
        return v.isEmpty() ? defaultValue : parseDuration(key, v.get());
    }

    /** A size in bytes: a plain number, or a number with {@code B}, {@code KiB}, {@code MiB} or {@code GiB}. */
    default long bytes(String key, long defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String s = v.get();
        String lower = s.toLowerCase(Locale.ROOT);
        long unit = 1;
        String number = s;
        for (var e : List.of(
                Map.entry("kib", 1024L),
                Map.entry("mib", 1024L * 1024),
                Map.entry("gib", 1024L * 1024 * 1024),
                Map.entry("b", 1L))) {
            if (lower.endsWith(e.getKey())) {
                unit = e.getValue();
                number = s.substring(0, s.length() - e.getKey().length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(number);
            if (n < 0) {
                throw invalid(key, s, "a size >= 0");
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(key, s, "a size such as 262144, 256KiB or 1MiB");
        }
    }

    /** A comma-separated list, blanks dropped; empty when unset. */
    default List<String> list(String key) {
        List<String> out = new ArrayList<>();
        string(key).ifPresent(v -> {
            for (String part : v.split(",", -1)) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        });
        return List.copyOf(out);
    }

    /** An enum constant by name, case-insensitive, with dashes for underscores ({@code drop-session}). */
    default <E extends Enum<E>> E enumValue(String key, Class<E> type, E defaultValue) {
        Optional<String> v = string(key);
        if (v.isEmpty()) {
            return defaultValue;
        }
        String name = v.get().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw invalid(key, v.get(), "one of " + allowed);
    }

    /**
     * Checks every key {@link SessionManager#open(SessionKitConfig)} reads and returns this config.
     *
     * @throws IllegalArgumentException naming the first bad key
     */
    default SessionKitConfig validate() {
        SessionManager.policyFrom(this);
        SessionEncryption.fromConfig(this);
        return this;
    }

    /** An exception that names the key, the value and what was expected. */
    static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException(key + ": '" + value + "' is not valid; expected " + expected);
    }

    private static Duration parseDuration(String key, String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("pt") || lower.startsWith("p")) {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            }
            if (lower.endsWith("ms")) {
                return Duration.ofMillis(
                        Long.parseLong(lower.substring(0, lower.length() - 2).trim()));
            }
            long n = Long.parseLong(lower.substring(0, lower.length() - 1).trim());
            return switch (lower.charAt(lower.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw invalid(key, s, "a duration such as 500ms, 10s, 30m, 12h, 7d or PT30M");
            };
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw invalid(key, s, "a duration such as 500ms, 10s, 30m, 12h, 7d or PT30M");
        }
    }
}
