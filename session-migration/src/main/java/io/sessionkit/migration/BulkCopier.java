package io.sessionkit.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.ScanPage;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Copies every live session of one store into another at once, instead of on first touch as
 * {@link MigratingSessionStore} does: the source is read with {@link SessionStore#scan} in pages, and each record is
 * {@linkplain SessionStore#create created} in the target exactly as it is stored (key, version, creation and access
 * times, idle timeout, expiry, principal, attributes), so a session is the same session in its new place and its next
 * compare-and-set succeeds there.
 *
 * <p>A record the target already holds (a live record under its key) is left untouched and counted as skipped: a copy
 * run twice, or run while a {@link MigratingSessionStore} moves sessions, never overwrites a newer version. A record
 * whose create fails is counted as failed and logged with its short key; the copy goes on. After each page the
 * {@link Progress} callback receives the counts and the scan cursor of the next page: the checkpoint. A copy started
 * with {@link Builder#resumeFrom(String)} that checkpoint goes on from there; the page that was in flight when a copy
 * stopped is copied again and its records are skipped. {@link #stop()} ends a copy after the current page.
 *
 * <p>Not guaranteed: a record changed in the source after its page was read keeps its older copy in the target (run
 * {@link #verify} afterwards, or let a {@link MigratingSessionStore} carry on); a record deleted in the source after
 * it was copied stays in the target until it expires. Records created while the scan runs may or may not be copied
 * (see {@link SessionStore#scan}).
 *
 * <p>Failed records are retried on resume: the {@link Checkpoint} lists the keys of the records whose create failed
 * (at most {@link Checkpoint#MAX_FAILED_KEYS}), and a copy resumed from it first loads each of them from the source and
 * creates it again, then goes on with the scan. Beyond that many failures the checkpoint counts the keys it could not
 * keep, and cannot be resumed: copy again from the start, which skips what was copied.
 *
 * <p>Thread-safe to {@link #stop()} from another thread; {@link #copy()} runs once at a time.
 */
public final class BulkCopier {
    /** Records per scan page unless {@link Builder#pageSize} says otherwise. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    /** Concurrent creates in the target unless {@link Builder#parallelism} says otherwise. */
    public static final int DEFAULT_PARALLELISM = 4;

    private static final System.Logger LOG = System.getLogger(BulkCopier.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SessionStore source;
    private final SessionStore target;
    private final int pageSize;
    private final int parallelism;
    private final @Nullable Checkpoint resumeFrom;
    private final Consumer<Progress> progress;
    private volatile boolean stopped;

    private BulkCopier(Builder b) {
        this.source = b.source;
        this.target = b.target;
        this.pageSize = b.pageSize;
        this.parallelism = b.parallelism;
        this.resumeFrom = b.resumeFrom;
        this.progress = b.progress;
    }

    /**
     * A copier from {@code source} (which must declare {@link StoreFeature#SCAN}) to {@code target}. The copier neither
     * owns nor closes the stores.
     *
     * @throws IllegalArgumentException if {@code source} does not declare SCAN, or both are the same object
     */
    public static Builder builder(SessionStore source, SessionStore target) {
        return new Builder(source, target);
    }

    /**
     * The counts after a page (or at the end) of a copy.
     *
     * @param copied  records created in the target
     * @param skipped records the target already held, left untouched
     * @param failed  records whose create failed (logged with their short key)
     * @param pages   pages read in this run
     * @param cursor  the cursor of the next page, {@code null} once the scan is complete
     * @param failedKeys the keys of the records not copied so far (failed in this run, or retried in it and failed
     *                again), at most {@link Checkpoint#MAX_FAILED_KEYS}
     * @param failedKeysDropped failed records whose keys were not kept, beyond that bound
     */
    public record Progress(
            long copied,
            long skipped,
            long failed,
            long pages,
            @Nullable String cursor,
            List<SessionKey> failedKeys,
            long failedKeysDropped) {
        public Progress {
            failedKeys = List.copyOf(failedKeys);
        }

        /** Records seen: copied + skipped + failed. */
        public long seen() {
            return copied + skipped + failed;
        }

        /** Where to go on from here: pass it to {@link Builder#resumeFrom(Checkpoint)}. */
        public Checkpoint checkpoint() {
            return new Checkpoint(cursor, failedKeys, failedKeysDropped);
        }
    }

    /**
     * Where a copy stopped: the scan cursor of the next page and the records still to retry. A copy resumed from it
     * retries the failed keys first (each loaded from the source again: one that is gone there is skipped), then scans
     * on from the cursor; with a {@code null} cursor (the scan had completed) it only retries.
     *
     * @param cursor            the scan cursor of the next page, {@code null} once the scan is complete
     * @param failedKeys        keys of records whose create failed, at most {@link #MAX_FAILED_KEYS}
     * @param failedKeysDropped failed records beyond that bound, whose keys were not kept: a checkpoint with any cannot
     *                          be resumed (copy from the start instead)
     */
    public record Checkpoint(@Nullable String cursor, List<SessionKey> failedKeys, long failedKeysDropped) {
        /** The most failed keys a checkpoint keeps. */
        public static final int MAX_FAILED_KEYS = 10_000;

        public Checkpoint {
            failedKeys = List.copyOf(failedKeys);
            if (failedKeys.size() > MAX_FAILED_KEYS) {
                throw new IllegalArgumentException("a checkpoint keeps at most " + MAX_FAILED_KEYS
                        + " failed keys, was given " + failedKeys.size());
            }
            if (failedKeysDropped < 0) {
                throw new IllegalArgumentException("failedKeysDropped must be 0 or more, was " + failedKeysDropped);
            }
        }

        /** A checkpoint of a scan cursor alone, nothing to retry. */
        public static Checkpoint at(String cursor) {
            return new Checkpoint(Objects.requireNonNull(cursor, "cursor"), List.of(), 0);
        }

        /** Whether a copy can go on from here: every failed record's key was kept. */
        public boolean resumable() {
            return failedKeysDropped == 0;
        }

        /** Whether there is anything left to do: a page to scan or a record to retry. */
        public boolean pending() {
            return cursor != null || !failedKeys.isEmpty() || failedKeysDropped > 0;
        }
    }

    /**
     * The outcome of {@link #copy()}.
     *
     * @param cursor   the cursor of the next page, {@code null} if {@code complete}
     * @param complete whether the scan reached its end ({@code false} after {@link #stop()})
     * @param failedKeys the keys of the records not copied (see {@link Progress#failedKeys()})
     * @param failedKeysDropped failed records whose keys were not kept
     */
    public record Result(
            long copied,
            long skipped,
            long failed,
            long pages,
            @Nullable String cursor,
            boolean complete,
            List<SessionKey> failedKeys,
            long failedKeysDropped) {
        public Result {
            failedKeys = List.copyOf(failedKeys);
        }

        /** Where to go on from here; nothing {@linkplain Checkpoint#pending() pending} once all is copied. */
        public Checkpoint checkpoint() {
            return new Checkpoint(cursor, failedKeys, failedKeysDropped);
        }
    }

    /**
     * The outcome of {@link #verify}: counts and the short keys (at most {@link #SAMPLE} of each kind) of the
     * differences found.
     *
     * @param checked   live records read from the source
     * @param missing   source records with no live record in the target
     * @param different source records whose target record differs (version, times, idle timeout, expiry, principal or
     *                  attributes as JSON values)
     * @param extra     live target records with no live record in the source
     */
    public record Verification(
            long checked,
            long missing,
            long different,
            long extra,
            List<String> missingKeys,
            List<String> differentKeys,
            List<String> extraKeys) {
        /** Short keys kept per kind of difference. */
        public static final int SAMPLE = 20;

        public Verification {
            missingKeys = List.copyOf(missingKeys);
            differentKeys = List.copyOf(differentKeys);
            extraKeys = List.copyOf(extraKeys);
        }

        /** True when nothing is missing, different or extra. */
        public boolean clean() {
            return missing == 0 && different == 0 && extra == 0;
        }
    }

    /**
     * Copies page after page until the scan ends or {@link #stop()} is called; the stores' exceptions from a scan
     * ({@link io.sessionkit.SessionStoreUnavailableException}) end the copy and propagate, the last checkpoint reported
     * standing. A create that fails is counted, not thrown.
     */
    public Result copy() {
        try {
            return copyPages();
        } finally {
            stopped = false; // here, not at the start: a stop() that lands as the copy starts is not lost
        }
    }

    private Result copyPages() {
        long copied = 0;
        long skipped = 0;
        long failed = 0;
        long pages = 0;
        @Nullable String cursor = resumeFrom == null ? null : resumeFrom.cursor();
        boolean first = resumeFrom == null;
        Failures failures = new Failures();
        ExecutorService pool = parallelism > 1
                ? Executors.newFixedThreadPool(parallelism, r -> {
                    Thread t = new Thread(r, "sessionkit-bulk-copy");
                    t.setDaemon(true);
                    return t;
                })
                : null;
        try {
            if (resumeFrom != null && !resumeFrom.failedKeys().isEmpty()) {
                int[] counts = retry(resumeFrom.failedKeys(), pool, failures);
                copied += counts[0];
                skipped += counts[1];
                failed += counts[2];
                progress.accept(
                        new Progress(copied, skipped, failed, pages, cursor, failures.keys(), failures.dropped()));
            }
            while (first || cursor != null) {
                if (stopped) {
                    return new Result(
                            copied, skipped, failed, pages, cursor, false, failures.keys(), failures.dropped());
                }
                first = false;
                ScanPage page = source.scan(cursor, pageSize);
                int[] counts = copyPage(page.records(), pool, failures);
                copied += counts[0];
                skipped += counts[1];
                failed += counts[2];
                pages++;
                cursor = page.next();
                progress.accept(
                        new Progress(copied, skipped, failed, pages, cursor, failures.keys(), failures.dropped()));
            }
            return new Result(copied, skipped, failed, pages, null, true, failures.keys(), failures.dropped());
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Ends a running copy after its current page; {@link #copy()} then returns the checkpoint. Called before
     * {@code copy()} starts, it ends that copy after its first page.
     */
    public void stop() {
        stopped = true;
    }

    /**
     * Copied, skipped and failed of the retried keys of a checkpoint: each loaded from the source again (a record gone
     * there, deleted or expired since, is skipped: nothing is left to copy) and created in the target.
     */
    private int[] retry(List<SessionKey> keys, @Nullable ExecutorService pool, Failures failures) {
        AtomicInteger gone = new AtomicInteger();
        int[] counts = run(keys, k -> k, pool, failures, key -> {
            Optional<SessionRecord> r = source.load(key);
            if (r.isEmpty()) {
                gone.incrementAndGet();
                return false;
            }
            return target.create(r.get());
        });
        LOG.log(
                System.Logger.Level.INFO,
                "retried " + keys.size() + " sessions not copied before: " + counts[0] + " copied, " + counts[2]
                        + " failed again, " + gone.get() + " no longer in the source");
        return counts;
    }

    /** Copied, skipped and failed of one page. */
    private int[] copyPage(List<SessionRecord> records, @Nullable ExecutorService pool, Failures failures) {
        return run(records, SessionRecord::key, pool, failures, target::create);
    }

    /**
     * Runs {@code copy} on each item, in parallel on {@code pool}: true if it created the record in the target, false
     * if it skipped it; an exception counts it as failed (its key kept in {@code failures}). Copied, skipped, failed.
     */
    private static <T> int[] run(
            List<T> items,
            Function<T, SessionKey> keyOf,
            @Nullable ExecutorService pool,
            Failures failures,
            Predicate<T> copy) {
        AtomicInteger copied = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Consumer<T> each = item -> {
            try {
                if (copy.test(item)) {
                    copied.incrementAndGet();
                } else {
                    skipped.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                SessionKey key = keyOf.apply(item);
                failures.add(key);
                LOG.log(System.Logger.Level.WARNING, "session " + key.shortForm() + " not copied: " + e);
            }
        };
        if (pool == null || items.size() < 2) {
            items.forEach(each);
        } else {
            List<Future<?>> running = new ArrayList<>(items.size());
            for (T item : items) {
                running.add(pool.submit(() -> each.accept(item)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("bulk copy interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("bulk copy task failed", e.getCause());
                }
            }
        }
        return new int[] {copied.get(), skipped.get(), failed.get()};
    }

    /** The keys of the records not copied in this run, up to {@link Checkpoint#MAX_FAILED_KEYS}; thread-safe. */
    private static final class Failures {
        private final LinkedHashSet<SessionKey> keys = new LinkedHashSet<>();
        private long dropped;

        synchronized void add(SessionKey key) {
            if (keys.contains(key)) {
                return;
            }
            if (keys.size() < Checkpoint.MAX_FAILED_KEYS) {
                keys.add(key);
            } else {
                dropped++;
            }
        }

        synchronized List<SessionKey> keys() {
            return List.copyOf(keys);
        }

        synchronized long dropped() {
            return dropped;
        }
    }

    /**
     * Compares two stores record by record: every live source record is looked up in the target, then every live
     * target record in the source. Costs two scans and one load per record on each side. Records that change while
     * it runs may be reported as different; run it when the copy is done and, if traffic flows, read a difference as
     * "changed since" rather than "lost".
     *
     * @param pageSize records per scan page, at least 1
     * @throws IllegalArgumentException unless both stores declare {@link StoreFeature#SCAN}
     */
    public static Verification verify(SessionStore source, SessionStore target, int pageSize) {
        requireScan(source, "source");
        requireScan(target, "target");
        checkPageSize(pageSize);
        long checked = 0;
        long missing = 0;
        long different = 0;
        long extra = 0;
        List<String> missingKeys = new ArrayList<>();
        List<String> differentKeys = new ArrayList<>();
        List<String> extraKeys = new ArrayList<>();
        @Nullable String cursor = null;
        do {
            ScanPage page = source.scan(cursor, pageSize);
            for (SessionRecord r : page.records()) {
                checked++;
                Optional<SessionRecord> copy = target.load(r.key());
                if (copy.isEmpty()) {
                    missing++;
                    sample(missingKeys, r);
                } else if (!sameSession(r, copy.get())) {
                    different++;
                    sample(differentKeys, r);
                }
            }
            cursor = page.next();
        } while (cursor != null);
        do {
            ScanPage page = target.scan(cursor, pageSize);
            for (SessionRecord r : page.records()) {
                if (source.load(r.key()).isEmpty()) {
                    extra++;
                    sample(extraKeys, r);
                }
            }
            cursor = page.next();
        } while (cursor != null);
        return new Verification(checked, missing, different, extra, missingKeys, differentKeys, extraKeys);
    }

    private static void sample(List<String> keys, SessionRecord r) {
        if (keys.size() < Verification.SAMPLE) {
            keys.add(r.key().shortForm());
        }
    }

    /**
     * Whether two records are the same session: equal metadata, and attributes equal as JSON values (PostgreSQL's
     * JSONB and MySQL's JSON reorder keys and drop whitespace, so the texts of one session may differ).
     */
    static boolean sameSession(SessionRecord a, SessionRecord b) {
        if (a.version() != b.version()
                || !a.createdAt().equals(b.createdAt())
                || !a.lastAccessedAt().equals(b.lastAccessedAt())
                || !a.maxIdle().equals(b.maxIdle())
                || !a.expiresAt().equals(b.expiresAt())
                || !Objects.equals(a.principal(), b.principal())) {
            return false;
        }
        if (a.attributes().equals(b.attributes())) {
            return true;
        }
        try {
            JsonNode x = JSON.readTree(a.attributes());
            JsonNode y = JSON.readTree(b.attributes());
            return x.equals(y);
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    private static void requireScan(SessionStore store, String which) {
        if (!store.features().contains(StoreFeature.SCAN)) {
            throw new IllegalArgumentException(
                    "the " + which + " store (" + store.getClass().getSimpleName() + ") does not declare "
                            + StoreFeature.SCAN + ", so its sessions cannot be listed");
        }
    }

    private static int checkPageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be at least 1, was " + pageSize);
        }
        return pageSize;
    }

    /** Builds a {@link BulkCopier}. Not thread-safe. */
    public static final class Builder {
        private final SessionStore source;
        private final SessionStore target;
        private int pageSize = DEFAULT_PAGE_SIZE;
        private int parallelism = DEFAULT_PARALLELISM;
        private @Nullable Checkpoint resumeFrom;
        private Consumer<Progress> progress = p -> {};

        private Builder(SessionStore source, SessionStore target) {
            this.source = Objects.requireNonNull(source, "source");
            this.target = Objects.requireNonNull(target, "target");
            if (source == target) {
                throw new IllegalArgumentException("source and target are the same store");
            }
            requireScan(source, "source");
        }

        /** Records per scan page, at least 1; default {@value BulkCopier#DEFAULT_PAGE_SIZE}. */
        public Builder pageSize(int pageSize) {
            this.pageSize = checkPageSize(pageSize);
            return this;
        }

        /** Creates in flight at once in the target, 1..64; default {@value BulkCopier#DEFAULT_PARALLELISM}. */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > 64) {
                throw new IllegalArgumentException("parallelism must be in 1..64, was " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /** Starts at this scan cursor ({@link Progress#cursor()} of an earlier copy of the same source), retrying nothing. */
        public Builder resumeFrom(String cursor) {
            this.resumeFrom = Checkpoint.at(cursor);
            return this;
        }

        /**
         * Goes on from this checkpoint of an earlier copy of the same pair ({@link Progress#checkpoint()} or
         * {@link Result#checkpoint()}): retries its failed keys first, then scans on from its cursor (if any).
         *
         * @throws IllegalArgumentException if the checkpoint is not {@linkplain Checkpoint#resumable() resumable}: more
         *     records failed than it keeps keys of, so only a copy from the start copies them all
         */
        public Builder resumeFrom(Checkpoint checkpoint) {
            Objects.requireNonNull(checkpoint, "checkpoint");
            if (!checkpoint.resumable()) {
                throw new IllegalArgumentException("the checkpoint lost the keys of " + checkpoint.failedKeysDropped()
                        + " failed sessions (it keeps at most " + Checkpoint.MAX_FAILED_KEYS
                        + "): copy again from the start, which skips what was copied");
            }
            this.resumeFrom = checkpoint;
            return this;
        }

        /** Called after each page, on the copying thread; an exception it throws ends the copy. */
        public Builder progress(Consumer<Progress> progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        public BulkCopier build() {
            return new BulkCopier(this);
        }
    }
}
