package io.sessionkit.reliability;

import com.sun.management.UnixOperatingSystemMXBean;
import io.sessionkit.SessionManager;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, at a fixed period during a soak, what a leak would make grow: the heap in use after a full collection,
 * the JVM's live threads and open file descriptors (every pooled connection is one: Jedis, HikariCP, spymemcached,
 * the MongoDB driver), and the entries of each manager's per-key lock table ({@code KeyLocks}, read reflectively: it
 * is package-private in session-api and has no public gauge). {@link #close()} stops it and takes a last sample.
 */
final class ResourceSampler implements AutoCloseable {
    /** One sample; {@code lockEntries} is the sum over the managers sampled. */
    record Sample(long atMillis, long heapAfterGcBytes, int threads, long openFiles, int lockEntries) {}

    private final long start = System.nanoTime();
    private final SessionManager[] managers;
    private final List<Sample> samples = new ArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "soak-resource-sampler");
        t.setDaemon(true);
        return t;
    });

    ResourceSampler(Duration period, SessionManager... managers) {
        this.managers = managers.clone();
        var unused = timer.scheduleAtFixedRate(this::sample, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        int locks = 0;
        for (SessionManager m : managers) {
            locks += lockEntries(m);
        }
        samples.add(new Sample(
                (System.nanoTime() - start) / 1_000_000,
                rt.totalMemory() - rt.freeMemory(),
                Thread.activeCount(),
                openFiles(),
                locks));
    }

    /** Stops sampling and takes one last sample (after the workers are done). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            if (!timer.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the resource sampler did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The first sample taken after the warm-up fraction of the run: the baseline a leak grows from. */
    synchronized Sample baseline() {
        return samples.get(Math.min(samples.size() - 1, Math.max(1, samples.size() / 10)));
    }

    synchronized Sample last() {
        return samples.get(samples.size() - 1);
    }

    /** One line: min–max of each series and the last sample. */
    synchronized String summary() {
        long heapMin = Long.MAX_VALUE, heapMax = 0, filesMin = Long.MAX_VALUE, filesMax = 0;
        int threadsMin = Integer.MAX_VALUE, threadsMax = 0, locksMax = 0;
        for (Sample s : samples) {
            heapMin = Math.min(heapMin, s.heapAfterGcBytes());
            heapMax = Math.max(heapMax, s.heapAfterGcBytes());
            filesMin = Math.min(filesMin, s.openFiles());
            filesMax = Math.max(filesMax, s.openFiles());
            threadsMin = Math.min(threadsMin, s.threads());
            threadsMax = Math.max(threadsMax, s.threads());
            locksMax = Math.max(locksMax, s.lockEntries());
        }
        Sample b = baseline();
        Sample l = last();
        return String.format(
                "%d samples: heap after GC %.1f-%.1f MiB (baseline %.1f, end %.1f), threads %d-%d (end %d),"
                        + " open files %d-%d (baseline %d, end %d), key-lock entries max %d (end %d)",
                samples.size(),
                mib(heapMin),
                mib(heapMax),
                mib(b.heapAfterGcBytes()),
                mib(l.heapAfterGcBytes()),
                threadsMin,
                threadsMax,
                l.threads(),
                filesMin,
                filesMax,
                b.openFiles(),
                l.openFiles(),
                locksMax,
                l.lockEntries());
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static long openFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    private static int lockEntries(SessionManager manager) {
        try {
            Field field = SessionManager.class.getDeclaredField("locks");
            field.setAccessible(true);
            Object locks = field.get(manager);
            Method size = locks.getClass().getDeclaredMethod("size");
            size.setAccessible(true);
            return (Integer) size.invoke(locks);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read SessionManager's key-lock table (renamed?)", e);
        }
    }
}
