package io.sessionkit.reliability;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shared servers the suites use, resolved as DESIGN.md says: an address from the environment
 * ({@code SESSIONKIT_TEST_REDIS}, {@code _MEMCACHED}, {@code _POSTGRES}, {@code _MARIADB}, {@code _MONGO}), then the
 * server at its standard local port, then — for MongoDB only — an embedded wire-compatible server; otherwise a
 * failure that says how to start the server. Testcontainers is not used (no Docker engine on the build machine).
 */
final class TestServers {
    private static final Map<String, String> RESOLVED = new ConcurrentHashMap<>();

    private TestServers() {
    }

    /** A {@code redis://host:port} URI. */
    static String redisUri() {
        return RESOLVED.computeIfAbsent("redis", k -> {
            String env = env("SESSIONKIT_TEST_REDIS");
            String uri = env == null ? "redis://127.0.0.1:6379" : env.contains("://") ? env : "redis://" + env;
            URI u = URI.create(uri);
            requireListening(u.getHost(), u.getPort(), "Redis", "SESSIONKIT_TEST_REDIS",
                    "start one with `redis-server --port 6379 --save ''`");
            return uri;
        });
    }

    /** {@code host:port} of a memcached. */
    static String memcachedServers() {
        return RESOLVED.computeIfAbsent("memcached", k -> {
            String env = env("SESSIONKIT_TEST_MEMCACHED");
            String hostPort = env == null ? "127.0.0.1:11211" : env;
            int colon = hostPort.lastIndexOf(':');
            requireListening(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)), "memcached",
                    "SESSIONKIT_TEST_MEMCACHED", "start one with `memcached -p 11211 -U 0 -d`");
            return hostPort;
        });
    }

    static String postgresUrl() {
        return jdbc("postgres", "SESSIONKIT_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                "start it (`pg_ctlcluster 15 main start`; trust auth, database `test`)");
    }

    static String mariadbUrl() {
        return jdbc("mariadb", "SESSIONKIT_TEST_MARIADB", "jdbc:mariadb://127.0.0.1:3306/test?user=root",
                "start it (`service mariadb start`; root with an empty password, database `test`)");
    }

    /** A {@code mongodb://} URI: the environment, a mongod on 27017, else an embedded server for this JVM. */
    static String mongoUri() {
        return RESOLVED.computeIfAbsent("mongo", k -> {
            String env = env("SESSIONKIT_TEST_MONGO");
            if (env != null) {
                return env;
            }
            if (listening("127.0.0.1", 27017)) {
                System.out.println("[session-reliability] MongoDB: local mongod at 127.0.0.1:27017");
                return "mongodb://127.0.0.1:27017";
            }
            MongoServer server = new MongoServer(new MemoryBackend());
            InetSocketAddress address = server.bind();
            Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "embedded-mongo-shutdown"));
            System.out.println("[session-reliability] MongoDB: embedded de.bwaldvogel:mongo-java-server (in memory) at "
                    + address.getHostString() + ":" + address.getPort() + " - no SESSIONKIT_TEST_MONGO, nothing on 27017");
            return "mongodb://" + address.getHostString() + ":" + address.getPort();
        });
    }

    private static String jdbc(String key, String envName, String fallback, String howToStart) {
        return RESOLVED.computeIfAbsent(key, k -> {
            String env = env(envName);
            String url = env == null ? fallback : env;
            DriverManager.setLoginTimeout(5);
            try (Connection c = DriverManager.getConnection(url)) {
                if (!c.isValid(5)) {
                    throw new SQLException("connection not valid");
                }
                return url;
            } catch (SQLException e) {
                throw new IllegalStateException(key + " for the tests is not reachable (" + e.getMessage() + "); " + howToStart
                        + ", or set " + envName + " to a JDBC URL", e);
            }
        });
    }

    private static void requireListening(String host, int port, String what, String envName, String howToStart) {
        if (!listening(host, port)) {
            throw new IllegalStateException(what + " for the tests is not listening on " + host + ":" + port + "; "
                    + howToStart + ", or set " + envName);
        }
    }

    static boolean listening(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
