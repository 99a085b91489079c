package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The rows of the throughput table, read from JMH's JSON results ({@code -rf json}) of sample-time runs in µs (as
 * {@link SessionBenchmark} declares them): one per backend, request kind, session size and thread count, each with a
 * store and a raw side. Ops/s is {@code threads / mean time per operation}: each benchmark thread runs requests back
 * to back, so this is the throughput the run achieved.
 */
final class JmhResults {
    /** JMH's result of one benchmark, as far as the report reads it. */
    record Result(
            String benchmark,
            String mode,
            int threads,
            String vmName,
            String jdkVersion,
            Map<String, String> params,
            Metric primaryMetric,
            Map<String, Metric> secondaryMetrics) {}

    /** One metric; the histogram is per fork, per iteration, {@code [value, count]} pairs. */
    record Metric(
            double score,
            String scoreUnit,
            Map<String, Double> scorePercentiles,
            List<List<List<double[]>>> rawDataHistogram) {}

    /**
     * One side (store or raw) of one row; NaN where it was not measured.
     *
     * @param relativeError half the range of the iteration means relative to their average (NaN with one iteration)
     */
    record Side(double opsPerSecond, double p50, double p99, double allocPerOp, double relativeError) {
        static final Side NONE = new Side(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }

    record Key(String backend, String kind, int bytes, int threads) {
        static final Comparator<Key> ORDER = Comparator.<Key, Backend>comparing(k -> Backend.of(k.backend))
                .thenComparingInt(k -> CommandCounter.KINDS.indexOf(k.kind))
                .thenComparingInt(Key::bytes)
                .thenComparingInt(Key::threads);
    }

    /** Store side first, raw side second. */
    final Map<Key, Side[]> rows = new TreeMap<>(Key.ORDER);

    String jvm = "";

    static JmhResults read(List<String> files) throws IOException {
        ObjectMapper json = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JmhResults results = new JmhResults();
        for (String file : files) {
            for (Result r : json.readValue(new File(file), Result[].class)) {
                results.jvm = r.vmName() + " " + r.jdkVersion();
                results.add(r);
            }
        }
        return results;
    }

    /** The two sides of a row ({@link Side#NONE} if the row was not measured). */
    Side[] get(Key key) {
        return rows.getOrDefault(key, new Side[] {Side.NONE, Side.NONE});
    }

    private void add(Result r) {
        Metric primary = r.primaryMetric();
        if (!r.mode().equals("sample") || !primary.scoreUnit().equals("us/op")) {
            throw new IllegalArgumentException(r.benchmark() + ": not a sample-time run in us/op");
        }
        String method = r.benchmark().substring(r.benchmark().lastIndexOf('.') + 1);
        boolean raw = method.endsWith("Raw");
        String kind = raw ? method.substring(0, method.length() - 3) : method;
        Key key = new Key(
                r.params().getOrDefault("backend", "?"),
                kind,
                Integer.parseInt(r.params().getOrDefault("sessionBytes", "0")),
                r.threads());
        @Nullable
        Metric alloc = r.secondaryMetrics().entrySet().stream()
                .filter(m -> m.getKey().replace("·", "").equals("gc.alloc.rate.norm"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        Side side = new Side(
                r.threads() * 1e6 / primary.score(),
                primary.scorePercentiles().getOrDefault("50.0", Double.NaN),
                primary.scorePercentiles().getOrDefault("99.0", Double.NaN),
                alloc == null ? Double.NaN : alloc.score(),
                iterationSpread(primary));
        rows.computeIfAbsent(key, k -> new Side[] {Side.NONE, Side.NONE})[raw ? 1 : 0] = side;
    }

    /**
     * Half the range of the measurement iterations' means, relative to their average: how much the figure moved
     * while it was measured. Not JMH's score error, which in sample mode is computed over every single sample and so
     * comes out at 1–2 % even when the iterations drift by a third.
     */
    static double iterationSpread(Metric primary) {
        List<Double> means = new ArrayList<>();
        for (List<List<double[]>> fork : primary.rawDataHistogram()) {
            for (List<double[]> iteration : fork) {
                double sum = 0;
                double n = 0;
                for (double[] bucket : iteration) {
                    sum += bucket[0] * bucket[1];
                    n += bucket[1];
                }
                if (n > 0) {
                    means.add(sum / n);
                }
            }
        }
        var stats = means.stream().mapToDouble(Double::doubleValue).summaryStatistics();
        return means.size() < 2 ? Double.NaN : (stats.getMax() - stats.getMin()) / 2 / stats.getAverage();
    }
}
