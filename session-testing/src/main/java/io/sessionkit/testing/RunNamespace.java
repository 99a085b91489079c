package io.sessionkit.testing;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Where one test run writes into a shared server ({@link TestServers}): a Redis key prefix or a SQL table unique to
 * the run, with the server's address, and the {@link Cleanup} that removes exactly that afterwards. The tests that
 * start several application nodes over one store take one of these, so each store's variant only says which
 * properties point the nodes at it.
 *
 * @param server     the server's address: a {@code redis://} URI or a JDBC URL
 * @param name       the run's own key prefix (ends with {@code ':'}) or table name
 * @param properties configuration that points application nodes at the namespace ({@link #with(String...)})
 */
public record RunNamespace(Kind kind, String server, String name, Map<String, String> properties) {
    /** The kind of server the namespace is in. */
    public enum Kind {
        REDIS,
        SQL
    }

    public RunNamespace {
        properties = Map.copyOf(properties);
    }

    /** A key prefix {@code stem-<random>:} on the test Redis ({@link TestServers#redisUri()}). */
    public static RunNamespace redis(String stem) {
        return new RunNamespace(Kind.REDIS, TestServers.redisUri().toString(), stem + "-" + random() + ":", Map.of());
    }

    /** A table {@code stem_<random>} on the test PostgreSQL ({@link TestServers#postgresUrl()}). */
    public static RunNamespace postgres(String stem) {
        return new RunNamespace(Kind.SQL, TestServers.postgresUrl(), stem + "_" + random(), Map.of());
    }

    /**
     * This namespace with the properties that point nodes at it: each entry is {@code key=value}, where
     * {@code {server}} and {@code {name}} in the value stand for {@link #server()} and {@link #name()}.
     */
    public RunNamespace with(String... entries) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not key=value: '" + entry + "'");
            }
            String value = entry.substring(eq + 1).replace("{server}", server).replace("{name}", name);
            properties.put(entry.substring(0, eq), value);
        }
        return new RunNamespace(kind, server, name, properties);
    }

    /** The kind of server, for test names: {@code redis} or {@code postgres}. */
    @Override
    public String toString() {
        return kind == Kind.REDIS ? "redis" : "postgres";
    }

    /** Removes what the run wrote: the keys under the prefix, or the table. */
    public void cleanUp() {
        switch (kind) {
            case REDIS -> Cleanup.redisKeys(URI.create(server), name);
            case SQL -> Cleanup.sqlTable(server, name);
        }
    }

    private static String random() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
