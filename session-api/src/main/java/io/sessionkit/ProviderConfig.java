package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code sessionkit.<name>.*} keys of one provider, read by suffix ({@code "connect-timeout"}), in the style of
 * Micrometer's {@code Validated}: a bad value does not throw at once but is collected, the accessor returns the
 * default so reading goes on, and {@link #validate()} reports <em>every</em> bad key in one
 * {@link IllegalArgumentException}. For backend authors: public so that a third-party provider reads and checks its
 * keys the same way. Not thread-safe; one instance per {@link SessionStoreProvider#create} call.
 *
 * <p>Secrets: a key read with {@link #secret} (passwords, URIs that may carry one) never has its value in a message;
 * an error names the key only. {@link #validate()} also logs, once per key, a WARNING about keys under the prefix
 * that the provider did not declare, with the nearest declared key. A key is declared by reading it (any accessor
 * below, set or not), so a provider that reads every key before {@code validate()} lists them nowhere else; a reader
 * that accepts keys it does not read names them in {@link #of(SessionKitConfig, String, Set)} ({@code sessionkit.redis.url} → {@code
 * sessionkit.redis.uri}); it needs a config that can list its keys ({@link SessionKitConfig#keys()}).
 */
public final class ProviderConfig {
    private static final String CONNECT_TIMEOUT = "connect-timeout";
    private static final String EXPIRY_GRACE = "expiry-grace";

    private final SessionKitConfig config;
    private final String name;
    private final String prefix;
    private final Set<String> keys = new LinkedHashSet<>();
    private final Set<String> secrets = new HashSet<>();
    private final List<String> problems = new ArrayList<>();
    private @Nullable IllegalArgumentException firstProblem;

    private ProviderConfig(SessionKitConfig config, String name, Set<String> suffixes) {
        this.config = Objects.requireNonNull(config, "config");
        this.name = Objects.requireNonNull(name, "name");
        this.prefix = SessionKitConfig.PREFIX + name + ".";
        suffixes.forEach(s -> keys.add(prefix + s));
    }

    /** A reader of the {@code sessionkit.<name>.*} keys of {@code config}; the keys it reads are the declared ones. */
    public static ProviderConfig of(SessionKitConfig config, String name) {
        return new ProviderConfig(config, name, Set.of());
    }

    /**
     * A reader of the {@code sessionkit.<name>.*} keys of {@code config} that also accepts keys it does not read.
     *
     * @param suffixes keys to declare besides those read, without the prefix: {@code uri}, {@code pool.max-size}
     */
    public static ProviderConfig of(SessionKitConfig config, String name, Set<String> suffixes) {
        return new ProviderConfig(config, name, suffixes);
    }

    /** The full key of {@code suffix}: {@code sessionkit.<name>.<suffix>}. */
    public String key(String suffix) {
        return prefix + suffix;
    }

    /** The clock the store is to use. */
    public Clock clock() {
        return config.clock();
    }

    /** The declared keys so far (named in {@code of} or read), full names. */
    public Set<String> keys() {
        return Set.copyOf(keys);
    }

    public Optional<String> string(String suffix) {
        return config.string(declared(suffix));
    }

    public String string(String suffix, String defaultValue) {
        return config.string(declared(suffix), defaultValue);
    }

    /** A secret, as set (not trimmed), empty when unset; from now on no message shows this key's value. */
    public Optional<String> secret(String suffix) {
        secrets.add(declared(suffix));
        return Optional.ofNullable(config.get(key(suffix)));
    }

    public int integer(String suffix, int defaultValue) {
        return read(() -> config.integer(declared(suffix), defaultValue), defaultValue);
    }

    public boolean bool(String suffix, boolean defaultValue) {
        return read(() -> config.bool(declared(suffix), defaultValue), defaultValue);
    }

    public Duration duration(String suffix, Duration defaultValue) {
        return read(() -> config.duration(declared(suffix), defaultValue), defaultValue);
    }

    public long bytes(String suffix, long defaultValue) {
        return read(() -> config.bytes(declared(suffix), defaultValue), defaultValue);
    }

    /** A comma-separated list, blanks dropped; empty when unset. */
    public List<String> list(String suffix) {
        return config.list(declared(suffix));
    }

    /** {@code host:port} entries (see {@link BuilderChecks#hostPorts}); {@code defaultValue} when unset or bad. */
    public List<BuilderChecks.HostPort> hostPorts(
            String suffix, List<BuilderChecks.HostPort> defaultValue, int defaultPort) {
        List<String> entries = list(suffix);
        if (entries.isEmpty()) {
            return defaultValue;
        }
        return read(() -> BuilderChecks.hostPorts(key(suffix), entries, defaultPort), defaultValue);
    }

    /**
     * Passes {@code value} (read from {@code suffix}) to a builder setter; if the setter refuses it, records the
     * setter's message under the key's name (the setter's own name, if it leads the message, is replaced by the key).
     */
    public <T> void apply(String suffix, T value, Consumer<T> setter) {
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            int colon = message.indexOf(": ");
            boolean ledBySetter = colon > 0 && message.substring(0, colon).matches("[A-Za-z][A-Za-z0-9.]*");
            String detail = ledBySetter ? message.substring(colon + 2) : message;
            record(key(suffix), detail, e);
        }
    }

    /**
     * If {@code suffix} is set, passes its value as a duration to a builder setter, as {@link #apply} does; unset, the
     * setter is not called and the builder's own default stands. A value that does not parse is recorded as
     * {@link #duration(String, Duration)} records it.
     */
    public void duration(String suffix, Consumer<Duration> setter) {
        ifSet(suffix, () -> config.duration(key(suffix), Duration.ZERO), setter);
    }

    /** As {@link #duration(String, Consumer)}, for a whole number. */
    public void integer(String suffix, Consumer<Integer> setter) {
        ifSet(suffix, () -> config.integer(key(suffix), 0), setter);
    }

    /** As {@link #duration(String, Consumer)}, for a size in bytes ({@link #bytes(String, long)}). */
    public void bytes(String suffix, Consumer<Long> setter) {
        ifSet(suffix, () -> config.bytes(key(suffix), 0), setter);
    }

    /** As {@link #duration(String, Consumer)}, for {@code true} or {@code false}. */
    public void bool(String suffix, Consumer<Boolean> setter) {
        ifSet(suffix, () -> config.bool(key(suffix), false), setter);
    }

    /** As {@link #duration(String, Consumer)}, for the trimmed text. */
    public void string(String suffix, Consumer<String> setter) {
        ifSet(suffix, () -> config.string(key(suffix), ""), setter);
    }

    /**
     * Reads what every networked backend takes from the same keys and hands it to the builder: the
     * {@linkplain #clock() clock}, always; {@code connect-timeout}, how long opening a connection may take, and
     * {@code expiry-grace}, how long past its expiry a record may stay stored (the native TTL's margin, or how long a
     * sweep waits), both durations and only when set, so that the builder's own default stands otherwise (reading them
     * declares them, as every accessor does). For backend authors: a third-party backend that calls it takes these keys
     * with the same names and meaning as SessionKit's own.
     */
    public void common(Consumer<Clock> clock, Consumer<Duration> connectTimeout, Consumer<Duration> expiryGrace) {
        clock.accept(clock());
        duration(CONNECT_TIMEOUT, connectTimeout);
        duration(EXPIRY_GRACE, expiryGrace);
    }

    /** Records that {@code suffix} holds a bad value; {@code expected} says what it may hold. */
    public void invalid(String suffix, String expected) {
        String key = key(suffix);
        record(key, "'" + config.get(key) + "' is not valid; expected " + expected, null);
    }

    /** Records a problem that concerns several keys; {@code message} names them. */
    public void problem(String message) {
        record(null, message, null);
    }

    /**
     * Warns once about undeclared keys under the prefix, then throws if anything was recorded.
     *
     * @throws IllegalArgumentException naming every bad key, in the order read, separated by {@code "; "}
     */
    public void validate() {
        ConfigKeys.warn(ConfigKeys.unknown(config, k -> ConfigKeys.inNamespace(k, name), keys, Set.of()));
        if (!problems.isEmpty()) {
            String message = String.join("; ", problems);
            throw firstProblem != null && message.equals(firstProblem.getMessage())
                    ? firstProblem
                    : new IllegalArgumentException(message, firstProblem);
        }
    }

    /** The full key of {@code suffix}, from now on declared. */
    private String declared(String suffix) {
        String key = key(suffix);
        keys.add(key);
        return key;
    }

    private <T> T read(Supplier<T> parse, T defaultValue) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            unparsable(e);
            return defaultValue;
        }
    }

    private <T> void ifSet(String suffix, Supplier<T> parse, Consumer<T> setter) {
        if (string(suffix).isEmpty()) {
            return;
        }
        T value;
        try {
            value = parse.get();
        } catch (IllegalArgumentException e) {
            unparsable(e);
            return;
        }
        apply(suffix, value, setter);
    }

    private void unparsable(IllegalArgumentException e) {
        // SessionKitConfig's message already leads with the key.
        record(null, Objects.requireNonNullElse(e.getMessage(), e.toString()), e);
    }

    private void record(@Nullable String key, String detail, @Nullable IllegalArgumentException cause) {
        String message = key == null ? detail : key + ": " + detail;
        for (String secret : secrets) {
            String value = config.get(secret);
            if (value != null && !value.isEmpty() && message.contains(value)) {
                message = message.replace(value, "(value not shown)");
                cause = null; // its message holds the value too
            }
        }
        if (problems.isEmpty()) {
            firstProblem = cause;
        }
        problems.add(message);
    }
}
