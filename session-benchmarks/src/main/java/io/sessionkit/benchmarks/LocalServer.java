package io.sessionkit.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private server process (redis-server or memcached) on a free loopback port, started for one measurement and
 * killed by {@link #close()} or, if the JVM ends first, by a shutdown hook. Private servers keep other clients'
 * commands out of the server-side counts.
 */
final class LocalServer implements AutoCloseable {
    private final String name;
    private final int port;
    private final Process process;
    private final Path dir;
    private final Thread hook;

    private LocalServer(String name, int port, Process process, Path dir) {
        this.name = name;
        this.port = port;
        this.process = process;
        this.dir = dir;
        this.hook = new Thread(this::kill, "kill-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    int port() {
        return port;
    }

    String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** A redis-server with persistence off, plus {@code extraArgs}. */
    static LocalServer redis(String name, String... extraArgs) {
        int port = freePort(true);
        Path dir = workDir(name + "-" + port);
        List<String> cmd = new ArrayList<>(List.of(binary("SESSIONKIT_REDIS_SERVER", "redis-server"),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "", "--appendonly", "no", "--protected-mode", "no"));
        cmd.addAll(List.of(extraArgs));
        return start(name, port, cmd, dir);
    }

    /** A memcached with 512 MiB of memory. */
    static LocalServer memcached(String name) {
        int port = freePort(false);
        Path dir = workDir(name + "-" + port);
        List<String> cmd = new ArrayList<>(List.of(binary("SESSIONKIT_MEMCACHED_SERVER", "memcached"),
                "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "512", "-t", "2"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "root"));
        }
        return start(name, port, cmd, dir);
    }

    /**
     * A Redis Cluster of {@code masters} local nodes without replicas, joined with {@code redis-cli --cluster create}.
     * Closing the returned list's servers stops the cluster.
     */
    static List<LocalServer> redisCluster(int masters) {
        List<LocalServer> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < masters; i++) {
                nodes.add(redis("cluster-node" + i, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "5000"));
            }
            List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
            nodes.forEach(n -> cmd.add(n.hostAndPort()));
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            awaitClusterOk(nodes);
            return nodes;
        } catch (IOException e) {
            nodes.forEach(LocalServer::close);
            throw new IllegalStateException("cannot run redis-cli: install redis-tools", e);
        } catch (InterruptedException e) {
            nodes.forEach(LocalServer::close);
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            nodes.forEach(LocalServer::close);
            throw e;
        }
    }

    private static void awaitClusterOk(List<LocalServer> nodes) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (LocalServer n : nodes) {
            while (true) {
                Process p = new ProcessBuilder(cli(), "-p", Integer.toString(n.port), "cluster", "info").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(10, TimeUnit.SECONDS);
                if (out.contains("cluster_state:ok")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster not ok after 30 s:\n" + out);
                }
                Thread.sleep(100); // bounded poll (30 s) of the real cluster's state, not a wait for expiry
            }
        }
    }

    private static LocalServer start(String name, int port, List<String> cmd, Path dir) {
        try {
            Process process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("server.log").toFile()).start();
            LocalServer server = new LocalServer(name, port, process, dir);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (!answers(port)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    server.close();
                    throw new IllegalStateException(name + " did not start on port " + port + "; see " + dir.resolve("server.log"));
                }
                Thread.sleep(20); // bounded poll (15 s) of the started process's port
            }
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + cmd.get(0) + " for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort(boolean withBusPort) {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                int port = s.getLocalPort();
                if (!withBusPort || (port + 10000 <= 65535 && isFree(port + 10000))) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port found");
    }

    private static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Path workDir(String name) {
        try {
            return Files.createTempDirectory("sessionkit-bench-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String binary(String env, String name) {
        String fromEnv = System.getenv(env);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        Path usual = Path.of("/usr/bin", name);
        return Files.isExecutable(usual) ? usual.toString() : name;
    }

    private static String cli() {
        return binary("SESSIONKIT_REDIS_CLI", "redis-cli");
    }

    private void kill() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down and runs the hook itself.
        }
    }
}
