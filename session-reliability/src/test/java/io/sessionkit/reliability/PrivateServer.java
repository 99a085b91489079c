package io.sessionkit.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A server process this test owns, on a free port, in a temporary directory, so the fault tests can stop and restart
 * it without disturbing the shared servers other suites use. {@link #close()} (also run by a shutdown hook) stops it
 * and deletes its directory.
 */
abstract class PrivateServer implements AutoCloseable {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    final int port;
    final Path dir;
    private Process process;
    private final Thread hook = new Thread(this::stopQuietly, "private-server-cleanup");

    PrivateServer(String name) {
        this.port = freePort();
        try {
            this.dir = Files.createTempDirectory("sessionkit-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** A short description for figures, e.g. {@code redis-server 7.0 (no persistence)}. */
    abstract String describe();

    /** Starts the server and returns once it accepts connections. */
    abstract void start() throws Exception;

    /** Stops the server and returns once it no longer accepts connections. */
    abstract void stop() throws Exception;

    /** Starts {@code command} as this server's process and waits until the port accepts connections. */
    final void startProcess(List<String> command, long timeoutMillis) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
        process = pb.start();
        awaitListening(timeoutMillis);
    }

    /** Terminates the process started by {@link #startProcess} (SIGTERM, then SIGKILL after 10 s). */
    final void stopProcess() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        awaitNotListening(10_000);
    }

    final void awaitListening(long timeoutMillis) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!TestServers.listening("127.0.0.1", port)) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(describe() + " exited: " + log());
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(describe() + " did not listen on " + port + " within " + timeoutMillis + " ms: " + log());
            }
            Thread.sleep(20); // polling a port, not waiting for expiry
        }
    }

    final void awaitNotListening(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (TestServers.listening("127.0.0.1", port)) {
            // A server that is still up would turn an outage test into a test of nothing: fail loudly instead.
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(describe() + " still listens on " + port + " " + timeoutMillis + " ms after stopping");
            }
            Thread.sleep(20); // polling a port, not waiting for expiry
        }
    }

    /** Runs a command to completion (bounded), as the service user when running as root. */
    final String run(long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        // Output to a file, not a pipe: a daemon the command forks must not keep us reading.
        Path out = dir.resolve("command.log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out: " + command);
        }
        String text = Files.readString(out);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }

    static List<String> as(String user, String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("runuser", "-u", user, "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    String log() {
        try {
            String s = Files.readString(dir.resolve("server.log"));
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (Exception e) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("[session-reliability] could not delete " + dir + ": " + e.getMessage());
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void chown(Path dir, String user) throws IOException, InterruptedException {
        if (ROOT) {
            Process p = new ProcessBuilder("chown", "-R", user, dir.toString()).start();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    // ---------------------------------------------------------------- the servers

    /** {@code redis-server} on a free port; no persistence unless asked (then AOF, fsync always). */
    static final class Redis extends PrivateServer {
        private final boolean aof;

        Redis(boolean aof) {
            super("redis");
            this.aof = aof;
        }

        @Override
        String describe() {
            return "redis-server :" + port + (aof ? " (appendonly yes, appendfsync always)" : " (no persistence: save '', appendonly no)");
        }

        @Override
        void start() throws Exception {
            startProcess(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                    "--save", "", "--appendonly", aof ? "yes" : "no", "--appendfsync", "always"), 10_000);
        }

        @Override
        void stop() throws Exception {
            stopProcess();
        }
    }

    /** {@code memcached} on a free port. */
    static final class Memcached extends PrivateServer {
        Memcached() {
            super("memcached");
        }

        @Override
        String describe() {
            return "memcached :" + port;
        }

        @Override
        void start() throws Exception {
            List<String> c = new ArrayList<>(List.of("memcached", "-p", String.valueOf(port), "-l", "127.0.0.1", "-U", "0", "-m", "64"));
            if (ROOT) {
                c.addAll(List.of("-u", "nobody"));
            }
            startProcess(c, 10_000);
        }

        @Override
        void stop() throws Exception {
            stopProcess();
        }
    }

    /** A PostgreSQL cluster made by {@code initdb} in a temporary directory, run by {@code pg_ctl}. */
    static final class Postgres extends PrivateServer {
        private final String bin;
        private boolean initialized;
        private boolean running;

        Postgres() {
            super("postgres");
            this.bin = findPgBin();
        }

        String url() {
            return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
        }

        @Override
        String describe() {
            return "PostgreSQL (private initdb cluster) :" + port;
        }

        @Override
        void start() throws Exception {
            if (!initialized) {
                chown(dir, "postgres");
                run(120, as("postgres", bin + "/initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "-N",
                        "--no-instructions"));
                initialized = true;
            }
            run(60, as("postgres", bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "60", "start"));
            running = true;
            awaitListening(10_000);
        }

        @Override
        void stop() throws Exception {
            if (running) {
                // Fast shutdown: clients are disconnected at once, as in a crash or failover, not waited for.
                run(60, as("postgres", bin + "/pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "-t", "60", "stop"));
                running = false;
            }
            awaitNotListening(10_000);
        }

        private static String findPgBin() {
            try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
                return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.naturalOrder()).map(Path::toString)
                        .orElseThrow(() -> new IllegalStateException("no initdb under /usr/lib/postgresql/*/bin: install postgresql"));
            } catch (IOException e) {
                throw new IllegalStateException("no /usr/lib/postgresql: install postgresql to run the PostgreSQL fault test", e);
            }
        }
    }

    /** A MariaDB made by {@code mariadb-install-db} in a temporary directory, run as a child process. */
    static final class Mariadb extends PrivateServer {
        private boolean initialized;

        Mariadb() {
            super("mariadb");
        }

        String url() {
            return "jdbc:mariadb://127.0.0.1:" + port + "/test?user=root";
        }

        @Override
        String describe() {
            return "MariaDB (private mariadb-install-db instance) :" + port;
        }

        @Override
        void start() throws Exception {
            if (!initialized) {
                chown(dir, "mysql");
                run(120, List.of("mariadb-install-db", "--no-defaults", "--user=mysql", "--datadir=" + dir.resolve("data"),
                        "--auth-root-authentication-method=normal", "--skip-test-db", "--skip-name-resolve"));
            }
            startProcess(List.of("mariadbd", "--no-defaults", "--user=mysql", "--datadir=" + dir.resolve("data"),
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + dir.resolve("sock"), "--pid-file=" + dir.resolve("pid"),
                    "--skip-name-resolve", "--innodb-buffer-pool-size=32M", "--skip-log-bin"), 60_000);
            if (!initialized) {
                try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/?user=root");
                     Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE IF NOT EXISTS test");
                } catch (SQLException e) {
                    throw new IllegalStateException("cannot create database test on " + describe(), e);
                }
                initialized = true;
            }
        }

        @Override
        void stop() throws Exception {
            // SIGTERM: a normal shutdown that closes client connections.
            stopProcess();
        }
    }
}
