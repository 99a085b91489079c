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

/** Rewrites one generated section of {@code BENCHMARKS.md} from JMH's JSON and the counters' outputs (README "Run"). */
public final class ReportWriter {
    static final Map<String, String> KIND_NAMES = Map.of("readOnly", "read-only", "newSession", "new session");
    static final Map<String, Double> RATIO_TARGETS =
            Map.of("redis", 0.85, "redis-cluster", 0.85, "memcached", 0.85, "jdbc-postgres", 0.8, "local", 0.3);
    static final Map<String, Double> COMMAND_TARGETS = Map.of("readOnly", 1.0, "modifying", 2.0, "newSession", 1.0);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One side (store or raw) of a row, NaN where not measured. */
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
        report.header(o, servers(Path.of(o.get("servers", "target/servers.tsv"))));
        report.throughput();
        report.commands(JSON.readTree(
                Path.of(o.get("counts", "target/command-counts.json")).toFile()));
        report.memory(
                JSON.readTree(Path.of(o.get("memory", "target/memory.json")).toFile()));
        report.targets();
        Path out = Path.of(o.get("out", "BENCHMARKS.md"));
        rewrite(out, o.get("section", "quick"), report.md.toString());
        System.out.println("[report] rewrote the results in " + out + " (" + report.rows.size() + " rows)");
    }

    static void rewrite(Path out, String section, String body) throws IOException {
        String begin =
                "<!-- BEGIN GENERATED %s by session-benchmarks/run.sh %1$s: everything up to END GENERATED %1$s is rewritten -->"
                        .formatted(section);
        String end = "<!-- END GENERATED " + section + " -->";
        String old = Files.readString(out, StandardCharsets.UTF_8);
        int b = old.indexOf(begin);
        int e = old.indexOf(end);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException(out + " lacks the markers: " + begin + " ... " + end);
        }
        Files.writeString(
                out, old.substring(0, b) + begin + "\n\n" + body + "\n" + old.substring(e), StandardCharsets.UTF_8);
    }

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
        Key key = new Key(
                r.at("/params/backend").asText("?"),
                raw ? method.substring(0, method.length() - 3) : method,
                r.at("/params/sessionBytes").asInt(0),
                r.path("threads").asInt());
        double alloc = r.path("secondaryMetrics").properties().stream()
                .filter(m -> m.getKey().replace("·", "").equals("gc.alloc.rate.norm"))
                .mapToDouble(m -> m.getValue().path("score").asDouble())
                .findFirst()
                .orElse(Double.NaN);
        Side side = new Side(
                key.threads() * 1e6 / primary.path("score").asDouble(),
                primary.at("/scorePercentiles/50.0").asDouble(Double.NaN),
                primary.at("/scorePercentiles/99.0").asDouble(Double.NaN),
                alloc,
                iterationSpread(primary.path("rawDataHistogram")));
        rows.computeIfAbsent(key, k -> new Side[] {Side.NONE, Side.NONE})[raw ? 1 : 0] = side;
    }

    /** Half the range of the iteration means over their mean: JMH's own error read 1–2 % while they drifted. */
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
        md.append("**Placement.** ").append(o.get("placement", "n/a")).append("\n\n");
        md.append("**Command.** `").append(o.get("command", "")).append("`\n\n");
        String parts = Arrays.stream(Backend.values())
                .filter(b -> servers.containsKey(b.id))
                .map(b -> b.id + ": " + servers.get(b.id))
                .collect(Collectors.joining("; "));
        md.append("**Servers.** ").append(parts).append(".\n\n");
    }

    private void throughput() {
        md.append("""
                ### Throughput, latency, ratio to the raw client

                Columns: see [How to read the tables](#how-to-read-the-tables).

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

    /** The commands table; also makes the command rows of the Targets table. */
    private void commands(JsonNode counts) {
        int n1 = counts.path("n1").asInt();
        int n2 = counts.path("n2").asInt();
        md.append("""
                ### Server-side commands per request

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
            if (kinds.isMissingNode()) {
                cells = List.of(
                        b.getKey(), "error: " + b.getValue().path("error").asText(), "", "", "", "", "");
            }
            md.append(row(cells.toArray(String[]::new)));
        });
        md.append('\n');
    }

    private void memory(JsonNode memory) {
        md.append("""
                ### Memory

                Retained heap per stored session in the Caffeine store (`local`), %d sessions of %d B of attribute \
                JSON, deep size of what the store reaches before and after (`MemoryFootprint`, JOL; %s): **%d B per \
                session**; a raw `Cache<String,String>` holding the same JSON under 43-character keys: %d B per entry.

                """.formatted(
                        memory.path("sessions").asInt(),
                        memory.path("attributeJsonBytes").asInt(),
                        String.join(", ", JSON.convertValue(memory.path("vm"), String[].class)),
                        memory.path("storeBytesPerSession").asLong(),
                        memory.path("rawCaffeineBytesPerEntry").asLong()));
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

    /** {@code backend TAB description} lines, as {@link SessionBenchmark} records what served. */
    private static Map<String, String> servers(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
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

    private static String us(double v) {
        return format(v >= 100 ? "%,.0f" : "%.1f", v);
    }

    private static String format(String pattern, double value) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, pattern, value);
    }
}
