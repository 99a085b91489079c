package io.sessionkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the backend chosen by configuration and opens it.
 *
 * <p>Selection: the provider whose {@link SessionStoreProvider#name()} equals {@code sessionkit.store}, ignoring case
 * ({@code Redis} and {@code REDIS} select {@code redis}; if two providers differ only by case, the exact spelling
 * is needed). With no name configured and exactly one provider on the class path, that one. Zero providers, an
 * unknown name, or several providers and no name is an error that lists what was found; a provider that fails to
 * load is reported by its class name, never silently skipped.
 *
 * <p>An unknown name gets the nearest known name as a suggestion ("did you mean redis?"), chosen among the providers
 * found and SessionKit's own stores, and database or product names lead to the store that serves them
 * ({@code postgres} → {@code jdbc}, {@code mongodb} → {@code mongo}, {@code caffeine} → {@code local}). Errors name
 * only artifacts that exist ({@link #KNOWN_STORES}), never one made up from the name that was typed.
 */
public final class SessionStores {
    /** The key that names the backend. */
    public static final String STORE_KEY = "sessionkit.store";

    /** SessionKit's own stores: the name {@code sessionkit.store} takes, and the artifact that provides it. */
    static final Map<String, String> KNOWN_STORES = knownStores();

    /** Other names people type for a store, each with the store it means and the reason. */
    private static final Map<String, Alias> ALIASES = aliases();

    private static final int MAX_NEAR_MISS_LENGTH = 40;

    private record Alias(String store, String why) {}

    private SessionStores() {}

    private static Map<String, String> knownStores() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("redis", "session-redis");
        m.put("jdbc", "session-jdbc");
        m.put("memcached", "session-memcached");
        m.put("mongo", "session-mongo");
        m.put("local", "session-caffeine-local");
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Alias> aliases() {
        Map<String, Alias> m = new LinkedHashMap<>();
        for (String[] db : new String[][] {
            {"postgres", "PostgreSQL"},
            {"postgresql", "PostgreSQL"},
            {"pg", "PostgreSQL"},
            {"mysql", "MySQL"},
            {"mariadb", "MariaDB"},
            {"h2", "H2"}
        }) {
            m.put(db[0], new Alias("jdbc", "the jdbc store serves " + db[1]));
        }
        m.put("mongodb", new Alias("mongo", "the mongo store serves MongoDB"));
        m.put("caffeine", new Alias("local", "the local store is the in-process Caffeine store"));
        m.put("caffeine-local", new Alias("local", "the local store is the in-process Caffeine store"));
        m.put("memcache", new Alias("memcached", "the memcached store serves memcached"));
        KNOWN_STORES.forEach(
                (name, artifact) -> m.put(artifact, new Alias(name, artifact + " provides the store named " + name)));
        return Collections.unmodifiableMap(m);
    }

    /** Opens the configured store, discovering providers with the thread context class loader. */
    public static SessionStore open(SessionKitConfig config) {
        return open(config, Thread.currentThread().getContextClassLoader());
    }

    /**
     * Opens the configured store, discovering providers with {@code loader}. With {@code sessionkit.encryption.keys}
     * (or {@code keys-file}) set, the store is wrapped by that {@link SessionEncryption}, checked before anything
     * connects.
     */
    public static SessionStore open(SessionKitConfig config, ClassLoader loader) {
        SessionStoreProvider provider = select(config, loader);
        warnUnknownKeys(config, provider.name());
        java.util.Optional<SessionEncryption> encryption = SessionEncryption.fromConfig(config);
        SessionStore store = provider.create(config);
        return encryption.isPresent() ? encryption.get().wrap(store) : store;
    }

    /**
     * Warns once about {@code sessionkit.*} keys that are not core keys and lie in no namespace with a reader: the
     * chosen store's, SessionKit's other stores' and the servlet filter's are each checked by their own reader.
     */
    static void warnUnknownKeys(SessionKitConfig config, String storeName) {
        Set<String> namespaces = new LinkedHashSet<>(KNOWN_STORES.keySet());
        namespaces.add(storeName.toLowerCase(Locale.ROOT));
        namespaces.addAll(ConfigKeys.OTHER_NAMESPACES);
        ConfigKeys.warn(ConfigKeys.unknown(
                config,
                key -> ConfigKeys.inNamespace(key, "")
                        && namespaces.stream().noneMatch(ns -> ConfigKeys.inNamespace(key, ns)),
                ConfigKeys.CORE,
                namespaces));
    }

    /**
     * The provider {@link #open} would use, without creating a store.
     *
     * @throws SessionException if none or several match, saying what was found and what to do
     */
    public static SessionStoreProvider select(SessionKitConfig config, ClassLoader loader) {
        Objects.requireNonNull(config, "config");
        Discovery found = discover(loader);
        String wanted = config.string(STORE_KEY).orElse(null);
        if (wanted != null) {
            return byName(wanted, found);
        }
        if (found.providers.size() == 1 && found.failures.isEmpty()) {
            return found.providers.get(0);
        }
        if (found.providers.isEmpty() && found.failures.isEmpty()) {
            throw new SessionException("No SessionKit store on the class path. Add one backend: " + knownList()
                    + "; then set " + STORE_KEY + " to its name (case does not matter).");
        }
        throw new SessionException(
                "Set " + STORE_KEY + " to choose a SessionKit store (case does not matter). " + found.describe());
    }

    private static SessionStoreProvider byName(String wanted, Discovery found) {
        List<SessionStoreProvider> matches = new ArrayList<>();
        for (SessionStoreProvider p : found.providers) {
            if (p.name().equals(wanted)) {
                return p;
            }
            if (p.name().equalsIgnoreCase(wanted)) {
                matches.add(p);
            }
        }
        if (matches.size() == 1) {
            return matches.get(0);
        }
        if (matches.size() > 1) {
            throw new SessionException("Several SessionKit stores are named '" + wanted + "' ignoring case ("
                    + STORE_KEY + "); set the exact name. " + found.describe());
        }
        // A URI or address here is a slip (it belongs in the backend's own key) and may carry a password: not echoed.
        int colon = wanted.indexOf(':');
        boolean address = colon >= 0 || wanted.indexOf('/') >= 0 || wanted.indexOf('@') >= 0;
        if (address) {
            throw new SessionException(
                    STORE_KEY + " holds a store name such as redis or jdbc, and this looks like a URI or"
                            + " address (not shown); put that in the store's own key, e.g. sessionkit.redis.uri. "
                            + found.describe()
                            + " " + hint(colon > 0 ? wanted.substring(0, colon) : "", found));
        }
        throw new SessionException("No SessionKit store named '" + wanted + "' (" + STORE_KEY
                + ", matched ignoring case). " + found.describe() + " " + hint(wanted, found));
    }

    /** What to do about an unknown name: the near miss if there is one, else SessionKit's stores. Real artifacts only. */
    private static String hint(String wanted, Discovery found) {
        String lower = wanted.toLowerCase(Locale.ROOT);
        String failureNote = found.failures.isEmpty()
                ? ""
                : " A provider that failed to load (above) may be the one you want: fix its error first.";
        if (KNOWN_STORES.containsKey(lower)) {
            return (isFound(lower, found)
                            ? "Set " + STORE_KEY + "=" + lower
                            : "Add " + KNOWN_STORES.get(lower) + " to the class path")
                    + "." + failureNote;
        }
        Alias alias = ALIASES.get(lower);
        if (alias != null) {
            return capitalize(alias.why) + ": set " + STORE_KEY + "=" + alias.store + addIfMissing(alias.store, found)
                    + "." + failureNote;
        }
        // Longer than any store name by far: not a slip of the keyboard, and not worth a quadratic comparison.
        List<String> near = lower.length() > MAX_NEAR_MISS_LENGTH ? List.of() : nearMisses(lower, found);
        if (near.isEmpty()) {
            return "SessionKit's stores are " + knownList() + "." + failureNote;
        }
        List<String> parts = new ArrayList<>();
        for (String store : near) {
            parts.add("'" + store + "'"
                    + (KNOWN_STORES.containsKey(store) && !isFound(store, found)
                            ? " (add " + KNOWN_STORES.get(store) + ")"
                            : ""));
        }
        return "Did you mean " + String.join(" or ", parts) + "?" + failureNote;
    }

    private static String addIfMissing(String store, Discovery found) {
        return isFound(store, found) ? "" : " and add " + KNOWN_STORES.get(store) + " to the class path";
    }

    private static boolean isFound(String store, Discovery found) {
        return found.providers.stream().anyMatch(p -> p.name().equalsIgnoreCase(store));
    }

    /**
     * The stores whose name (or alias) is nearest to {@code lower} by edit distance (insertions, deletions,
     * substitutions and swaps of neighbours), if that is close enough to be a slip: one edit for names of up to four
     * characters, two for longer ones. Providers found come first.
     */
    private static List<String> nearMisses(String lower, Discovery found) {
        Map<String, String> candidates = new LinkedHashMap<>();
        for (SessionStoreProvider p : found.providers) {
            candidates.put(p.name().toLowerCase(Locale.ROOT), p.name());
        }
        KNOWN_STORES.keySet().forEach(name -> candidates.putIfAbsent(name, name));
        ALIASES.forEach((name, alias) -> candidates.putIfAbsent(name, alias.store));
        int best = Integer.MAX_VALUE;
        Set<String> stores = new LinkedHashSet<>();
        for (Map.Entry<String, String> c : candidates.entrySet()) {
            int d = editDistance(lower, c.getKey());
            if (d > (c.getKey().length() <= 4 ? 1 : 2)) {
                continue;
            }
            if (d < best) {
                best = d;
                stores.clear();
            }
            if (d == best) {
                stores.add(c.getValue());
            }
        }
        return List.copyOf(stores);
    }

    /** Optimal string alignment distance: Levenshtein plus the swap of two neighbouring characters. */
    static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String knownList() {
        List<String> parts = new ArrayList<>();
        KNOWN_STORES.forEach((name, artifact) -> parts.add(artifact + " (" + STORE_KEY + "=" + name + ")"));
        return String.join(", ", parts);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static Discovery discover(ClassLoader loader) {
        Discovery d = new Discovery();
        Iterator<ServiceLoader.Provider<SessionStoreProvider>> it =
                ServiceLoader.load(SessionStoreProvider.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<SessionStoreProvider> handle;
            try {
                if (!it.hasNext()) {
                    break;
                }
                handle = it.next();
            } catch (ServiceConfigurationError e) {
                d.failures.add(e.getMessage());
                continue;
            }
            try {
                d.providers.add(handle.get());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                d.failures.add(handle.type().getName() + ": " + rootCause(e));
            }
        }
        return d;
    }

    private static String rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static final class Discovery {
        final List<SessionStoreProvider> providers = new ArrayList<>();
        final List<String> failures = new ArrayList<>();

        String describe() {
            String names = providers.isEmpty()
                    ? "none"
                    : providers.stream()
                            .map(p -> p.name() + " (" + p.getClass().getName() + ")")
                            .collect(Collectors.joining(", "));
            String s = "Found: " + names + ".";
            if (!failures.isEmpty()) {
                s += " Failed to load: " + String.join("; ", failures) + ".";
            }
            return s;
        }
    }
}
