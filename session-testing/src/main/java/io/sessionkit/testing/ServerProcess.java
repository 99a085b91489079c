package io.sessionkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A server process a test owns: started from a local binary on a free loopback port (or a port the test names), in a
 * temporary directory of its own, and stopped by {@link #close()} or, should the JVM end first, by a shutdown hook. It
 * never outlives the test run and never touches the shared servers other suites use.
 *
 * <p>{@link #start()} returns once the server is ready (by default: its port accepts a connection; for Redis: it
 * answers {@code PING}). The same object can be stopped and started again on the same port and in the same directory
 * (an AOF file, a database directory survive), frozen with {@link #pause()} ({@code SIGSTOP}: it keeps its sockets but
 * answers nothing) and thawed with {@link #resume()}.
 *
 * <p>Binaries are found by {@link #binary(String)}: {@code SESSIONKIT_TEST_<NAME>_BIN} (e.g.
 * {@code SESSIONKIT_TEST_REDIS_SERVER_BIN}, {@code SESSIONKIT_TEST_MEMCACHED_BIN}), then {@code /usr/bin},
 * {@code /usr/local/bin}, {@code /opt/homebrew/bin}, then the {@code PATH}. See session-testing/README.md.
 *
 * <p>Not thread-safe for concurrent lifecycle calls from several threads other than through its synchronized methods;
 * it does not restart a server that crashes by itself.
 */
public final class ServerProcess implements AutoCloseable {
    /** The loopback address every private server binds. */
    public static final String HOST = "127.0.0.1";

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));
    private static final Map<String, List<String>> OLD_BINARY_VARIABLES = Map.of(
            "redis-server", List.of("SESSIONKIT_REDIS_SERVER"),
            "redis-cli", List.of("SESSIONKIT_REDIS_CLI"),
            "memcached", List.of("MEMCACHED_BIN", "SESSIONKIT_MEMCACHED_SERVER"));

    private final String name;
    private final int port;
    private final Path dir;
    private final CommandLine command;
    private final ReadyCheck ready;
    private final Duration startTimeout;
    private final Thread hook;
    private @Nullable Process process;
    private boolean paused;

    private ServerProcess(Builder b, int port, Path dir) {
        this.name = b.name;
        this.port = port;
        this.dir = dir;
        this.command = Objects.requireNonNull(b.command, "command");
        this.ready = b.ready;
        this.startTimeout = b.startTimeout;
        this.hook = new Thread(this::destroyQuietly, "kill-" + name + "-" + port);
    }

    /** Builds the command line of a server once its port and directory are known. */
    @FunctionalInterface
    public interface CommandLine {
        /** The command (binary first) that runs the server on {@code port} with {@code dir} as its working directory. */
        List<String> build(int port, Path dir) throws IOException;
    }

    /** Says whether the server on {@code port} is ready for the test; polled every 20 ms until the start timeout. */
    @FunctionalInterface
    public interface ReadyCheck {
        boolean isReady(int port);
    }

    /** A builder for a process called {@code name} (used in its directory, thread and error messages). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A {@code redis-server} on a free port, started: persistence off ({@code --save '' --appendonly no}), protected mode
     * off, then {@code extraArgs} (later arguments win, so {@code "--appendonly", "yes"} turns AOF on). The cluster bus
     * port ({@code port + 10000}) is free too, so the same call serves cluster nodes.
     */
    public static ServerProcess redis(String name, String... extraArgs) {
        List<String> extra = List.of(extraArgs);
        return builder(name)
                .busPort()
                .ready(ServerProcess::answersRedisPing)
                .command((port, dir) -> {
                    List<String> cmd = new ArrayList<>(List.of(
                            binary("redis-server"),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            HOST,
                            "--dir",
                            dir.toString(),
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--protected-mode",
                            "no"));
                    cmd.addAll(extra);
                    return cmd;
                })
                .start();
    }

    /**
     * A Redis Sentinel on a free port, started; {@code configLines} (e.g. {@code "sentinel monitor m 127.0.0.1 6380 1"})
     * go into its config file, which Sentinel rewrites as it learns the topology and keeps across a restart.
     */
    public static ServerProcess redisSentinel(String name, String... configLines) {
        List<String> lines = List.of(configLines);
        return builder(name)
                .ready(ServerProcess::answersRedisPing)
                .command((port, dir) -> {
                    Path conf = dir.resolve("sentinel.conf");
                    if (!Files.exists(conf)) {
                        List<String> all = new ArrayList<>(List.of("port " + port, "bind " + HOST, "dir " + dir));
                        all.addAll(lines);
                        Files.write(conf, all, StandardCharsets.UTF_8);
                    }
                    return List.of(binary("redis-server"), conf.toString(), "--sentinel");
                })
                .start();
    }

    /**
     * A {@code memcached} on a free port, started: {@code -U 0 -m 64 -t 2 -c 1024}, then {@code extraArgs} (memcached
     * takes the last of a repeated option, so {@code "-m", "512"} raises the memory). As root it runs as root
     * ({@code -u root}), which memcached otherwise refuses.
     */
    public static ServerProcess memcached(String... extraArgs) {
        return memcachedBuilder(extraArgs).start();
    }

    /** As {@link #memcached(String...)} but on {@code port}, e.g. to take over the address of a server a test killed. */
    public static ServerProcess memcached(int port, String... extraArgs) {
        return memcachedBuilder(extraArgs).port(port).start();
    }

    private static Builder memcachedBuilder(String... extraArgs) {
        List<String> extra = List.of(extraArgs);
        return builder("memcached").command((port, dir) -> {
            List<String> cmd = new ArrayList<>(List.of(
                    binary("memcached"),
                    "-l",
                    HOST,
                    "-p",
                    Integer.toString(port),
                    "-U",
                    "0",
                    "-m",
                    "64",
                    "-t",
                    "2",
                    "-c",
                    "1024"));
            if (ROOT) {
                cmd.addAll(List.of("-u", "root"));
            }
            cmd.addAll(extra);
            return cmd;
        });
    }

    /** Builds a {@link ServerProcess}. */
    public static final class Builder {
        private final String name;
        private @Nullable CommandLine command; // required: start() and build() refuse null
        private ReadyCheck ready = port -> accepts(HOST, port, 200);
        private Duration startTimeout = Duration.ofSeconds(15);
        private int port;
        private boolean busPort;

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** The command line; required. */
        public Builder command(CommandLine command) {
            this.command = Objects.requireNonNull(command, "command");
            return this;
        }

        /** When the server counts as started; default: its port accepts a TCP connection. */
        public Builder ready(ReadyCheck ready) {
            this.ready = Objects.requireNonNull(ready, "ready");
            return this;
        }

        /** How long {@link ServerProcess#start()} waits for readiness; default 15 s. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** A fixed port instead of a free one (no retry on another port when it is taken). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Also require {@code port + 10000} free (Redis Cluster's bus port). */
        public Builder busPort() {
            this.busPort = true;
            return this;
        }

        /** Starts the process (on a free port: up to five ports are tried, as another process may take one first). */
        public ServerProcess start() {
            Objects.requireNonNull(command, "command");
            IllegalStateException last = null;
            for (int attempt = 0; attempt < (port > 0 ? 1 : 5); attempt++) {
                ServerProcess p = build();
                try {
                    p.start();
                    return p;
                } catch (IllegalStateException e) {
                    p.close();
                    last = e;
                }
            }
            throw Objects.requireNonNull(last);
        }

        /** The process, not started yet: for a test that starts it later (then {@link ServerProcess#close()} it). */
        public ServerProcess build() {
            Objects.requireNonNull(command, "command");
            int p = port > 0 ? port : busPort ? freePortWithBusPort() : freePort();
            try {
                Path dir = Files.createTempDirectory("sessionkit-" + name + "-" + p + "-");
                ServerProcess process = new ServerProcess(this, p, dir);
                Runtime.getRuntime().addShutdownHook(process.hook);
                return process;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:port}. */
    public String hostAndPort() {
        return HOST + ":" + port;
    }

    /** {@code 127.0.0.1:port}, resolved, printed as {@code 127.0.0.1} (not {@code localhost}) in client messages. */
    public InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1}), port);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError("a literal IPv4 address always has a valid length", e);
        }
    }

    /** The process's own directory (working directory, {@code server.log}); deleted by {@link #close()}. */
    public Path dir() {
        return dir;
    }

    /** The pid of the running process. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException(name + " was never started");
        }
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /**
     * Starts the process (again, on the same port and in the same directory, if it ran before) and waits until it is
     * ready. Does nothing when it is alive. Fails with the tail of {@code server.log} when the process exits or is not
     * ready in time.
     */
    public synchronized void start() {
        if (isAlive()) {
            return;
        }
        List<String> cmd;
        try {
            cmd = command.build(port, dir);
            process = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage() + hint(), e);
        }
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (!ready.isReady(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited at start on port " + port + " (" + String.join(" ", cmd) + "): " + log());
            }
            if (System.nanoTime() > deadline) {
                destroyQuietly();
                throw new IllegalStateException(
                        name + " was not ready on port " + port + " within " + startTimeout + ": " + log());
            }
            sleepMillis(20);
        }
    }

    /**
     * Stops the process gracefully ({@code SIGTERM}; {@code SIGKILL} after 10 s) and returns once its port no longer
     * accepts connections: a server still listening would turn an outage test into a test of nothing.
     */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            if (paused) {
                resume();
            }
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        awaitNotListening(Duration.ofSeconds(10));
    }

    /** Kills the process at once ({@code SIGKILL}), as a crash would, and waits (bounded) until it is gone. */
    public synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        paused = false;
    }

    /** {@link #kill()} then {@link #start()}: same port, same directory (a memcached comes back empty). */
    public synchronized void restart() {
        kill();
        start();
    }

    /** Freezes the process ({@code SIGSTOP}): it keeps its sockets and accepts connections but answers nothing. */
    public synchronized void pause() {
        signal("STOP");
        paused = true;
    }

    /** Thaws a {@link #pause() paused} process ({@code SIGCONT}). */
    public synchronized void resume() {
        signal("CONT");
        paused = false;
    }

    /** Sends {@code signal} (a name such as {@code STOP}, {@code CONT}, {@code INT}) to the process with {@code kill}. */
    public synchronized void signal(String signal) {
        run(Duration.ofSeconds(10), dir, List.of("kill", "-" + signal, Long.toString(pid())));
    }

    /** The last 2,000 characters of {@code server.log}. */
    public String log() {
        try {
            String s = Files.readString(dir.resolve("server.log"));
            return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Kills the process, removes the shutdown hook and deletes its directory. */
    @Override
    public void close() {
        destroyQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs anyway.
        }
        deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return name + "@" + hostAndPort();
    }

    private synchronized void destroyQuietly() {
        kill(); // SIGKILL reaches a paused (SIGSTOPped) process too
    }

    private String hint() {
        return "; install the server (Debian: apt-get install -y redis-server memcached) or set "
                + "SESSIONKIT_TEST_<BINARY>_BIN (see session-testing/README.md)";
    }

    // ---------------------------------------------------------------- shared pieces for process-based tests

    /**
     * The path of {@code program} ({@code redis-server}, {@code memcached}, {@code mariadbd}, ...):
     * {@code SESSIONKIT_TEST_<PROGRAM>_BIN} (upper case, {@code -} as {@code _}), then the old variable for the
     * program ({@code SESSIONKIT_REDIS_SERVER}, {@code SESSIONKIT_REDIS_CLI}, {@code MEMCACHED_BIN},
     * {@code SESSIONKIT_MEMCACHED_SERVER}), then the usual install directories (and the newest
     * {@code /usr/lib/postgresql/<version>/bin}), else the bare name (looked up on the {@code PATH} when started).
     */
    public static String binary(String program) {
        String variable =
                "SESSIONKIT_TEST_" + program.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_BIN";
        List<String> variables = new ArrayList<>(List.of(variable));
        variables.addAll(OLD_BINARY_VARIABLES.getOrDefault(program, List.of()));
        for (String v : variables) {
            String value = System.getenv(v);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        if (program.equals("redis-cli")) {
            String server = binary("redis-server");
            if (server.endsWith("/redis-server")) {
                return server.substring(0, server.length() - "redis-server".length()) + "redis-cli";
            }
        }
        List<Path> dirs =
                new ArrayList<>(List.of(Path.of("/usr/bin"), Path.of("/usr/local/bin"), Path.of("/opt/homebrew/bin")));
        // Debian keeps PostgreSQL's server programs (initdb, pg_ctl, postgres) per version, off the PATH.
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            versions.map(v -> v.resolve("bin"))
                    .sorted(Comparator.reverseOrder())
                    .forEach(dirs::add);
        } catch (IOException e) {
            // no PostgreSQL installed the Debian way
        }
        for (Path d : dirs) {
            Path p = d.resolve(program);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return program;
    }

    /** A port nobody listened on a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** A free port whose Redis Cluster bus port ({@code port + 10000}) is free as well. */
    public static int freePortWithBusPort() {
        for (int i = 0; i < 50; i++) {
            int port = freePort();
            if (port + 10000 <= 65535) {
                try (ServerSocket bus = new ServerSocket(port + 10000)) {
                    return bus.getLocalPort() - 10000; // = port: the bus port could be bound, so the pair is free
                } catch (IOException e) {
                    // taken: try another
                }
            }
        }
        throw new IllegalStateException("no free port pair (port, port + 10000) found");
    }

    /** Whether {@code host:port} accepts a TCP connection within {@code timeoutMillis}. */
    public static boolean accepts(String host, int port, int timeoutMillis) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMillis);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a Redis (or Sentinel) on {@code 127.0.0.1:port} answers {@code PING} with {@code +PONG}. */
    public static boolean answersRedisPing(int port) {
        return answersRedisPing(HOST, port);
    }

    /** Whether a Redis on {@code host:port} answers {@code PING} with {@code +PONG} within a second. */
    public static boolean answersRedisPing(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = s.getInputStream().readNBytes(7);
            return new String(buf, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code command} to completion in {@code dir} (bounded by {@code timeout}) and returns its output; fails with
     * the output when it exits non-zero. Output goes to a file, not a pipe: a daemon the command forks ({@code pg_ctl
     * start}) must not keep us reading.
     */
    public static String run(Duration timeout, Path dir, List<String> command) {
        try {
            Path out = Files.createTempFile(dir, "command-", ".log");
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeout + ": " + command);
            }
            String text = Files.readString(out);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }

    /** {@code command} run as {@code user} ({@code runuser -u user --}) when this JVM runs as root, else as is. */
    public static List<String> asUser(String user, String... command) {
        List<String> c = new ArrayList<>();
        if (ROOT) {
            c.addAll(List.of("runuser", "-u", user, "--"));
        }
        c.addAll(List.of(command));
        return c;
    }

    /** Whether this JVM runs as root (then servers that refuse root need {@link #asUser} or their own user option). */
    public static boolean runsAsRoot() {
        return ROOT;
    }

    /** Polls until nothing accepts connections on the port, failing after {@code timeout}. */
    public void awaitNotListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (accepts(HOST, port, 200)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " still listens on " + port + " " + timeout + " after stopping");
            }
            sleepMillis(20);
        }
    }

    /**
     * Sleeps {@code millis}, rethrowing an interrupt as {@link IllegalStateException} (with the flag kept). Only for
     * bounded polls of real processes (start-up, failover, recovery, a busy crawler) that happen in wall-clock time;
     * session expiry is never waited for, it is driven by an injected clock.
     */
    public static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless.
        }
    }
}
