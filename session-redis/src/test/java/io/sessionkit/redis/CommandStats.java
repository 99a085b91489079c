package io.sessionkit.redis;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * Rule 7 counted on the server: Redis {@code INFO commandstats} between a {@code CONFIG RESETSTAT} and the read, for
 * the standalone and the Cluster command-budget tests. Commands a Lua script runs ({@code GETRANGE}, {@code SET},
 * {@code ZADD}…) are counted by Redis too; {@link #clientSent} keeps the ones the store sends itself.
 */
final class CommandStats {
    /**
     * The commands the store sends itself; anything else in commandstats ran inside a script. ({@code zrangebyscore}
     * is also run by the sweep's candidates script, which no request runs.)
     */
    private static final Set<String> CLIENT_SENT =
            Set.of("get", "evalsha", "eval", "mget", "zrangebyscore", "zcount", "ping", "scan");

    private CommandStats() {}

    /** Zeroes the server's counters. */
    static void reset(UnifiedJedis server) {
        server.executeCommand(new CommandArguments(Protocol.Command.CONFIG).add("RESETSTAT"));
    }

    /** Calls per command (lower-case name) since the last {@link #reset}, without the reset and the INFO themselves. */
    static Map<String, Long> read(UnifiedJedis server) {
        Map<String, Long> calls = new TreeMap<>();
        server.info("commandstats")
                .lines()
                .filter(line -> line.startsWith("cmdstat_"))
                .forEach(line -> {
                    String name = line.substring("cmdstat_".length(), line.indexOf(':'));
                    calls.put(name, Long.parseLong(line.replaceAll("^[^:]*:calls=(\\d+),.*", "$1")));
                });
        calls.remove("config|resetstat");
        calls.remove("info");
        return calls;
    }

    /** The entries of {@code calls} for commands the store sends itself. */
    static Map<String, Long> clientSent(Map<String, Long> calls) {
        Map<String, Long> out = new TreeMap<>(calls);
        out.keySet().retainAll(CLIENT_SENT);
        return out;
    }
}
