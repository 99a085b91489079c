package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Counts server-side commands per request, the figure behind the round-trip budget (read-only 1, modifying 2, new 1):
 * runs requests of each kind through {@link SessionManager} and reads the server's own counters before and after.
 *
 * <ul>
 *   <li>Redis: {@code INFO commandstats} (every command but INFO), on a private redis-server started for the count.</li>
 *   <li>memcached: {@code stats} ({@code cmd_get + cmd_set + cmd_touch + delete_* + incr_* + decr_*}; {@code cas} is
 *       a {@code cmd_set}), on a private memcached.</li>
 *   <li>PostgreSQL: {@code pg_stat_statements} if it is loaded, otherwise {@code pg_stat_database.xact_commit +
 *       xact_rollback} of a database used by nothing else ({@code sessionkit_bench}): with autocommit, one statement
 *       is one transaction. Table counters ({@code pg_stat_user_tables}) show what the statements did.</li>
 * </ul>
 *
 * Fixed costs (connecting, schema set-up, seeding) are cancelled by running each kind twice, {@code n1} and
 * {@code n2} requests, each in a fresh store, and dividing the difference by {@code n2 - n1}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.sessionkit.benchmarks.CommandCounter [--out counts.json] [--n1 200]
 * [--n2 1000] [--backends redis,memcached,jdbc-postgres]}
 */
public final class CommandCounter {
    static final List<String> KINDS = List.of("readOnly", "modifying", "newSession", "rotation");
    private static final int SEEDED = 50;

    private CommandCounter() {
    }

    /** A server's cumulative counters by name. */
    private interface Counters extends AutoCloseable {
        Map<String, Long> snapshot() throws Exception;

        /** The cheapest read that shows whether counters still move; by default the full snapshot. */
        default Map<String, Long> quick() throws Exception {
            return snapshot();
        }

        /** The counters that are commands (round trips). */
        long commands(Map<String, Long> delta);

        @Override
        default void close() {
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        Path out = Path.of("target", "command-counts.json");
        int n1 = 200;
        int n2 = 1000;
        List<String> backends = List.of("redis", "memcached", "jdbc-postgres");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(args[++i]);
                case "--n1" -> n1 = Integer.parseInt(args[++i]);
                case "--n2" -> n2 = Integer.parseInt(args[++i]);
                case "--backends" -> backends = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated", Instant.now().toString());
        report.put("n1", n1);
        report.put("n2", n2);
        Map<String, Object> results = new LinkedHashMap<>();
        for (String backend : backends) {
            try {
                results.put(backend, count(backend, n1, n2));
            } catch (Exception e) {
                System.err.println("[command-counter] " + backend + ": " + e);
                results.put(backend, Map.of("error", String.valueOf(e.getMessage())));
            }
        }
        report.put("backends", results);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
        System.out.println("[command-counter] wrote " + out);
    }

    private static Map<String, Object> count(String backend, int n1, int n2) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        List<AutoCloseable> cleanup = new ArrayList<>();
        try {
            Map<String, String> config = new LinkedHashMap<>();
            Counters counters;
            switch (backend) {
                case "redis" -> {
                    LocalServer redis = LocalServer.redis("count-redis");
                    cleanup.add(redis);
                    config.put("sessionkit.store", "redis");
                    config.put("sessionkit.redis.uri", "redis://" + redis.hostAndPort());
                    counters = redisCounters(redis.port());
                    result.put("server", "private redis-server " + redis.hostAndPort());
                    result.put("method", "client commands from MONITOR (round trips; stat.* = INFO commandstats, which also"
                            + " counts the commands a Lua script runs inside the server)");
                }
                case "memcached" -> {
                    LocalServer memcached = LocalServer.memcached("count-memcached");
                    cleanup.add(memcached);
                    config.put("sessionkit.store", "memcached");
                    config.put("sessionkit.memcached.servers", memcached.hostAndPort());
                    counters = memcachedCounters(memcached.port());
                    result.put("server", "private memcached " + memcached.hostAndPort());
                    result.put("method", "stats: cmd_get + cmd_set + cmd_touch + delete_hits/misses + incr/decr");
                }
                case "jdbc-postgres" -> {
                    Postgres pg = Postgres.open();
                    cleanup.add(pg);
                    config.put("sessionkit.store", "jdbc");
                    config.put("sessionkit.jdbc.url", pg.benchUrl);
                    config.put("sessionkit.jdbc.table", "skc_sessions");
                    config.put("sessionkit.jdbc.create-schema", "true");
                    config.put("sessionkit.jdbc.pool.max-size", "1");
                    config.put("sessionkit.jdbc.sweep-interval", "0s");
                    counters = pg;
                    result.put("server", "PostgreSQL, database " + Postgres.DATABASE);
                    result.put("method", pg.method());
                }
                default -> throw new IllegalArgumentException("no command counter for " + backend);
            }
            cleanup.add(counters);
            Map<String, Object> kinds = new LinkedHashMap<>();
            for (String kind : KINDS) {
                Map<String, Long> d1 = run(config, counters, kind, n1);
                Map<String, Long> d2 = run(config, counters, kind, n2);
                Map<String, Double> perRequest = new TreeMap<>();
                for (String k : d2.keySet()) {
                    double v = (d2.get(k) - d1.getOrDefault(k, 0L)) / (double) (n2 - n1);
                    if (Math.abs(v) >= 0.005) {
                        perRequest.put(k, round(v));
                    }
                }
                double commands = round((counters.commands(d2) - counters.commands(d1)) / (double) (n2 - n1));
                Map<String, Object> k = new LinkedHashMap<>();
                k.put("commandsPerRequest", commands);
                k.put("counters", perRequest);
                kinds.put(kind, k);
                System.out.printf("[command-counter] %-14s %-11s %5.2f commands/request  %s%n", backend, kind, commands, perRequest);
            }
            result.put("kinds", kinds);
            return result;
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                try {
                    cleanup.get(i).close();
                } catch (Exception e) {
                    System.err.println("[command-counter] clean-up: " + e);
                }
            }
        }
    }

    /** The counter deltas of {@code n} requests of one kind in a fresh store (fixed costs included). */
    private static Map<String, Long> run(Map<String, String> config, Counters counters, String kind, int n) throws Exception {
        Map<String, Long> before = counters.snapshot();
        try (SessionStore store = SessionStores.open(SessionKitConfig.of(config));
             SessionManager manager = SessionManager.builder(store).expiryPolicy(SessionBenchmark.LONG).build()) {
            Payload payload = Payload.ofSize(1024);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < SEEDED; i++) {
                Session s = manager.create();
                payload.applyTo(s);
                manager.save(s);
                ids.add(s.id().value());
            }
            for (int i = 0; i < n; i++) {
                int slot = i % SEEDED;
                switch (kind) {
                    case "readOnly" -> {
                        Session s = manager.find(ids.get(slot)).orElseThrow();
                        s.getAttribute("user");
                        expect(SaveResult.UNCHANGED, manager.save(s));
                    }
                    case "modifying" -> {
                        Session s = manager.find(ids.get(slot)).orElseThrow();
                        s.setAttribute("counter", i);
                        expect(SaveResult.UPDATED, manager.save(s));
                    }
                    case "newSession" -> {
                        Session s = manager.create();
                        payload.applyTo(s);
                        // Not cleaned up, so that the two runs differ only in the measured requests (the servers
                        // are private, the PostgreSQL table is dropped before each count).
                        expect(SaveResult.CREATED, manager.save(s));
                    }
                    case "rotation" -> {
                        Session s = manager.find(ids.get(slot)).orElseThrow();
                        manager.rotateId(s);
                        ids.set(slot, s.id().value());
                    }
                    default -> throw new IllegalArgumentException(kind);
                }
            }
            for (String id : ids) {
                manager.invalidate(id);
            }
        }
        settled(counters::quick);
        Map<String, Long> after = counters.snapshot();
        Map<String, Long> delta = new TreeMap<>();
        for (Map.Entry<String, Long> e : after.entrySet()) {
            delta.put(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L));
        }
        return delta;
    }

    private interface Snapshot {
        Map<String, Long> take() throws Exception;
    }

    /** PostgreSQL publishes a backend's counters when it ends, a moment after the pool closed: wait until they settle. */
    private static Map<String, Long> settled(Snapshot s) throws Exception {
        Map<String, Long> last = s.take();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(i == 0 ? 500 : 100); // bounded poll (≤ 5.4 s) of PostgreSQL's statistics until they settle
            Map<String, Long> now = s.take();
            if (now.equals(last)) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static void expect(SaveResult expected, SaveResult actual) {
        if (actual != expected) {
            throw new IllegalStateException("save returned " + actual + ", expected " + expected);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    // ---- Redis ----

    /**
     * Client commands (round trips) from MONITOR, which marks what a script runs inside the server; and INFO
     * commandstats, which counts both (prefixed {@code stat.}).
     */
    private static Counters redisCounters(int port) throws IOException {
        RedisMonitor monitor = new RedisMonitor(port);
        return new Counters() {
            @Override
            public Map<String, Long> snapshot() throws Exception {
                Map<String, Long> m = new TreeMap<>(monitor.snapshot());
                for (String line : textCommand(port, "*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n", CommandCounter::redisBulkComplete).split("\r\n")) {
                    // cmdstat_get:calls=12,usec=...
                    if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:") && !line.startsWith("cmdstat_echo:")
                            && !line.startsWith("cmdstat_monitor:")) {
                        String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                        String calls = line.substring(line.indexOf("calls=") + 6);
                        m.put("stat." + name, Long.parseLong(calls.substring(0, calls.indexOf(','))));
                    }
                }
                return m;
            }

            @Override
            public long commands(Map<String, Long> delta) {
                return delta.entrySet().stream().filter(e -> e.getKey().startsWith("client.") && !e.getKey().equals("client.info"))
                        .mapToLong(Map.Entry::getValue).sum();
            }

            @Override
            public void close() {
                try {
                    monitor.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        };
    }

    // ---- memcached ----

    private static final List<String> MEMCACHED_COMMANDS = List.of("cmd_get", "cmd_set", "cmd_touch", "delete_hits",
            "delete_misses", "incr_hits", "incr_misses", "decr_hits", "decr_misses", "cmd_flush");

    private static Counters memcachedCounters(int port) {
        return new Counters() {
            @Override
            public Map<String, Long> snapshot() throws IOException {
                Map<String, Long> m = new TreeMap<>();
                for (String line : textCommand(port, "stats\r\n", sb -> sb.toString().endsWith("END\r\n")).split("\r\n")) {
                    String[] f = line.split(" ");
                    if (f.length == 3 && f[0].equals("STAT") && (MEMCACHED_COMMANDS.contains(f[1])
                            || f[1].startsWith("get_") || f[1].startsWith("cas_") || f[1].startsWith("touch_"))) {
                        try {
                            m.put(f[1], Long.parseLong(f[2]));
                        } catch (NumberFormatException e) {
                            // not a counter
                        }
                    }
                }
                return m;
            }

            @Override
            public long commands(Map<String, Long> delta) {
                return MEMCACHED_COMMANDS.stream().mapToLong(k -> delta.getOrDefault(k, 0L)).sum();
            }
        };
    }

    /** One request on a fresh plain-text connection, read until the reply is {@code complete}. */
    private static String textCommand(int port, String request, Predicate<StringBuilder> complete) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            Writer w = new OutputStreamWriter(s.getOutputStream(), StandardCharsets.US_ASCII);
            w.write(request);
            w.flush();
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            while (!complete.test(sb)) {
                int n = r.read(buf);
                if (n < 0) {
                    throw new IOException("connection closed before the reply was complete: " + sb);
                }
                sb.append(buf, 0, n);
            }
            return sb.toString();
        }
    }

    /** A RESP bulk string ({@code $len\r\n...\r\n}) is complete once its announced length has arrived. */
    private static boolean redisBulkComplete(StringBuilder sb) {
        int nl = sb.indexOf("\r\n");
        if (sb.length() == 0 || sb.charAt(0) != '$' || nl < 0) {
            return false;
        }
        int len = Integer.parseInt(sb.substring(1, nl));
        return sb.length() >= nl + 2 + len + 2;
    }

    // ---- PostgreSQL ----

    private static final class Postgres implements Counters {
        static final String DATABASE = "sessionkit_bench";
        final String adminUrl;
        final String benchUrl;
        final boolean statements;

        private Postgres(String adminUrl, String benchUrl, boolean statements) {
            this.adminUrl = adminUrl;
            this.benchUrl = benchUrl;
            this.statements = statements;
        }

        static Postgres open() throws SQLException {
            String base = System.getenv("SESSIONKIT_TEST_POSTGRES");
            if (base == null || base.isBlank()) {
                base = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
            }
            String admin = withDatabase(base.trim(), "postgres");
            String bench = withDatabase(base.trim(), DATABASE);
            try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                    if (!rs.next()) {
                        s.execute("CREATE DATABASE " + DATABASE);
                    }
                }
            }
            boolean statements;
            try (Connection c = DriverManager.getConnection(bench); Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS skc_sessions");
            }
            try (Connection c = DriverManager.getConnection(bench); Statement s = c.createStatement()) {
                s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_statements")) {
                    statements = rs.next();
                }
            } catch (SQLException e) {
                statements = false; // not in shared_preload_libraries: fall back to transaction counts
            }
            return new Postgres(admin, bench, statements);
        }

        String method() {
            return statements ? "pg_stat_statements calls in database " + DATABASE
                    : "pg_stat_database xact_commit + xact_rollback (pg_stat_statements is not loaded; with autocommit one"
                            + " statement is one transaction)";
        }

        /** Read from another database, so that reading adds nothing to the counted one. */
        @Override
        public Map<String, Long> quick() throws SQLException {
            Map<String, Long> m = new TreeMap<>();
            try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
                s.execute("SELECT pg_stat_clear_snapshot()");
                try (ResultSet rs = s.executeQuery("SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = '"
                        + DATABASE + "'")) {
                    rs.next();
                    m.put("xact_commit", rs.getLong(1));
                    m.put("xact_rollback", rs.getLong(2));
                }
            }
            return m;
        }

        /**
         * The transaction counters, then the table's. Per-table counters live in the database itself, so this opens
         * one connection there: the same number of transactions in every run, which the difference of two runs
         * cancels; they touch no user table.
         */
        @Override
        public Map<String, Long> snapshot() throws SQLException {
            Map<String, Long> m = quick();
            try (Connection c = DriverManager.getConnection(benchUrl); Statement s = c.createStatement()) {
                try (ResultSet rs = s.executeQuery("SELECT coalesce(seq_scan,0), coalesce(idx_scan,0), n_tup_ins, n_tup_upd,"
                        + " n_tup_del, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'skc_sessions'")) {
                    if (rs.next()) {
                        m.put("table.seq_scan", rs.getLong(1));
                        m.put("table.idx_scan", rs.getLong(2));
                        m.put("table.n_tup_ins", rs.getLong(3));
                        m.put("table.n_tup_upd", rs.getLong(4));
                        m.put("table.n_tup_del", rs.getLong(5));
                        m.put("table.n_tup_hot_upd", rs.getLong(6));
                    }
                }
                if (statements) {
                    try (ResultSet rs = s.executeQuery("SELECT coalesce(sum(calls),0) FROM pg_stat_statements s JOIN pg_database d"
                            + " ON d.oid = s.dbid WHERE d.datname = '" + DATABASE + "' AND s.query ILIKE '%skc_sessions%'")) {
                        rs.next();
                        m.put("statements", rs.getLong(1));
                    }
                }
            }
            return m;
        }

        @Override
        public long commands(Map<String, Long> delta) {
            if (statements) {
                return delta.getOrDefault("statements", 0L);
            }
            return delta.getOrDefault("xact_commit", 0L) + delta.getOrDefault("xact_rollback", 0L);
        }

        private static String withDatabase(String url, String database) {
            // jdbc:postgresql://host:port/db?params
            int slash = url.indexOf('/', "jdbc:postgresql://".length());
            int q = url.indexOf('?', slash);
            return url.substring(0, slash + 1) + database + (q < 0 ? "" : url.substring(q));
        }
    }
}
