package io.sessionkit.memcached;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A memcached server this JVM started on 127.0.0.1 for a test. It is killed by {@link #close()} and, should the test
 * JVM die first, by a shutdown hook; it never outlives the test run.
 */
final class MemcachedProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 10_000;

    private final int port;
    private final Path log;
    private Process process;
    private final Thread hook;

    private final List<String> extraArgs;

    private MemcachedProcess(int port, List<String> extraArgs) throws IOException {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.log = Files.createTempFile("memcached-" + port + "-", ".log");
        this.hook = new Thread(this::kill, "kill-memcached-" + port);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The memcached binary: {@code $MEMCACHED_BIN}, else the first of the usual install paths. */
    static String binary() {
        String env = System.getenv("MEMCACHED_BIN");
        if (env != null && !env.isBlank()) {
            return env;
        }
        for (String p : List.of("/usr/bin/memcached", "/usr/local/bin/memcached", "/opt/homebrew/bin/memcached")) {
            if (new File(p).canExecute()) {
                return p;
            }
        }
        throw new IllegalStateException("no memcached binary found: install it (Debian: apt-get install -y memcached) "
                + "or set MEMCACHED_BIN");
    }

    /** Starts a memcached on a free port, with {@code extraArgs} added to its command line. */
    static MemcachedProcess startOnFreePort(String... extraArgs) {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(freePort(), extraArgs);
            } catch (IllegalStateException e) {
                last = e; // another process may have taken the port between probe and bind
            }
        }
        throw last;
    }

    /** Starts a memcached on {@code port}, waiting until it accepts connections. */
    static MemcachedProcess start(int port, String... extraArgs) {
        try {
            MemcachedProcess p = new MemcachedProcess(port, List.of(extraArgs));
            p.launch();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start memcached on port " + port, e);
        }
    }

    private void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of(binary(), "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0",
                "-m", "64", "-t", "2", "-c", "1024"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("memcached on port " + port + " exited with " + process.exitValue() + ": "
                        + Files.readString(log).trim());
            }
            if (accepts(new InetSocketAddress("127.0.0.1", port), 200)) {
                return;
            }
            pause(20);
        }
        kill();
        throw new IllegalStateException("memcached on port " + port + " did not accept connections within " + START_TIMEOUT_MS + " ms");
    }

    int port() {
        return port;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
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

    /** Starts the server again on the same port (empty, as memcached keeps nothing across restarts). */
    synchronized void restart() throws IOException {
        kill();
        launch();
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }

    static boolean accepts(InetSocketAddress address, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(address, timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    // Only for bounded polls of real processes (start-up, failover, recovery, a busy crawler) that happen in wall-clock
    // time; session expiry is never waited for, it is driven by the injected MutableClock.
    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
