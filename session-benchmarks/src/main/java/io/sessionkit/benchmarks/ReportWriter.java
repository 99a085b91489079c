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
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites one generated section of {@code BENCHMARKS.md} (between the BEGIN/END GENERATED markers of
 * {@code --section}; text outside them is left as it is) from JMH's JSON results of sample-time runs in µs (as
 * {@link SessionBenchmark} declares them), {@link CommandCounter}'s and {@link MemoryFootprint}'s output: machine,
 * placement, command, ops/s (threads / mean time per request), latency, ratio to the raw client, allocation, commands
 * per request, memory per session, and each target with its measured value.
 */
public final class ReportWriter {
    static final Map<String, String> KIND_NAMES = Map.of(
            "readOnly", "read-only", "modifying", "modifying", "newSession", "new session", "rotation", "rotation");
    static final Map<String, Double> RATIO_TARGETS =
            Map.of("redis", 0.85, "redis-cluster", 0.85, "memcached", 0.85, "jdbc-postgres", 0.8, "local", 0.3);
    /** Commands per request by kind; rotation has none. */
    static final Map<String, Double> COMMAND_TARGETS = Map.of("readOnly", 1.0, "modifying", 2.0, "newSession", 1.0);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One side (store or raw) of a row, NaN where not measured; relativeError: {@link #iterationSpread}. */
    record Side(double opsPerSecond, double p50, double p99, double allocPerOp, double relativeError) {
        static final Side NONE = new Side(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    record Key(String backend, String kind, int bytes, int threads) {
        static final Comparator<Key> ORDER = Comparator.<Key, Backend>comparing(k -> Backend.of(k.backend))
                .thenComparingInt(k -> CommandCounter.KINDS.indexOf(k.kind))
                .thenComparingInt(Key::bytes)
                .thenComparingInt(Key::threads);
    }

    private final StringBuilder md = new StringBuilder();
    /** Store side first, raw side second. */
    private final Map<Key, Side[]> rows = new TreeMap<>(Key.ORDER);
    /** The rows of the Targets table for the command counts, made with the commands table. */
    private final List<String> commandTargets = new ArrayList<>();

    private String jvm = "";

    private ReportWriter() {}

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(
                args,
                "results counts memory servers out command title machine load-before load-after placement section");
        ReportWriter report = new ReportWriter();
        for (String file : o.all("results")) {
            JSON.readTree(Path.of(file).toFile()).forEach(report::add);
        }
        report.header(o, servers(o.get("servers", "")));
        report.throughput();
        JsonNode counts = readJson(o.get("counts", ""));
        JsonNode memory = readJson(o.get("memory", ""));
        report.md.append("### Server-side commands per request\n\n");
        report.md.append(counts == null ? "Not measured in this run.\n\n" : report.commands(counts));
        report.md.append("### Memory\n\n");
        report.md.append(memory == null ? "Not measured in this run.\n\n" : memory(memory));
        report.targets();
        Path out = Path.of(o.get("out", "BENCHMARKS.md"));
        rewrite(out, o.get("section", "quick"), report.md.toString());
        System.out.println("[report] rewrote the results in " + out + " (" + report.rows.size() + " rows)");
    }

    /** Replaces the text between {@code section}'s markers in {@code out} (appending the section if it has none). */
    static void rewrite(Path out, String section, String body) throws IOException {
        String begin =
                "<!-- BEGIN GENERATED %s by session-benchmarks/run.sh %1$s: everything up to END GENERATED %1$s is rewritten -->"
                        .formatted(section);
        String end = "<!-- END GENERATED " + section + " -->";
        String md = begin + "\n\n" + body + "\n" + end + "\n";
        String old = Files.exists(out)
                ? Files.readString(out, StandardCharsets.UTF_8)
                : "# Benchmarks\n\n" + begin + "\n" + end + "\n";
        int b = old.indexOf(begin);
        int e = old.indexOf(end);
        String after = b >= 0 && e > b ? old.substring(e + end.length()).replaceFirst("^\n", "") : null;
        Files.writeString(
                out, after != null ? old.substring(0, b) + md + after : old + "\n" + md, StandardCharsets.UTF_8);
    }

    /** Adds one benchmark's result (an element of JMH's JSON array) as the store or raw side of its row. */
    private void add(JsonNode r) {
        JsonNode primary = r.path("primaryMetric");
        String benchmark = r.path("benchmark").asText();
        if (!r.path("mode").asText().equals("sample")
                || !primary.path("scoreUnit").asText().equals("us/op")) {
            throw new IllegalArgumentException(benchmark + ": not a sample-time run in us/op");
        }
        jvm = r.path("vmName").asText() + " " + r.path("jdkVersion").asText();
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        boolean raw = method.endsWith("Raw");
        int threads = r.path("threads").asInt();
        Key key = new Key(
                r.at("/params/backend").asText("?"),
                raw ? method.substring(0, method.length() - 3) : method,
                r.at("/params/sessionBytes").asInt(0),
                threads);
        double alloc = r.path("secondaryMetrics").properties().stream()
                .filter(m -> m.getKey().replace("·", "").equals("gc.alloc.rate.norm"))
                .mapToDouble(m -> m.getValue().path("score").asDouble())
                .findFirst()
                .orElse(Double.NaN);
        Side side = new Side(
                threads * 1e6 / primary.path("score").asDouble(),
                primary.at("/scorePercentiles/50.0").asDouble(Double.NaN),
                primary.at("/scorePercentiles/99.0").asDouble(Double.NaN),
                alloc,
                iterationSpread(primary.path("rawDataHistogram")));
        rows.computeIfAbsent(key, k -> new Side[] {Side.NONE, Side.NONE})[raw ? 1 : 0] = side;
    }

    /**
     * Half the range of the iteration means relative to their average (NaN with one iteration): how much the figure
     * moved while measured. JMH's sample-mode error, over single samples, read 1–2 % while iterations drifted by a
     * third. The histogram is per fork, per iteration, {@code [value, count]} pairs.
     */
    static double iterationSpread(JsonNode histogram) {
        List<Double> means = new ArrayList<>();
        for (JsonNode fork : histogram) {
            for (JsonNode iteration : fork) {
                double sum = 0;
                double n = 0;
                for (JsonNode bucket : iteration) {
                    sum += bucket.path(0).asDouble() * bucket.path(1).asDouble();
                    n += bucket.path(1).asDouble();
                }
                if (n > 0) {
                    means.add(sum / n);
                }
            }
        }
        var stats = means.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return means.size() < 2 ? Double.NaN : (stats.getMax() - stats.getMin()) / 2 / stats.getAverage();
    }

    private void header(Options o, Map<String, String> servers) {
        md.append("""
                ## Results: %s, %s

                **Machine.** %s, %s. Load average (1/5/15 min) before the run: %s; after: %s.

                """.formatted(
                        o.get("title", "quick run"),
                        ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                        o.get("machine", "n/a"),
                        jvm.isBlank() ? System.getProperty("java.vm.name") : jvm,
                        o.get("load-before", "n/a"),
                        o.get("load-after", "n/a")));
        if (!o.get("placement", "").isBlank()) {
            md.append("**Placement.** ").append(o.get("placement", "")).append("\n\n");
        }
        md.append("**Command.** `").append(o.get("command", "")).append("`\n\n");
        if (!servers.isEmpty()) {
            String parts = Arrays.stream(Backend.values())
                    .filter(b -> servers.containsKey(b.id))
                    .map(b -> b.id + ": " + servers.get(b.id))
                    .collect(Collectors.joining("; "));
            md.append("**Servers.** ").append(parts).append(".\n\n");
        }
    }

    private void throughput() {
        md.append("""
                ### Throughput, latency, ratio to the raw client

                ops/s: threads / mean sample time, ± half the range of the measurement iterations' means (how much \
                the figure moved while measured). Latency in µs per request (sample mode). Alloc: bytes allocated per \
                request, all threads of the JVM (`-prof gc`, gc.alloc.rate.norm; for in-process servers, H2 and the \
                embedded Mongo, the server's allocation is included).

                | backend | request | session | threads | store ops/s | raw ops/s | **store/raw** | store p50 | \
                store p99 | raw p50 | raw p99 | store alloc B | raw alloc B |
                |---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
                """);
        rows.forEach((k, sides) -> {
            Side store = sides[0];
            Side raw = sides[1];
            md.append(row(
                    k.backend(),
                    name(k.kind()),
                    k.bytes() % 1024 == 0 ? (k.bytes() / 1024) + " KiB" : k.bytes() + " B",
                    Integer.toString(k.threads()),
                    ops(store),
                    ops(raw),
                    "**" + ratio(store.opsPerSecond() / raw.opsPerSecond()) + "**",
                    us(store.p50()),
                    us(store.p99()),
                    us(raw.p50()),
                    us(raw.p99()),
                    format("%,.0f", store.allocPerOp()),
                    format("%,.0f", raw.allocPerOp())));
        });
        md.append('\n');
    }

    /** The commands table; also makes {@link #commandTargets}. */
    private String commands(JsonNode counts) {
        int n1 = counts.path("n1").asInt();
        int n2 = counts.path("n2").asInt();
        StringBuilder table = new StringBuilder("""
                `CommandCounter`: %d requests of each kind, one thread, 1 KiB sessions; (counters after %d requests \
                − after %d) / difference, which cancels connecting and seeding. Budget: read-only 1, modifying 2, new \
                1 (rotation: create + delete after the find, 3).

                | backend | read-only | modifying | new session | rotation | counted with | breakdown per request |
                |---|---:|---:|---:|---:|---|---|
                """.formatted(n2 - n1, n2, n1));
        counts.path("backends").properties().forEach(b -> {
            JsonNode kinds = b.getValue().path("kinds");
            List<String> cells = new ArrayList<>(List.of(b.getKey()));
            List<String> detail = new ArrayList<>();
            for (String kind : CommandCounter.KINDS) {
                double v = kinds.path(kind).path("commandsPerRequest").asDouble(Double.NaN);
                cells.add(format("%.2f", v));
                String counters = kinds.path(kind).path("counters").properties().stream()
                        .map(f -> f.getKey() + " " + format("%.2f", f.getValue().asDouble()))
                        .collect(Collectors.joining(", "));
                detail.add(name(kind) + ": " + counters);
                @Nullable Double target = COMMAND_TARGETS.get(kind);
                if (target != null) {
                    commandTargets.add(row(
                            b.getKey() + ": " + name(kind) + " = " + format("%.2f", target) + " command(s)",
                            format("%.2f", v),
                            Double.isNaN(v) ? "–" : Math.abs(v - target) < 0.05 ? "yes" : "no"));
                }
            }
            cells.add(b.getValue().path("server").asText() + "; "
                    + b.getValue().path("method").asText());
            cells.add(String.join("; ", detail));
            table.append(
                    kinds.isMissingNode()
                            ? row(
                                    b.getKey(),
                                    "error: " + b.getValue().path("error").asText(),
                                    "",
                                    "",
                                    "",
                                    "",
                                    "")
                            : row(cells.toArray(String[]::new)));
        });
        return table.append('\n').toString();
    }

    private static String memory(JsonNode memory) {
        return """
                Retained heap per stored session in the Caffeine store (`local`), %d sessions of %d B of attribute \
                JSON, deep size of what the store reaches before and after (`MemoryFootprint`, JOL; %s): **%d B per \
                session**; a raw `Cache<String,String>` holding the same JSON under 43-character keys: %d B per entry.

                """.formatted(
                        memory.path("sessions").asInt(),
                        memory.path("attributeJsonBytes").asInt(),
                        String.join(", ", JSON.convertValue(memory.path("vm"), String[].class)),
                        memory.path("storeBytesPerSession").asLong(),
                        memory.path("rawCaffeineBytesPerEntry").asLong());
    }

    private void targets() {
        md.append("### Targets\n\n| target | measured | met |\n|---|---|---|\n");
        for (Backend backend : Backend.values()) {
            @Nullable Double target = RATIO_TARGETS.get(backend.id);
            if (target == null) {
                continue;
            }
            List<String> measured = new ArrayList<>();
            boolean all = true;
            for (String kind : CommandCounter.KINDS) {
                Side[] s = rows.getOrDefault(new Key(backend.id, kind, 1024, 16), new Side[] {Side.NONE, Side.NONE});
                double r = s[0].opsPerSecond() / s[1].opsPerSecond();
                if (!Double.isNaN(r)) {
                    all &= r >= target;
                    measured.add(name(kind) + " " + ratio(r));
                }
            }
            md.append(row(
                    backend.id + ": store/raw ≥ " + target + " at 16 threads, 1 KiB",
                    measured.isEmpty() ? "not measured" : String.join(", ", measured),
                    measured.isEmpty() ? "–" : all ? "yes" : "no"));
        }
        commandTargets.forEach(md::append);
    }

    private static String name(String kind) {
        return KIND_NAMES.getOrDefault(kind, kind);
    }

    private static String row(String... cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    private static @Nullable JsonNode readJson(String file) throws IOException {
        return !file.isBlank() && Files.exists(Path.of(file))
                ? JSON.readTree(Path.of(file).toFile())
                : null;
    }

    /** What served each backend, as {@link SessionBenchmark} recorded it: {@code backend TAB description} lines. */
    private static Map<String, String> servers(String file) throws IOException {
        return file.isBlank() || !Files.exists(Path.of(file))
                ? Map.of()
                : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream()
                        .map(l -> l.split("\t", 2))
                        .filter(f -> f.length == 2)
                        .collect(Collectors.toMap(f -> f[0], f -> f[1], (a, b) -> b));
    }

    private static String ops(Side s) {
        String spread = Double.isNaN(s.relativeError()) ? "" : format(" ±%.0f%%", 100 * s.relativeError());
        return Double.isNaN(s.opsPerSecond()) ? "–" : format("%,.0f", s.opsPerSecond()) + spread;
    }

    /** Two decimals, or three significant digits below 0.1, so that a small ratio does not read as zero. */
    static String ratio(double r) {
        return format(r >= 0.1 ? "%.2f" : "%.3g", r);
    }

    /** A latency in µs: one decimal below 100. */
    private static String us(double v) {
        return format(v >= 100 ? "%,.0f" : "%.1f", v);
    }

    /** {@code value} in {@code pattern} (root locale), "–" for NaN (not measured). */
    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
    }
}
