package io.sessionkit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestServers;
import java.io.File;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;

/**
 * Server-side commands per request from the servers' own counters (module README "Servers"). Each kind runs {@link #N1}
 * and {@link #N2} requests in a fresh store; dividing the difference by {@code N2 - N1} cancels the fixed costs.
 */
public final class CommandCounter {
    static final int N1 = 200;
    static final int N2 = 1000;
    static final List<String> KINDS = List.of("readOnly", "modifying", "newSession", "rotation");
    /** Commands the Redis store sends itself; any other command in commandstats ran inside one of its scripts. */
    static final Set<String> REDIS_SENT = Set.of("get", "evalsha", "eval", "unlink", "mget", "zrangebyscore", "zrem");

    /** The memcached counters that are commands ({@code cas} is a {@code cmd_set}). */
    private static final Pattern MEMCACHED_COMMANDS =
            Pattern.compile("cmd_(get|set|touch|flush)|(delete|incr|decr)_(hits|misses)");

    private static final String PG_DATABASE = "sessionkit_bench";

    private CommandCounter() {}

    private record Target(
            Backend.Servers servers, String method, Callable<Map<String, Long>> counters, Predicate<String> commands) {}

    record Report(String generated, int n1, int n2, Map<String, Object> backends) {}

    public static void main(String[] args) throws Exception {
        System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
        Options o = Options.parse(args, "out backends");
        Map<String, Object> results = new LinkedHashMap<>();
        for (String backend : o.get("backends", "redis,memcached,jdbc-postgres").split(",", -1)) {
            Deque<AutoCloseable> cleanup = new ArrayDeque<>();
            try {
                results.put(backend, count(open(backend, cleanup), backend));
            } catch (Exception e) {
                System.err.println("[command-counter] " + backend + ": " + e);
                results.put(backend, Map.of("error", String.valueOf(e.getMessage())));
            } finally {
                while (!cleanup.isEmpty()) {
                    cleanup.pop().close();
                }
            }
        }
        Report report = new Report(Instant.now().toString(), N1, N2, results);
        File out = new File(o.get("out", "target/command-counts.json"));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out, report);
        System.out.println("[command-counter] wrote " + out);
    }

    /** The backend on a server of its own, with pools of one connection; {@code cleanup} stops the server. */
    private static Target open(String backend, Deque<AutoCloseable> cleanup) {
        switch (backend) {
            case "redis" -> {
                ServerProcess redis = ServerProcess.redis("count-redis");
                cleanup.push(redis);
                String at = redis.hostAndPort();
                RedisClient admin = RedisClient.create(HostAndPort.from(at));
                cleanup.push(admin);
                return new Target(
                        new Backend.Servers(Backend.REDIS, "redis://" + at, "private redis-server " + at, 1),
                        "INFO commandstats; commands sent by the store: "
                                + REDIS_SENT.stream().sorted().toList() + ", in-script.* = run inside its Lua scripts",
                        () -> commandstats(admin),
                        REDIS_SENT::contains);
            }
            case "memcached" -> {
                ServerProcess memcached = ServerProcess.memcached("-m", "512");
                cleanup.push(memcached);
                String at = memcached.hostAndPort();
                return new Target(
                        new Backend.Servers(Backend.MEMCACHED, at, "private memcached " + at, 1),
                        "stats: cmd_get + cmd_set + cmd_touch + delete_hits/misses + incr/decr",
                        () -> stats(memcached),
                        MEMCACHED_COMMANDS.asMatchPredicate());
            }
            case "jdbc-postgres" -> {
                String adminUrl = withDatabase(TestServers.postgresUrl(), "postgres");
                String benchUrl = withDatabase(adminUrl, PG_DATABASE);
                String exists = "SELECT count(*) AS n FROM pg_database WHERE datname = '" + PG_DATABASE + "'";
                if (Backend.sql(adminUrl, exists).getOrDefault("n", 0L) == 0) {
                    Backend.sql(adminUrl, "CREATE DATABASE " + PG_DATABASE);
                }
                Backend.sql(benchUrl, "DROP TABLE IF EXISTS skb_sessions, skbn_sessions");
                String transactions =
                        "SELECT xact_commit, xact_rollback FROM pg_stat_database WHERE datname = '" + PG_DATABASE + "'";
                return new Target(
                        new Backend.Servers(Backend.JDBC_POSTGRES, benchUrl, "PostgreSQL, database " + PG_DATABASE, 1),
                        "pg_stat_database xact_commit + xact_rollback (one autocommit statement is one transaction)",
                        // Read from another database, so that reading adds nothing to the counted one.
                        () -> Backend.sql(adminUrl, transactions),
                        Set.of("xact_commit", "xact_rollback")::contains);
            }
            default -> throw new IllegalArgumentException("no command counter for " + backend);
        }
    }

    private static Map<String, Object> count(Target target, String backend) throws Exception {
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (String kind : KINDS) {
            Map<String, Long> d1 = run(target, kind, N1);
            Map<String, Long> d2 = run(target, kind, N2);
            Map<String, Double> perRequest = new TreeMap<>();
            double commands = 0;
            for (Map.Entry<String, Long> e : d2.entrySet()) {
                double v = (e.getValue() - d1.getOrDefault(e.getKey(), 0L)) / (double) (N2 - N1);
                commands += target.commands.test(e.getKey()) ? v : 0;
                if (Math.abs(v) >= 0.005) {
                    perRequest.put(e.getKey(), round(v));
                }
            }
            kinds.put(kind, Map.of("commandsPerRequest", round(commands), "counters", perRequest));
            System.out.printf(
                    "[command-counter] %-14s %-11s %5.2f commands/request  %s%n", backend, kind, commands, perRequest);
        }
        return Map.of("server", target.servers.description(), "method", target.method, "kinds", kinds);
    }

    /** The counter deltas of {@code n} requests of one kind, one thread, no pre-warm, in a fresh store. */
    private static Map<String, Long> run(Target target, String kind, int n) throws Exception {
        Map<String, Long> before = target.counters.call();
        SessionBenchmark.Target trial = new SessionBenchmark.Target();
        trial.backend = target.servers.backend().id;
        trial.sessionBytes = 1024;
        trial.prewarmMillis = 0;
        trial.open(kind, target.servers);
        SessionBenchmark.Client client = new SessionBenchmark.Client();
        client.seed(trial);
        SessionBenchmark requests = new SessionBenchmark();
        for (int i = 0; i < n; i++) {
            trial.request(requests, kind, client);
        }
        trial.close();
        // PostgreSQL publishes a backend's counters a moment after the pool closed: wait until they settle.
        Map<String, Long> last = target.counters.call();
        for (int i = 0; i < 50; i++) {
            Thread.sleep(i == 0 ? 500 : 100); // bounded poll (≤ 5.4 s) of the server's statistics until they settle
            Map<String, Long> now = target.counters.call();
            if (now.equals(last)) {
                break;
            }
            last = now;
        }
        Map<String, Long> delta = new TreeMap<>(target.counters.call());
        delta.replaceAll((k, v) -> v - before.getOrDefault(k, 0L));
        return delta;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    private static Map<String, Long> commandstats(RedisClient admin) {
        Map<String, Long> m = new TreeMap<>();
        for (String line : admin.info("commandstats").lines().toList()) {
            // cmdstat_get:calls=12,usec=...; INFO is this reader's own
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                long calls = Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1"));
                m.put((REDIS_SENT.contains(name) ? "" : "in-script.") + name, calls);
            }
        }
        return m;
    }

    /** The command counters and the get/cas/touch outcomes. */
    private static Map<String, Long> stats(ServerProcess memcached) {
        return MemcachedText.stats(memcached.address()).entrySet().stream()
                .filter(e -> MEMCACHED_COMMANDS.matcher(e.getKey()).matches()
                        || e.getKey().matches("(get|cas|touch)_.*"))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Long.parseLong(e.getValue())));
    }

    /** {@code jdbc:postgresql://host:port/db?params} with another database. */
    private static String withDatabase(String url, String database) {
        return url.replaceFirst("^(jdbc:postgresql://[^/]*/)[^?]*", "$1" + database);
    }
}
