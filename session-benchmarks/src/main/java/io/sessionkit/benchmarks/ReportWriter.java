package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rewrites one generated section of {@code BENCHMARKS.md} (between the BEGIN/END GENERATED markers of
 * {@code --section}, quick or full) from JMH's JSON results, {@link CommandCounter}'s and {@link MemoryFootprint}'s
 * output: the machine and its load, the placement, the command, a table of ops/s, p50/p99 latency, ratio to the raw
 * client and allocation per request, the commands per request, the
 * memory per session, and each target with its measured value. Text outside the markers is left as it is.
 *
 * <p>Ops/s: from a throughput run when there is one; otherwise derived from the sample-time run as
 * {@code threads / mean time per operation} (each benchmark thread runs requests back to back, so this is the
 * throughput the run achieved).
 */
public final class ReportWriter {
    /** The markers of one run mode's section ({@code quick} or {@code full}): each run rewrites only its own. */
    static String begin(String section) {
        return "<!-- BEGIN GENERATED " + section + " by session-benchmarks/run.sh " + section
                + ": everything up to END GENERATED " + section + " is rewritten -->";
    }

    static String end(String section) {
        return "<!-- END GENERATED " + section + " -->";
    }

    static final List<String> BACKENDS = List.of("local", "redis", "redis-cluster", "memcached", "jdbc-h2", "jdbc-postgres",
            "jdbc-mariadb", "mongo");
    static final Map<String, String> KIND_NAMES = Map.of("readOnly", "read-only", "modifying", "modifying",
            "newSession", "new session", "rotation", "rotation");
    static final Map<String, Double> RATIO_TARGETS = Map.of("redis", 0.85, "redis-cluster", 0.85, "memcached", 0.85,
            "jdbc-postgres", 0.8, "local", 0.3);
    static final Map<String, Double> COMMAND_TARGETS = new LinkedHashMap<>();

    static {
        COMMAND_TARGETS.put("readOnly", 1.0);
        COMMAND_TARGETS.put("modifying", 2.0);
        COMMAND_TARGETS.put("newSession", 1.0);
    }

    private ReportWriter() {
    }

    /** One side (store or raw) of one row. */
    static final class Side {
        double opsPerSecond = Double.NaN;
        boolean opsMeasured;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double allocPerOp = Double.NaN;
        /** Half the range of the iteration means relative to their average (NaN with a single iteration). */
        double relativeError = Double.NaN;
    }

    record Key(String backend, String kind, int bytes, int threads) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = Integer.compare(BACKENDS.indexOf(backend), BACKENDS.indexOf(o.backend));
            if (c == 0) {
                c = Integer.compare(CommandCounter.KINDS.indexOf(kind), CommandCounter.KINDS.indexOf(o.kind));
            }
            if (c == 0) {
                c = Integer.compare(bytes, o.bytes);
            }
            return c != 0 ? c : Integer.compare(threads, o.threads);
        }
    }

    public static void main(String[] args) throws IOException {
        List<Path> results = new ArrayList<>();
        Path counts = null;
        Path memory = null;
        Path servers = null;
        Path out = Path.of("BENCHMARKS.md");
        String command = "";
        String title = "quick run";
        String loadBefore = "";
        String placement = "";
        String section = "quick";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--results" -> results.add(Path.of(args[++i]));
                case "--counts" -> counts = Path.of(args[++i]);
                case "--memory" -> memory = Path.of(args[++i]);
                case "--servers" -> servers = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--command" -> command = args[++i];
                case "--title" -> title = args[++i];
                case "--load-before" -> loadBefore = args[++i];
                case "--placement" -> placement = args[++i];
                case "--section" -> section = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ObjectMapper json = new ObjectMapper();
        Map<Key, Side[]> rows = new TreeMap<>();
        String jvm = "";
        for (Path p : results) {
            for (JsonNode r : json.readTree(p.toFile())) {
                jvm = r.path("vmName").asText() + " " + r.path("jdkVersion").asText();
                add(rows, r);
            }
        }
        JsonNode countTree = counts != null && Files.exists(counts) ? json.readTree(counts.toFile()) : null;
        JsonNode memoryTree = memory != null && Files.exists(memory) ? json.readTree(memory.toFile()) : null;
        Map<String, String> serverNames = new TreeMap<>();
        if (servers != null && Files.exists(servers)) {
            for (String line : Files.readAllLines(servers, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t", 2);
                if (f.length == 2) {
                    serverNames.put(f[0], f[1]);
                }
            }
        }

        StringBuilder md = new StringBuilder();
        String begin = begin(section);
        String end = end(section);
        md.append(begin).append("\n\n");
        md.append("## Results: ").append(title).append(", ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"))).append("\n\n");
        md.append("**Machine.** ").append(machine()).append(", ").append(jvm.isBlank() ? System.getProperty("java.vm.name") : jvm)
                .append(". Load average (1/5/15 min) before the run: ").append(loadBefore.isBlank() ? "n/a" : loadBefore)
                .append("; after: ").append(loadAverage()).append(".\n\n");
        if (!placement.isBlank()) {
            md.append("**Placement.** ").append(placement).append("\n\n");
        }
        md.append("**Command.** `").append(command).append("`\n\n");
        if (!serverNames.isEmpty()) {
            md.append("**Servers.** ");
            List<String> parts = new ArrayList<>();
            for (String b : BACKENDS) {
                if (serverNames.containsKey(b)) {
                    parts.add(b + ": " + serverNames.get(b));
                }
            }
            md.append(String.join("; ", parts)).append(".\n\n");
        }

        md.append("### Throughput, latency, ratio to the raw client\n\n");
        md.append("ops/s: ").append(anyMeasured(rows) ? "measured (throughput mode)" : "threads / mean sample time")
                .append(", ± half the range of the measurement iterations' means (how much the figure moved while measured). Latency in µs per request (sample mode). Alloc: bytes allocated per request, all threads of the"
                        + " JVM (`-prof gc`, gc.alloc.rate.norm; for in-process servers, H2 and the embedded Mongo, the server's"
                        + " allocation is included).\n\n");
        md.append("| backend | request | session | threads | store ops/s | raw ops/s | **store/raw** | store p50 | store p99 | raw p50 | raw p99 | store alloc B | raw alloc B |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<Key, Side[]> e : rows.entrySet()) {
            Key k = e.getKey();
            Side store = e.getValue()[0];
            Side raw = e.getValue()[1];
            md.append("| ").append(k.backend).append(" | ").append(KIND_NAMES.get(k.kind)).append(" | ").append(size(k.bytes))
                    .append(" | ").append(k.threads).append(" | ").append(ops(store)).append(" | ").append(ops(raw))
                    .append(" | **").append(ratio(store, raw)).append("** | ").append(us(store == null ? Double.NaN : store.p50))
                    .append(" | ").append(us(store == null ? Double.NaN : store.p99)).append(" | ")
                    .append(us(raw == null ? Double.NaN : raw.p50)).append(" | ").append(us(raw == null ? Double.NaN : raw.p99))
                    .append(" | ").append(bytes(store)).append(" | ").append(bytes(raw)).append(" |\n");
        }
        md.append('\n');

        md.append("### Server-side commands per request\n\n");
        if (countTree == null) {
            md.append("Not measured in this run.\n\n");
        } else {
            md.append("`CommandCounter`: ").append(countTree.path("n2").asInt() - countTree.path("n1").asInt())
                    .append(" requests of each kind, one thread, 1 KiB sessions; (counters after ").append(countTree.path("n2").asInt())
                    .append(" requests − after ").append(countTree.path("n1").asInt())
                    .append(") / difference, which cancels connecting and seeding. Budget: read-only 1, modifying 2, new 1"
                            + " (rotation: create + delete after the find, 3).\n\n");
            md.append("| backend | read-only | modifying | new session | rotation | counted with | breakdown per request |\n");
            md.append("|---|---:|---:|---:|---:|---|---|\n");
            countTree.path("backends").fields().forEachRemaining(b -> {
                JsonNode kinds = b.getValue().path("kinds");
                md.append("| ").append(b.getKey()).append(" | ");
                if (kinds.isMissingNode()) {
                    md.append("error: ").append(b.getValue().path("error").asText()).append(" | | | | | |\n");
                    return;
                }
                for (String kind : CommandCounter.KINDS) {
                    md.append(fmt(kinds.path(kind).path("commandsPerRequest").asDouble(Double.NaN))).append(" | ");
                }
                md.append(b.getValue().path("server").asText()).append("; ").append(b.getValue().path("method").asText()).append(" | ");
                List<String> detail = new ArrayList<>();
                for (String kind : CommandCounter.KINDS) {
                    List<String> c = new ArrayList<>();
                    kinds.path(kind).path("counters").fields().forEachRemaining(f -> {
                        // stat.* (INFO commandstats) is client.* + in-lua.* again: leave it to the JSON.
                        if (!f.getKey().startsWith("stat.")) {
                            c.add(f.getKey() + " " + fmt(f.getValue().asDouble()));
                        }
                    });
                    detail.add(KIND_NAMES.get(kind) + ": " + String.join(", ", c));
                }
                md.append(String.join("; ", detail)).append(" |\n");
            });
            md.append('\n');
        }

        md.append("### Memory\n\n");
        if (memoryTree == null) {
            md.append("Not measured in this run.\n\n");
        } else {
            md.append("Retained heap per stored session in the Caffeine store (`local`), ").append(memoryTree.path("sessions").asInt())
                    .append(" sessions of ").append(memoryTree.path("attributeJsonBytes").asInt())
                    .append(" B of attribute JSON, heap used after full GCs before and after (`MemoryFootprint`, ")
                    .append(memoryTree.path("gc").asText()).append(" collector): **")
                    .append(memoryTree.path("storeBytesPerSession").asLong()).append(" B per session**; a raw `Cache<String,String>`"
                            + " holding the same JSON under 43-character keys: ")
                    .append(memoryTree.path("rawCaffeineBytesPerEntry").asLong()).append(" B per entry.\n\n");
        }

        md.append("### Targets\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        for (String backend : BACKENDS) {
            Double target = RATIO_TARGETS.get(backend);
            if (target == null) {
                continue;
            }
            List<String> measured = new ArrayList<>();
            boolean all = true;
            boolean any = false;
            for (String kind : CommandCounter.KINDS) {
                Side[] s = rows.get(new Key(backend, kind, 1024, 16));
                if (s == null || s[0] == null || s[1] == null) {
                    continue;
                }
                double r = s[0].opsPerSecond / s[1].opsPerSecond;
                any = true;
                all &= r >= target;
                measured.add(KIND_NAMES.get(kind) + " " + ratio(r));
            }
            md.append("| ").append(backend).append(": store/raw ≥ ").append(target).append(" at 16 threads, 1 KiB | ")
                    .append(any ? String.join(", ", measured) : "not measured").append(" | ")
                    .append(any ? (all ? "yes" : "no") : "–").append(" |\n");
        }
        if (countTree != null) {
            countTree.path("backends").fields().forEachRemaining(b -> {
                for (Map.Entry<String, Double> t : COMMAND_TARGETS.entrySet()) {
                    double v = b.getValue().path("kinds").path(t.getKey()).path("commandsPerRequest").asDouble(Double.NaN);
                    md.append("| ").append(b.getKey()).append(": ").append(KIND_NAMES.get(t.getKey())).append(" = ")
                            .append(fmt(t.getValue())).append(" command(s) | ").append(fmt(v)).append(" | ")
                            .append(Double.isNaN(v) ? "–" : Math.abs(v - t.getValue()) < 0.05 ? "yes" : "no").append(" |\n");
                }
            });
        }
        md.append('\n').append(end).append('\n');

        String old = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "# Benchmarks\n\n" + begin + "\n" + end + "\n";
        int b = old.indexOf(begin);
        int e = old.indexOf(end);
        String updated = b >= 0 && e > b
                ? old.substring(0, b) + md + old.substring(e + end.length()).replaceFirst("^\n", "")
                : old + "\n" + md;
        Files.writeString(out, updated, StandardCharsets.UTF_8);
        System.out.println("[report] rewrote the results in " + out + " (" + rows.size() + " rows)");
    }

    private static void add(Map<Key, Side[]> rows, JsonNode r) {
        String method = r.path("benchmark").asText();
        method = method.substring(method.lastIndexOf('.') + 1);
        boolean raw = method.endsWith("Raw");
        String kind = raw ? method.substring(0, method.length() - 3) : method;
        int threads = r.path("threads").asInt();
        Key key = new Key(r.path("params").path("backend").asText(), kind, r.path("params").path("sessionBytes").asInt(), threads);
        Side[] sides = rows.computeIfAbsent(key, k -> new Side[2]);
        if (sides[raw ? 1 : 0] == null) {
            sides[raw ? 1 : 0] = new Side();
        }
        Side side = sides[raw ? 1 : 0];
        JsonNode primary = r.path("primaryMetric");
        String mode = r.path("mode").asText();
        double score = primary.path("score").asDouble();
        String unit = primary.path("scoreUnit").asText();
        if (mode.equals("thrpt") || !side.opsMeasured) {
            side.relativeError = iterationSpread(primary);
        }
        if (mode.equals("thrpt")) {
            side.opsPerSecond = score * perSecond(unit.substring(unit.indexOf('/') + 1));
            side.opsMeasured = true;
        } else if (mode.equals("sample")) {
            double toMicros = 1e6 / perSecond(unit.substring(0, unit.indexOf('/')));
            side.p50 = primary.path("scorePercentiles").path("50.0").asDouble() * toMicros;
            side.p99 = primary.path("scorePercentiles").path("99.0").asDouble() * toMicros;
            if (!side.opsMeasured) {
                side.opsPerSecond = threads * 1e6 / (score * toMicros);
            }
        }
        r.path("secondaryMetrics").fields().forEachRemaining(m -> {
            if (m.getKey().replace("·", "").equals("gc.alloc.rate.norm")) {
                side.allocPerOp = m.getValue().path("score").asDouble();
            }
        });
    }

    /**
     * Half the range of the measurement iterations' means, relative to their average: how much the figure moved
     * while it was measured. Not JMH's score error, which in sample mode is computed over every single sample and so
     * comes out at 1–2 % even when the iterations drift by a third.
     */
    static double iterationSpread(JsonNode primary) {
        List<Double> means = new ArrayList<>();
        JsonNode histogram = primary.path("rawDataHistogram");
        if (histogram.isArray()) {
            for (JsonNode fork : histogram) {
                for (JsonNode iteration : fork) {
                    double sum = 0;
                    long n = 0;
                    for (JsonNode bucket : iteration) {
                        sum += bucket.get(0).asDouble() * bucket.get(1).asLong();
                        n += bucket.get(1).asLong();
                    }
                    if (n > 0) {
                        means.add(sum / n);
                    }
                }
            }
        } else {
            for (JsonNode fork : primary.path("rawData")) {
                for (JsonNode iteration : fork) {
                    means.add(iteration.asDouble());
                }
            }
        }
        if (means.size() < 2) {
            return Double.NaN;
        }
        double min = means.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = means.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double avg = means.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        return (max - min) / 2 / avg;
    }

    /** How many of {@code unit} fit in one second. */
    private static double perSecond(String unit) {
        return switch (unit) {
            case "ns" -> 1e9;
            case "us" -> 1e6;
            case "ms" -> 1e3;
            case "s" -> 1;
            case "min" -> 1 / 60.0;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }

    private static boolean anyMeasured(Map<Key, Side[]> rows) {
        return rows.values().stream().anyMatch(s -> (s[0] != null && s[0].opsMeasured) || (s[1] != null && s[1].opsMeasured));
    }

    private static String ops(Side s) {
        if (s == null || Double.isNaN(s.opsPerSecond)) {
            return "–";
        }
        String ops = String.format(Locale.ROOT, "%,.0f", s.opsPerSecond);
        return Double.isNaN(s.relativeError) ? ops : ops + String.format(Locale.ROOT, " ±%.0f%%", 100 * s.relativeError);
    }

    private static String ratio(Side store, Side raw) {
        if (store == null || raw == null) {
            return "–";
        }
        return ratio(store.opsPerSecond / raw.opsPerSecond);
    }

    /** Two decimals, or three significant digits below 0.1, so that a small ratio does not read as zero. */
    static String ratio(double r) {
        if (Double.isNaN(r)) {
            return "–";
        }
        return r >= 0.1 ? String.format(Locale.ROOT, "%.2f", r) : String.format(Locale.ROOT, "%.3g", r);
    }

    private static String us(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String bytes(Side s) {
        return s == null || Double.isNaN(s.allocPerOp) ? "–" : String.format(Locale.ROOT, "%,.0f", s.allocPerOp);
    }

    private static String size(int bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KiB" : bytes + " B";
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        long memKb = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    memKb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's view below still says something
        }
        return Runtime.getRuntime().availableProcessors() + " CPUs (" + cpu + "), "
                + (memKb > 0 ? String.format(Locale.ROOT, "%.0f GiB RAM", memKb / 1024.0 / 1024.0) : "RAM unknown") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
