package io.sessionkit.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private {@code redis-server} (or Sentinel) for one test class, on a free port, in its own directory under
 * {@code target/}. It is killed by {@link #close()} and, should the JVM end first, by a shutdown hook.
 */
final class RedisProcess implements AutoCloseable {
    private static final Path BASE = Path.of("target", "redis-processes");

    private final String name;
    private final Path dir;
    private final int port;
    private final List<String> extraArgs;
    private final boolean sentinel;
    private final Thread hook;
    private Process process;

    private RedisProcess(String name, int port, List<String> extraArgs, boolean sentinel) {
        this.name = name;
        this.dir = BASE.resolve(name + "-" + port).toAbsolutePath();
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.sentinel = sentinel;
        this.hook = new Thread(this::kill, "kill-" + name);
    }

    /** Starts a Redis server on a free port with persistence off and the extra arguments given. */
    static RedisProcess start(String name, String... extraArgs) {
        return startOnFreePort(name, List.of(extraArgs), false);
    }

    /** Starts a Sentinel on a free port; {@code config} lines go into its (writable) config file. */
    static RedisProcess startSentinel(String name, String... config) {
        return startOnFreePort(name, List.of(config), true);
    }

    private static RedisProcess startOnFreePort(String name, List<String> extra, boolean sentinel) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            RedisProcess p = new RedisProcess(name, freePort(), extra, sentinel);
            try {
                p.launch();
                Runtime.getRuntime().addShutdownHook(p.hook);
                return p;
            } catch (IllegalStateException e) {
                p.kill();
                last = e;
            }
        }
        throw last;
    }

    /** A port that nobody listened on a moment ago (the bus port {@code +10000} is free as well). */
    static int freePort() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (port + 10000 <= 65535 && isFree(port + 10000)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port pair found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    static String serverBinary() {
        String env = System.getenv("SESSIONKIT_REDIS_SERVER");
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            return "/usr/bin/redis-server";
        }
        return "redis-server";
    }

    int port() {
        return port;
    }

    String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** (Re)starts the process on the same port and waits until it answers PING. */
    synchronized void launch() {
        try {
            Files.createDirectories(dir);
            List<String> cmd = new ArrayList<>();
            cmd.add(serverBinary());
            if (sentinel) {
                Path conf = dir.resolve("sentinel.conf");
                if (!Files.exists(conf)) {
                    List<String> lines = new ArrayList<>(List.of("port " + port, "bind 127.0.0.1", "dir " + dir));
                    lines.addAll(extraArgs);
                    Files.write(conf, lines, StandardCharsets.UTF_8);
                }
                cmd.add(conf.toString());
                cmd.add("--sentinel");
            } else {
                cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                        "--save", "", "--appendonly", "no", "--protected-mode", "no"));
                cmd.addAll(extraArgs);
            }
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + serverBinary() + " for " + name
                    + ": install Redis 7 (apt-get install redis-server) or set SESSIONKIT_REDIS_SERVER", e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited at start on port " + port + "; see " + dir.resolve("server.log"));
            }
            if (answersPing()) {
                return;
            }
            pause(20);
        }
        throw new IllegalStateException(name + " did not answer on port " + port + " within 10 s");
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** Freezes ({@code SIGSTOP}) or thaws ({@code SIGCONT}) the process: it keeps its sockets but stops answering. */
    synchronized void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " failed for " + name);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and the hook runs anyway.
        }
    }

    // Only for bounded polls of real processes (start-up, failover, recovery, a busy crawler) that happen in wall-clock
    // time; session expiry is never waited for, it is driven by the injected MutableClock.
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
