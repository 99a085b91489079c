package io.sessionkit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Per-session fair locks inside one JVM. Writers of the same session on this node queue up instead of racing each
 * other's compare-and-set, so retries are left for writers on other nodes and no thread starves. Entries exist only
 * while someone holds or waits for them.
 */
final class KeyLocks {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    private final ConcurrentHashMap<SessionKey, Entry> entries = new ConcurrentHashMap<>();

    <T> T withLock(SessionKey key, Supplier<T> action) {
        Entry entry = entries.compute(key, (k, e) -> {
            Entry held = e == null ? new Entry() : e;
            held.users++;
            return held;
        });
        entry.lock.lock();
        try {
            return action.get();
        } finally {
            entry.lock.unlock();
            entries.computeIfPresent(key, (k, e) -> --e.users == 0 ? null : e);
        }
    }

    int size() {
        return entries.size();
    }
}
