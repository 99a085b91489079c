package io.sessionkit.testing;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * A compare-and-set delete racing a compare-and-set replace of the same version, round after round: the check is the
 * same on every backend, so it lives once here. It asserts with plain {@link AssertionError}s, as this module has no
 * assertion library in main scope.
 */
public final class DeleteReplaceRace {
    private static final long WAIT_SECONDS = 10;

    private DeleteReplaceRace() {}

    /**
     * Runs {@code rounds} rounds. In each, {@code created} stores a fresh version-1 record (and may prepare what the
     * replacing side needs, such as memcached's CAS id) and returns it; then {@code replacer.replace(v2, 1)} and
     * {@code deleter.delete(key, 1)} start together. Exactly one must win: the replace ({@code OK}, the delete
     * {@code CONFLICT}, version 2 left, read through {@code deleter}) or the delete ({@code OK}, the replace
     * {@code GONE}, nothing left, read through {@code replacer}). The two stores may be one.
     *
     * @throws AssertionError naming the round that had no single winner
     */
    public static void assertExactlyOneWinner(
            int rounds, IntFunction<SessionRecord> created, SessionStore replacer, SessionStore deleter)
            throws InterruptedException, ExecutionException, TimeoutException {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < rounds; round++) {
                SessionRecord v1 = created.apply(round);
                CountDownLatch start = new CountDownLatch(1);
                Future<ReplaceResult> replace = pool.submit(() -> {
                    start.await();
                    return replacer.replace(v1.withVersion(2), 1);
                });
                Future<ReplaceResult> delete = pool.submit(() -> {
                    start.await();
                    return deleter.delete(v1.key(), 1);
                });
                start.countDown();
                ReplaceResult replaced = replace.get(WAIT_SECONDS, TimeUnit.SECONDS);
                ReplaceResult deleted = delete.get(WAIT_SECONDS, TimeUnit.SECONDS);
                if (replaced == ReplaceResult.OK) {
                    check(
                            deleted == ReplaceResult.CONFLICT,
                            round,
                            "the replace won, so the delete must be CONFLICT, was " + deleted);
                    long left =
                            deleter.load(v1.key()).map(SessionRecord::version).orElse(0L);
                    check(
                            left == 2,
                            round,
                            "the replace won, so version 2 must be left, was " + (left == 0 ? "nothing" : left));
                } else {
                    check(
                            deleted == ReplaceResult.OK,
                            round,
                            "the replace lost (" + replaced + "), so the delete must be OK, was " + deleted);
                    check(
                            replaced == ReplaceResult.GONE,
                            round,
                            "the delete won, so the replace must be GONE, was " + replaced);
                    check(replacer.load(v1.key()).isEmpty(), round, "the delete won, but the record is still there");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void check(boolean holds, int round, String message) {
        if (!holds) {
            throw new AssertionError("round " + round + ": " + message);
        }
    }
}
