package io.sessionkit;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
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

    static final long HOT_KEY_PAUSE_NANOS = 2_000_000L;

    private final ConcurrentHashMap<SessionKey, Entry> entries = new ConcurrentHashMap<>();

    /**
     * Runs {@code action} holding the key's lock. When others on this node are queued for the same key, the key is hot,
     * and a writer on another node may be retrying against us: the new holder first pauses a random moment (at most
     * {@link #HOT_KEY_PAUSE_NANOS}) so that a retrying writer elsewhere gets its turn instead of losing every race to
     * this node's queue.
     */
    <T> T withLock(SessionKey key, Supplier<T> action) {
        Entry entry = entries.compute(key, (k, e) -> {
            Entry held = e == null ? new Entry() : e;
            held.users++;
            return held;
        });
        entry.lock.lock();
        try {
            if (entry.users > 1) {
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(HOT_KEY_PAUSE_NANOS));
            }
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
