package io.sessionkit.testing;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The shared servers the tests use, one lookup per kind, resolved once per test JVM in this order:
 * <ol>
 *   <li>an address from the environment (the kind's variable: {@code SESSIONKIT_TEST_POSTGRES},
 *       {@code _MARIADB}, {@code _REDIS}, {@code _MEMCACHED}, {@code _MONGO});</li>
 *   <li>the server at its standard local port (5432, 3306, 6379, 11211, 27017);</li>
 *   <li>a container started with Testcontainers, when a Docker engine answers (removed by Testcontainers' reaper when
 *       the JVM ends);</li>
 *   <li>for memcached and Redis, a private process from the local binary ({@link ServerProcess}); for MongoDB, which
 *       has no Debian package, the embedded wire-compatible mongo-java-server (in memory), and it says so;</li>
 *   <li>else an {@link IllegalStateException} that says how to start the server.</li>
 * </ol>
 * An address from the environment that does not answer fails at once: it is never silently replaced. Every lookup
 * prints one line naming what serves. Tests share these servers with other suites: they use unique key prefixes,
 * tables or databases. See session-testing/README.md for every variable.
 */
public final class TestServers {
    private static final Map<Kind, Server> RESOLVED = new ConcurrentHashMap<>();
    private static volatile @Nullable String dockerProblem;

    private TestServers() {}

    /** The kinds of server the tests use, with their variable, standard address and how to start one. */
    public enum Kind {
        POSTGRES(
                "jdbc:postgresql://127.0.0.1:5432/test?user=postgres",
                "PostgreSQL",
                "start it (e.g. `pg_ctlcluster 15 main start`, trust auth, database `test`) or set "
                        + "SESSIONKIT_TEST_POSTGRES=jdbc:postgresql://host:5432/db?user=...&password=..."),
        MARIADB(
                "jdbc:mariadb://127.0.0.1:3306/test?user=root",
                "MariaDB",
                "start it (e.g. `service mariadb start`, user root with an empty password, database `test`) or set "
                        + "SESSIONKIT_TEST_MARIADB=jdbc:mariadb://host:3306/db?user=...&password=..."),
        REDIS(
                "redis://127.0.0.1:6379",
                "Redis",
                "start one (`redis-server --port 6379 --save ''`), install redis-server, or set "
                        + "SESSIONKIT_TEST_REDIS=redis://host:port"),
        MEMCACHED(
                "127.0.0.1:11211",
                "memcached",
                "start one (`memcached -d -u root -l 127.0.0.1 -p 11211 -m 256`), install memcached, or set "
                        + "SESSIONKIT_TEST_MEMCACHED=host:port[,host:port]"),
        MONGO(
                "mongodb://127.0.0.1:27017",
                "MongoDB",
                "start a mongod on 27017 or set SESSIONKIT_TEST_MONGO=mongodb://host:port");

        /** The address of the server at its standard local port. */
        private final String standardAddress;
        /** The port of {@link #standardAddress}. */
        private final int standardPort;

        private final String displayName;
        /** What to do when no server is found. */
        private final String howToStart;

        Kind(String standardAddress, String displayName, String howToStart) {
            this.standardAddress = standardAddress;
            this.standardPort = portOf(standardAddress);
            this.displayName = displayName;
            this.howToStart = howToStart;
        }

        /** The environment variable that names this server's address: {@code SESSIONKIT_TEST_<kind>}. */
        private String variable() {
            return "SESSIONKIT_TEST_" + name();
        }

        /** The number after {@code 127.0.0.1:}, where every standard address points. */
        private static int portOf(String standardAddress) {
            String local = "127.0.0.1:";
            int from = standardAddress.indexOf(local) + local.length();
            int to = from;
            while (to < standardAddress.length() && Character.isDigit(standardAddress.charAt(to))) {
                to++;
            }
            return Integer.parseInt(standardAddress.substring(from, to));
        }

        /** The server's name in messages: {@code PostgreSQL}, {@code MariaDB}, {@code Redis}, ... */
        public String displayName() {
            return displayName;
        }
    }

    /** Where a server came from. */
    public enum Source {
        ENVIRONMENT,
        STANDARD_PORT,
        CONTAINER,
        PRIVATE_PROCESS,
        EMBEDDED
    }

    /**
     * A resolved server.
     *
     * @param address the address in the form its clients take: a JDBC URL, {@code redis://host:port},
     *     {@code host:port[,host:port]}, {@code mongodb://host:port}
     * @param description one line for logs and reports, never a password
     */
    public record Server(Kind kind, String address, Source source, String description) {
        /** Whether this is the embedded MongoDB (which has no TTL monitor, write concern, read preferences). */
        public boolean embedded() {
            return source == Source.EMBEDDED;
        }
    }

    /** The shared server of {@code kind}, resolved once per JVM. */
    public static Server server(Kind kind) {
        return RESOLVED.computeIfAbsent(kind, TestServers::resolve);
    }

    /** A JDBC URL of the shared PostgreSQL (database {@code test} unless the environment says otherwise). */
    public static String postgresUrl() {
        return server(Kind.POSTGRES).address();
    }

    /** A JDBC URL of the shared MariaDB. */
    public static String mariadbUrl() {
        return server(Kind.MARIADB).address();
    }

    /** A {@code redis://host:port} URI of the shared Redis. */
    public static URI redisUri() {
        return URI.create(server(Kind.REDIS).address());
    }

    /** {@code host:port[,host:port]} of the shared memcached. */
    public static String memcachedServers() {
        return server(Kind.MEMCACHED).address();
    }

    /** {@link #memcachedServers()} as socket addresses. */
    public static List<InetSocketAddress> memcachedAddresses() {
        return memcachedAddressesOf(memcachedServers());
    }

    /** {@code host:port[,host:port]} as socket addresses. */
    public static List<InetSocketAddress> memcachedAddressesOf(String servers) {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String hp : servers.split("\\s*,\\s*", -1)) {
            int colon = hp.lastIndexOf(':');
            out.add(new InetSocketAddress(hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1))));
        }
        return out;
    }

    /** A {@code mongodb://} connection string of the shared MongoDB. */
    public static String mongoUri() {
        return server(Kind.MONGO).address();
    }

    // ---------------------------------------------------------------- Docker

    /** Whether a Docker engine answers (asked once per JVM; Testcontainers' own discovery). */
    public static boolean dockerAvailable() {
        return dockerProblem().isEmpty();
    }

    /** Empty when a Docker engine answers, else why not (for a skip reason or a failure message). */
    public static String dockerProblem() {
        String p = dockerProblem;
        if (p == null) {
            try {
                p = DockerClientFactory.instance().isDockerAvailable()
                        ? ""
                        : "no Docker engine answers at " + dockerHost() + " (Testcontainers found no working strategy)";
            } catch (RuntimeException | LinkageError e) {
                p = "no Docker engine answers at " + dockerHost() + ": " + e;
            }
            dockerProblem = p;
        }
        return p;
    }

    private static String dockerHost() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() ? "unix:///var/run/docker.sock (DOCKER_HOST unset)" : host;
    }

    /**
     * Starts a fresh container of {@code kind} with Testcontainers and returns its address, ready for use (a JDBC
     * server accepts a connection). It is stopped by Testcontainers' reaper when the JVM ends. Fails when
     * {@link #dockerAvailable()} is false. The lookup uses this as its third step; a test may call it to exercise the
     * container path even where local servers answer.
     */
    public static Server container(Kind kind) {
        if (!dockerAvailable()) {
            throw new IllegalStateException(dockerProblem());
        }
        GenericContainer<?> c = switch (kind) {
            case POSTGRES ->
                new GenericContainer<>(DockerImageName.parse("postgres:17-alpine"))
                        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                        .withEnv("POSTGRES_DB", "test");
            case MARIADB ->
                new GenericContainer<>(DockerImageName.parse("mariadb:11"))
                        .withEnv("MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "1")
                        .withEnv("MARIADB_DATABASE", "test");
            case REDIS ->
                new GenericContainer<>(DockerImageName.parse("redis:7-alpine"))
                        .withCommand("redis-server", "--save", "");
            case MEMCACHED ->
                new GenericContainer<>(DockerImageName.parse("memcached:1.6-alpine"))
                        .withCommand("memcached", "-m", "256");
            case MONGO -> new GenericContainer<>(DockerImageName.parse("mongo:8"));
        };
        c.withExposedPorts(kind.standardPort)
                .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(3)));
        c.start();
        String host = c.getHost();
        int port = c.getMappedPort(kind.standardPort);
        String address = switch (kind) {
            case POSTGRES -> "jdbc:postgresql://" + host + ":" + port + "/test?user=postgres";
            case MARIADB -> "jdbc:mariadb://" + host + ":" + port + "/test?user=root";
            case REDIS -> "redis://" + host + ":" + port;
            case MEMCACHED -> host + ":" + port;
            case MONGO -> "mongodb://" + host + ":" + port;
        };
        if (kind == Kind.POSTGRES || kind == Kind.MARIADB) {
            awaitJdbc(address, Duration.ofSeconds(90)); // the port opens before the database accepts logins
        }
        return new Server(
                kind,
                address,
                Source.CONTAINER,
                kind.displayName + " in a Testcontainers container (" + c.getDockerImageName() + ") at " + host + ":"
                        + port);
    }

    // ---------------------------------------------------------------- the lookup

    private static Server resolve(Kind kind) {
        Server s = find(kind);
        System.out.println("[session-testing] " + kind.displayName + " for the tests: " + s.description());
        if (s.embedded()) {
            System.out.println("[session-testing] NOT CHECKED on the embedded MongoDB (verify on a real mongod):"
                    + " the TTL monitor removing expired documents, write concern majority and wtimeout"
                    + " (a standalone in-memory server acknowledges every write), read preferences,"
                    + " retryable writes across a failover, and MongoDB's own index and field-name rules.");
        }
        return s;
    }

    private static Server find(Kind kind) {
        String env = System.getenv(kind.variable());
        if (env != null && !env.isBlank()) {
            String address = normalize(kind, env.trim());
            String problem = problem(kind, address);
            if (problem != null) {
                throw new IllegalStateException(kind.displayName + " for the tests is not reachable at "
                        + redact(address) + " (" + kind.variable() + "): " + problem + ". Start that server or unset "
                        + kind.variable() + ".");
            }
            return new Server(kind, address, Source.ENVIRONMENT, redact(address) + " (" + kind.variable() + ")");
        }
        String standardProblem = problem(kind, kind.standardAddress);
        if (standardProblem == null) {
            return new Server(
                    kind,
                    kind.standardAddress,
                    Source.STANDARD_PORT,
                    redact(kind.standardAddress) + " (the standard local port)");
        }
        if (dockerAvailable()) {
            return container(kind);
        }
        String tried =
                "nothing usable at " + redact(kind.standardAddress) + " (" + standardProblem + "), " + dockerProblem();
        switch (kind) {
            case REDIS, MEMCACHED -> {
                try {
                    ServerProcess p = kind == Kind.REDIS
                            ? ServerProcess.redis("shared-redis")
                            : ServerProcess.memcached("-m", "256");
                    String address = kind == Kind.REDIS ? "redis://" + p.hostAndPort() : p.hostAndPort();
                    return new Server(
                            kind,
                            address,
                            Source.PRIVATE_PROCESS,
                            p.hostAndPort() + ": a private " + kind.displayName + " this JVM started (pid " + p.pid()
                                    + "), killed when the tests end; " + tried);
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(
                            "No " + kind.displayName + " for the tests: " + tried
                                    + ", and no local binary could be started (" + e.getMessage() + "). "
                                    + kind.howToStart + ".",
                            e);
                }
            }
            case MONGO -> {
                MongoServer server = new MongoServer(new MemoryBackend());
                InetSocketAddress a = server.bind();
                Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow, "embedded-mongo-shutdown"));
                String hp = a.getHostString() + ":" + a.getPort();
                return new Server(
                        kind,
                        "mongodb://" + hp,
                        Source.EMBEDDED,
                        "embedded de.bwaldvogel:mongo-java-server" + " (in-memory backend) at " + hp
                                + " - MongoDB has no Debian package; no " + kind.variable() + ", " + tried);
            }
            default ->
                throw new IllegalStateException(
                        kind.displayName + " for the tests: " + tried + ". " + kind.howToStart + ".");
        }
    }

    private static String normalize(Kind kind, String value) {
        return kind == Kind.REDIS && !value.contains("://") ? "redis://" + value : value;
    }

    /** Null when the server answers, else why not. */
    private static @Nullable String problem(Kind kind, String address) {
        switch (kind) {
            case POSTGRES, MARIADB -> {
                return jdbcProblem(address);
            }
            case REDIS -> {
                URI u = URI.create(address);
                int port = u.getPort() < 0 ? 6379 : u.getPort();
                // An authenticated Redis answers PING with -NOAUTH: then a listening port is all we can check here.
                boolean ok = u.getUserInfo() != null
                        ? ServerProcess.accepts(u.getHost(), port, 1000)
                        : ServerProcess.answersRedisPing(u.getHost(), port);
                return ok ? null : "no answer to PING on " + u.getHost() + ":" + port;
            }
            case MEMCACHED -> {
                for (String hp : address.split("\\s*,\\s*", -1)) {
                    int colon = hp.lastIndexOf(':');
                    if (colon < 0
                            || !ServerProcess.accepts(
                                    hp.substring(0, colon), Integer.parseInt(hp.substring(colon + 1)), 1000)) {
                        return "nothing listens on " + hp;
                    }
                }
                return null;
            }
            case MONGO -> {
                String rest = address.substring(address.indexOf("://") + 3);
                rest = rest.substring(rest.indexOf('@') + 1);
                String first = rest.split("[,/?]", -1)[0];
                int colon = first.lastIndexOf(':');
                String host = colon < 0 ? first : first.substring(0, colon);
                int port = colon < 0 ? 27017 : Integer.parseInt(first.substring(colon + 1));
                return ServerProcess.accepts(host, port, 1000) ? null : "nothing listens on " + host + ":" + port;
            }
            default -> throw new AssertionError(kind);
        }
    }

    private static @Nullable String jdbcProblem(String url) {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url)) {
            return c.isValid(5) ? null : "connection not valid";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }

    private static void awaitJdbc(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String problem;
        while ((problem = jdbcProblem(url)) != null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the container at " + redact(url) + " accepted no login within " + timeout + ": " + problem);
            }
            ServerProcess.sleepMillis(250);
        }
    }

    /** The address without a password ({@code password=...} in a query, {@code user:secret@} in a URI). */
    public static String redact(String address) {
        return address.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
    }
}
