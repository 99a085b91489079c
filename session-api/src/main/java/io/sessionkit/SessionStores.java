package io.sessionkit;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds the backend chosen by configuration and opens it.
 *
 * <p>Selection: the provider whose {@link SessionStoreProvider#name()} equals {@code sessionkit.store}. With no name
 * configured and exactly one provider on the class path, that one. Zero providers, an unknown name, or several
 * providers and no name is an error that lists what was found; a provider that fails to load is reported by its
 * class name, never silently skipped.
 */
public final class SessionStores {
    /** The key that names the backend. */
    public static final String STORE_KEY = "sessionkit.store";

    private SessionStores() {
    }

    /** Opens the configured store, discovering providers with the thread context class loader. */
    public static SessionStore open(SessionKitConfig config) {
        return open(config, Thread.currentThread().getContextClassLoader());
    }

    /** Opens the configured store, discovering providers with {@code loader}. */
    public static SessionStore open(SessionKitConfig config, ClassLoader loader) {
        return select(config, loader).create(config);
    }

    /** The provider {@link #open} would use, without creating a store. */
    public static SessionStoreProvider select(SessionKitConfig config, ClassLoader loader) {
        Objects.requireNonNull(config, "config");
        Discovery found = discover(loader);
        String wanted = config.string(STORE_KEY).orElse(null);
        if (wanted != null) {
            for (SessionStoreProvider p : found.providers) {
                if (p.name().equals(wanted)) {
                    return p;
                }
            }
            throw new SessionException("No SessionKit store named '" + wanted + "' (" + STORE_KEY + "). " + found.describe()
                    + " Add the backend's jar (e.g. session-" + wanted + ") to the class path.");
        }
        if (found.providers.size() == 1 && found.failures.isEmpty()) {
            return found.providers.get(0);
        }
        if (found.providers.isEmpty() && found.failures.isEmpty()) {
            throw new SessionException("No SessionKit store on the class path. Add a backend such as session-redis or "
                    + "session-jdbc, then set " + STORE_KEY + ".");
        }
        throw new SessionException("Set " + STORE_KEY + " to choose a SessionKit store. " + found.describe());
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
            String names = providers.isEmpty() ? "none"
                    : providers.stream().map(p -> p.name() + " (" + p.getClass().getName() + ")").collect(Collectors.joining(", "));
            String s = "Found: " + names + ".";
            if (!failures.isEmpty()) {
                s += " Failed to load: " + String.join("; ", failures) + ".";
            }
            return s;
        }
    }
}
