package io.sessionkit.reliability;

import io.sessionkit.SessionStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stores of one backend for one test, under a fresh namespace; closing closes them and clears the namespace's data
 * from the shared server.
 */
final class Fixture implements AutoCloseable {
    final Backend backend;
    final String namespace;
    private final List<SessionStore> stores = new ArrayList<>();

    Fixture(Backend backend) {
        this.backend = backend;
        this.namespace = "r"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextLong())
                        .substring(0, 12);
    }

    /** A store as an application opens it, on the real clock. */
    SessionStore open() {
        return open(Clock.systemUTC());
    }

    /** A store as an application opens it, on {@code clock}. */
    synchronized SessionStore open(Clock clock) {
        SessionStore s = backend.open(namespace, clock);
        stores.add(s);
        return s;
    }

    @Override
    public synchronized void close() {
        RuntimeException failure = null;
        for (SessionStore s : stores) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        stores.clear();
        backend.cleanup(namespace);
        if (failure != null) {
            throw failure;
        }
    }
}
