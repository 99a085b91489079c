package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link KeyLocks} keeps an entry only while someone holds or waits for it: a long-running node does not leak one per session. */
class KeyLocksTest {
    private final KeyLocks locks = new KeyLocks();

    @Test
    void releasesTheEntryAfterEachUse() {
        for (int i = 0; i < 1000; i++) {
            SessionKey key = SessionId.generate().key();
            assertThat(locks.withLock(key, () -> locks.size())).isEqualTo(1);
        }
        assertThat(locks.size()).isZero();
    }

    @Test
    void releasesTheEntryWhenTheActionThrows() {
        SessionKey key = SessionId.generate().key();
        assertThatThrownBy(() -> locks.withLock(key, () -> {
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        assertThat(locks.size()).isZero();
    }

    @Test
    void oneEntryPerKeyWhileQueuedAndNoneAfter() throws Exception {
        SessionKey key = SessionId.generate().key();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Integer>> sizes = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SessionKey k = t % 2 == 0 ? key : SessionId.generate().key();
                sizes.add(pool.submit(() -> {
                    start.await();
                    return locks.withLock(k, () -> locks.size());
                }));
            }
            start.countDown();
            for (Future<Integer> size : sizes) {
                // Four threads share one key: never more entries than distinct keys in use.
                assertThat(size.get(30, TimeUnit.SECONDS)).isBetween(1, 5);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(locks.size()).isZero();
    }
}
