package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows of the throughput table, read from JMH's JSON results ({@code -rf json}): one per backend, request kind,
 * session size and thread count, each with a store and a raw side.
 *
 * <p>Ops/s: from a throughput run when there is one; otherwise derived from the sample-time run as
 * {@code threads / mean time per operation} (each benchmark thread runs requests back to back, so this is the
 * throughput the run achieved).
 */
final class JmhResults {
    /** One side (store or raw) of one row; NaN where it was not measured. */
    static final class Side {
        double opsPerSecond = Double.NaN;
        boolean opsMeasured;
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        double allocPerOp = Double.NaN;
        /** Half the range of the iteration means relative to their average (NaN with a single iteration). */
        double relativeError = Double.NaN;
    }

    record Key(String backend, String kind, int bytes, int threads) {
        static final Comparator<Key> ORDER = Comparator.<Key>comparingInt(k -> ReportWriter.BACKENDS.indexOf(k.backend))
                .thenComparingInt(k -> CommandCounter.KINDS.indexOf(k.kind))
                .thenComparingInt(Key::bytes)
                .thenComparingInt(Key::threads);
    }

    /** Store side first, raw side second. */
    final Map<Key, Side[]> rows = new TreeMap<>(Key.ORDER);

    String jvm = "";

    static JmhResults read(List<String> files) throws IOException {
        JmhResults results = new JmhResults();
        for (String file : files) {
            for (JsonNode r : new ObjectMapper().readTree(new File(file))) {
                results.jvm =
                        r.path("vmName").asText() + " " + r.path("jdkVersion").asText();
                results.add(r);
            }
        }
        return results;
    }

    /** The two sides of a row ({@link Side}s of NaN if the row was not measured). */
    Side[] get(Key key) {
        return rows.getOrDefault(key, new Side[] {new Side(), new Side()});
    }

    boolean anyOpsMeasured() {
        return rows.values().stream().anyMatch(s -> s[0].opsMeasured || s[1].opsMeasured);
    }

    private void add(JsonNode r) {
        String method = r.path("benchmark").asText();
        method = method.substring(method.lastIndexOf('.') + 1);
        boolean raw = method.endsWith("Raw");
        int threads = r.path("threads").asInt();
        Key key = new Key(
                r.path("params").path("backend").asText(),
                raw ? method.substring(0, method.length() - 3) : method,
                r.path("params").path("sessionBytes").asInt(),
                threads);
        Side side = rows.computeIfAbsent(key, k -> new Side[] {new Side(), new Side()})[raw ? 1 : 0];
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
        for (JsonNode fork : histogram.isArray() ? histogram : primary.path("rawData")) {
            for (JsonNode iteration : fork) {
                if (!iteration.isArray()) {
                    means.add(iteration.asDouble());
                    continue;
                }
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
        if (means.size() < 2) {
            return Double.NaN;
        }
        var stats = means.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return (stats.getMax() - stats.getMin()) / 2 / stats.getAverage();
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
}
