package io.sessionkit.reliability;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.BadRecordWriter;
import java.time.Clock;
import java.util.Map;

/**
 * One backend as an application meets it: a configuration map handed to {@link SessionStores#open}. The suites only
 * ever open stores this way, so adding a backend is one entry in {@link Backends}.
 *
 * <p>Besides the configuration, a backend hands out its module's store backdoor, which writes bad data under a key in
 * the backend's own layout (the corruption a store must survive), and knows how to clear what a run left on a shared
 * server.
 */
abstract class Backend {
    private final String name;
    private final String store;

    /** A backend whose label is its {@code sessionkit.store} name. */
    Backend(String store) {
        this(store, store);
    }

    Backend(String name, String store) {
        this.name = name;
        this.store = store;
    }

    /** A label such as {@code jdbc-postgres}; what test names show. */
    final String name() {
        return name;
    }

    /**
     * The settings under {@code sessionkit.<store>.}, by suffix, an application would use. {@code namespace}
     * ({@code [a-z0-9]}, at most 16 characters) keeps one run's data apart from other runs on a shared server: a key
     * prefix, a table, a database.
     */
    abstract Map<String, String> settings(String namespace);

    /** The configuration an application would use: {@code sessionkit.store} and the {@link #settings}. */
    final Map<String, String> config(String namespace) {
        return Backends.config(store, settings(namespace));
    }

    /** Opens a store exactly as an application does. */
    final SessionStore open(String namespace, Clock clock) {
        return SessionStores.open(SessionKitConfig.of(config(namespace)).withClock(clock));
    }

    /**
     * Whether two stores opened with the same configuration see the same data, as two application nodes do. False for
     * the in-process store.
     */
    boolean sharedBetweenStores() {
        return true;
    }

    /**
     * Writes bad records behind {@code store}'s back (a store this backend opened), with the backend module's own
     * backdoor; its {@link BadRecordWriter#kinds()} are the kinds of bad record this backend can hold at all.
     */
    abstract BadRecordWriter badRecords(SessionStore store);

    /** Removes what a run under {@code namespace} left on a shared server. Best effort. */
    void cleanup(String namespace) {}

    @Override
    public final String toString() {
        return name;
    }
}
