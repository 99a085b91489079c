package io.sessionkit.cli;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionStore;
import io.sessionkit.migration.BulkCopier;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "copy",
        description = {
            "Copy every live session from one store to another, preserving key, version, times, expiry, principal",
            "and attributes. Sessions the target holds already are skipped, never overwritten. A checkpoint is",
            "written after each page; --resume goes on from it, retrying the sessions whose copy failed first.",
            "Progress on stderr."
        })
final class CopyCommand extends StoreCommand {
    @Mixin
    StorePair stores = new StorePair();

    @Option(
            names = "--resume",
            description = "Go on from the checkpoint file of an earlier copy of this pair: retry its failed sessions,"
                    + " then scan on.")
    boolean resume;

    @Option(
            names = "--checkpoint",
            paramLabel = "FILE",
            defaultValue = "sessionkit-copy.checkpoint",
            description = "Where the checkpoint is kept (default ${DEFAULT-VALUE}); removed when the copy completes"
                    + " with nothing failed.")
    Path checkpoint = Path.of("sessionkit-copy.checkpoint");

    @Option(
            names = "--page-size",
            defaultValue = "500",
            description = "Records per scan page (default ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(
            names = "--threads",
            defaultValue = "4",
            description = "Creates in flight in the target (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--max-pages",
            paramLabel = "N",
            defaultValue = "0",
            description = "Stop after N pages, leaving the checkpoint (0: no limit); copy in slices with --resume.")
    long maxPages;

    @Override
    public Integer call() {
        if (pageSize < 1 || threads < 1 || threads > 64 || maxPages < 0) {
            throw new SessionKitCli.UsageException(
                    "--page-size must be at least 1, --threads in 1..64, --max-pages 0 or more");
        }
        BulkCopier.@Nullable Checkpoint checkpointRead = resume ? readCheckpoint() : null;
        if (!resume && Files.exists(checkpoint)) {
            throw new SessionKitCli.UsageException("a checkpoint of an unfinished copy is at " + checkpoint
                    + ": add --resume to go on, or remove the file to start over");
        }
        try (SessionStore source = open(Configs.side("--from", stores.from, options()));
                SessionStore target = open(Configs.side("--to", stores.to, options()))) {
            long start = System.nanoTime();
            Progress progress = new Progress(err(), start);
            BulkCopier[] self = new BulkCopier[1];
            BulkCopier.Builder b = BulkCopier.builder(source, target)
                    .pageSize(pageSize)
                    .parallelism(threads)
                    .progress(p -> {
                        if (p.checkpoint().pending()) {
                            writeCheckpoint(p.checkpoint());
                        }
                        progress.show(p);
                        if (maxPages > 0 && p.pages() >= maxPages) {
                            self[0].stop();
                        }
                    });
            if (checkpointRead != null) {
                b.resumeFrom(checkpointRead);
            }
            self[0] = b.build();
            BulkCopier.Result r = self[0].copy();
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.end();
            boolean pending = r.checkpoint().pending();
            if (pending) {
                // Also once the scan is complete: the failed sessions are still to copy, and --resume retries them.
                writeCheckpoint(r.checkpoint());
            } else {
                deleteCheckpoint();
            }
            long seen = r.copied() + r.skipped() + r.failed();
            double rate = seconds > 0 ? seen / seconds : 0;
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("copied", r.copied());
                m.put("skipped", r.skipped());
                m.put("failed", r.failed());
                m.put("complete", r.complete());
                m.put("retryable", r.failedKeys().size());
                m.put("notRetryable", r.failedKeysDropped());
                m.put("seconds", Math.round(seconds * 1000) / 1000.0);
                m.put("sessionsPerSecond", Math.round(rate));
                printJson(m);
            } else {
                out().printf(
                                "copied %d, skipped %d, failed %d in %.1f s (%d sessions/s)%s%n",
                                r.copied(),
                                r.skipped(),
                                r.failed(),
                                seconds,
                                Math.round(rate),
                                !pending ? "" : ending(r));
                out().flush();
            }
            return r.failed() > 0 ? SessionKitCli.PROBLEM : SessionKitCli.OK;
        }
    }

    private String ending(BulkCopier.Result r) {
        if (r.failedKeysDropped() > 0) {
            return "; " + r.failedKeysDropped() + " failed sessions beyond the " + BulkCopier.Checkpoint.MAX_FAILED_KEYS
                    + " the checkpoint keeps: remove " + checkpoint + " and copy again without --resume (it skips what"
                    + " was copied)";
        }
        if (r.complete()) {
            return "; the failed sessions are in the checkpoint " + checkpoint + ": run again with --resume to retry"
                    + " them";
        }
        return "; stopped at the checkpoint in " + checkpoint + ": run again with --resume";
    }

    private BulkCopier.Checkpoint readCheckpoint() {
        Properties p = Configs.readProperties(checkpoint, "--resume: no checkpoint at " + checkpoint, "--resume: ");
        if (!stores.from.equals(p.getProperty("from")) || !stores.to.equals(p.getProperty("to"))) {
            throw new SessionKitCli.UsageException("--resume: " + checkpoint + " is the checkpoint of a copy from "
                    + p.getProperty("from") + " to " + p.getProperty("to") + ", not of this one");
        }
        String cursor = p.getProperty("cursor", "");
        List<SessionKey> failed = new ArrayList<>();
        long dropped;
        try {
            for (String key : p.getProperty("failed", "").split(",", -1)) {
                if (!key.isBlank()) {
                    failed.add(new SessionKey(key.strip()));
                }
            }
            dropped = Long.parseLong(p.getProperty("failed-dropped", "0").strip());
        } catch (IllegalArgumentException e) {
            throw new SessionKitCli.UsageException(
                    "--resume: " + checkpoint + " is damaged (failed, failed-dropped): " + e.getMessage());
        }
        if (failed.size() > BulkCopier.Checkpoint.MAX_FAILED_KEYS || dropped < 0) {
            throw new SessionKitCli.UsageException("--resume: " + checkpoint + " is damaged (failed, failed-dropped)");
        }
        if (dropped > 0) {
            throw new SessionKitCli.UsageException("--resume: " + dropped + " failed sessions were beyond the "
                    + BulkCopier.Checkpoint.MAX_FAILED_KEYS + " whose keys " + checkpoint + " keeps: remove it and"
                    + " copy again without --resume (it skips what was copied)");
        }
        BulkCopier.Checkpoint c = new BulkCopier.Checkpoint(cursor.isBlank() ? null : cursor, failed, dropped);
        if (!c.pending()) {
            throw new SessionKitCli.UsageException(
                    "--resume: " + checkpoint + " holds neither a cursor nor failed sessions");
        }
        return c;
    }

    /**
     * Writes the checkpoint: the pair, the scan cursor (empty once the scan is complete), the hashed keys of the
     * sessions to retry (never a session id) and how many failed beyond those kept.
     */
    private void writeCheckpoint(BulkCopier.Checkpoint c) {
        Properties p = new Properties();
        p.setProperty("from", stores.from);
        p.setProperty("to", stores.to);
        String cursor = c.cursor();
        p.setProperty("cursor", cursor == null ? "" : cursor);
        StringBuilder keys = new StringBuilder();
        for (SessionKey key : c.failedKeys()) {
            keys.append(keys.length() == 0 ? "" : ",").append(key.value());
        }
        p.setProperty("failed", keys.toString());
        p.setProperty("failed-dropped", Long.toString(c.failedKeysDropped()));
        Path parent = checkpoint.toAbsolutePath().getParent();
        try {
            Path tmp = Files.createTempFile(Objects.requireNonNull(parent, "parent"), ".sessionkit-copy", ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                p.store(out, "sessionkit copy checkpoint: the scan cursor of the next page");
            }
            Files.move(tmp, checkpoint, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private void deleteCheckpoint() {
        try {
            Files.deleteIfExists(checkpoint);
        } catch (IOException e) {
            err().println("sessionkit: cannot remove the checkpoint " + checkpoint + ": " + e.getMessage());
        }
    }

    /** The progress line on stderr: one line a second at most, and after the last page. */
    private static final class Progress {
        private final PrintWriter err;
        private final long start;
        private long lastShown;

        Progress(PrintWriter err, long start) {
            this.err = err;
            this.start = start;
        }

        void show(BulkCopier.Progress p) {
            long now = System.nanoTime();
            if (now - lastShown < 1_000_000_000L && p.cursor() != null) {
                return;
            }
            lastShown = now;
            double seconds = Math.max((now - start) / 1e9, 1e-3);
            String line = String.format(
                    "copied %d  skipped %d  failed %d  (%d/s)",
                    p.copied(), p.skipped(), p.failed(), Math.round(p.seen() / seconds));
            err.println(line);
            err.flush();
        }

        void end() {
            err.flush();
        }
    }
}
