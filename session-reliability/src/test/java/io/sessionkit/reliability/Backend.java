package io.sessionkit.reliability;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.Corruption;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * One backend as an application meets it: a configuration map handed to {@link SessionStores#open}. The suites only
 * ever open stores this way, so adding a backend is one entry in {@link Backends}.
 *
 * <p>Besides the configuration, a backend knows how to write bad data under a key with its own raw client (Jedis, a
 * memcached socket, JDBC, the Mongo driver) — the corruption a store must survive — and how to clear what a run left
 * on a shared server.
 */
abstract class Backend {
    private final String name;

    Backend(String name) {
        this.name = name;
    }

    /** A label such as {@code jdbc-postgres}; what test names show. */
    final String name() {
        return name;
    }

    /**
     * The configuration an application would use. {@code namespace} ({@code [a-z0-9]}, at most 16 characters) keeps
     * one run's data apart from other runs on a shared server: a key prefix, a table, a database.
     */
    abstract Map<String, String> config(String namespace);

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

    /** The kinds of bad record this backend can hold, each a short description used in test output. */
    abstract List<Corruption> corruptions();

    /**
     * Overwrites the record under {@code key} (which exists and is live) with bad data of the given kind, using the
     * backend's raw client and leaving the record's expiry in the future so that a load reaches the decoding step.
     */
    abstract void corrupt(String namespace, SessionStore store, SessionKey key, Corruption kind);

    /** Removes what a run under {@code namespace} left on a shared server. Best effort. */
    void cleanup(String namespace) {}

    @Override
    public final String toString() {
        return name;
    }
}
