package io.sessionkit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Which {@code sessionkit.*} keys are known, and the one warning about the others.
 *
 * <p>How the known set is assembled: every reader checks only the keys it owns. {@link SessionStores#open} checks the
 * core keys ({@link #CORE}, read by {@link SessionManager}); each provider's {@link ProviderConfig#validate()} checks
 * its own {@code sessionkit.<name>.*} keys; the namespaces of other stores and of {@code sessionkit.servlet.*} are
 * left to their readers (the servlet filter can check its keys with a {@code ProviderConfig} named {@code servlet}).
 * A key in a namespace nobody owns ({@code sessionkit.redsi.uri}) is reported by the core check.
 */
final class ConfigKeys {
    static final System.Logger LOG = System.getLogger("io.sessionkit.config");

    /** The keys {@link SessionManager#open(SessionKitConfig)} and {@link SessionStores#open} read. */
    static final Set<String> CORE = Set.of(
            SessionStores.STORE_KEY,
            "sessionkit.max-idle",
            "sessionkit.absolute-timeout",
            "sessionkit.touch-interval",
            "sessionkit.max-session-size",
            "sessionkit.max-retries",
            "sessionkit.on-decode-failure",
            "sessionkit.codec",
            "sessionkit.codec.types",
            "sessionkit.codec.java.filter",
            "sessionkit.codec.java.mode",
            "sessionkit.sweep.interval",
            "sessionkit.sweep.batch-size",
            "sessionkit.sweep.lease",
            "sessionkit.events.queue-capacity",
            SessionEncryption.KEYS_KEY,
            SessionEncryption.KEYS_FILE_KEY,
            SessionEncryption.PRIMARY_KEY,
            SessionEncryption.READ_PLAINTEXT_KEY);

    /** Namespaces owned by readers outside the core: the servlet filter's. Store names are added by the caller. */
    static final Set<String> OTHER_NAMESPACES = Set.of("servlet");

    /** Keys already warned about: each unknown key is named once per class loader, not at every open. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ConfigKeys() {}

    /**
     * The keys of {@code config} that {@code inScope} accepts and {@code known} lacks (each compared in its
     * {@code sessionkit.x} and {@code SESSIONKIT_X} form), in order, each with a near-miss suggestion if one is close.
     */
    static List<String> unknown(
            SessionKitConfig config,
            Predicate<String> inScope,
            Collection<String> known,
            Collection<String> namespaces) {
        Set<String> knownForms = new LinkedHashSet<>();
        for (String k : known) {
            knownForms.add(k);
            knownForms.add(SessionKitConfig.environmentName(k));
        }
        List<String> out = new ArrayList<>();
        for (String key : new TreeSet<>(config.keys())) {
            if (inScope.test(key) && !knownForms.contains(key)) {
                out.add(key + suggestion(key, known, namespaces));
            }
        }
        return out;
    }

    /** Logs {@code unknown} (from {@link #unknown}) at WARNING in one line, leaving out keys named before. */
    static void warn(List<String> unknown) {
        List<String> fresh = new ArrayList<>();
        for (String entry : unknown) {
            if (WARNED.add(entry)) {
                fresh.add(entry);
            }
        }
        if (!fresh.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "Unknown SessionKit configuration key{0} ignored: {1}",
                    fresh.size() == 1 ? "" : "s",
                    String.join(", ", fresh));
        }
    }

    /** True if {@code key} lies in {@code sessionkit.<namespace>.} in either form; {@code ""} is all of {@code sessionkit.}. */
    static boolean inNamespace(String key, String namespace) {
        String prefix = namespace.isEmpty() ? SessionKitConfig.PREFIX : SessionKitConfig.PREFIX + namespace + ".";
        return key.startsWith(prefix) || key.startsWith(SessionKitConfig.environmentName(prefix));
    }

    /** " (did you mean X?)" for the nearest known key or namespace within two edits, else "". */
    private static String suggestion(String key, Collection<String> known, Collection<String> namespaces) {
        boolean env = !key.startsWith(SessionKitConfig.PREFIX);
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            String form = env ? SessionKitConfig.environmentName(k) : k;
            int d = SessionStores.editDistance(key.toLowerCase(Locale.ROOT), form.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = form;
            }
        }
        if (best == null && !env) {
            // A slip in the namespace: sessionkit.redsi.uri → sessionkit.redis.uri.
            String rest = key.substring(SessionKitConfig.PREFIX.length());
            int dot = rest.indexOf('.');
            String ns = dot < 0 ? rest : rest.substring(0, dot);
            for (String n : namespaces) {
                int d = SessionStores.editDistance(ns.toLowerCase(Locale.ROOT), n);
                if (d > 0 && d < bestDistance && d <= (n.length() <= 4 ? 1 : 2)) {
                    bestDistance = d;
                    best = SessionKitConfig.PREFIX + n + (dot < 0 ? "" : rest.substring(dot));
                }
            }
        }
        return best == null ? "" : " (did you mean " + best + "?)";
    }
}
