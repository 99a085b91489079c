package io.sessionkit.demo;

import io.sessionkit.testing.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's runnable jar started as a separate process, exactly as the Quick start runs it, on a free port
 * ({@code --port 0}); the port is read from the one line it prints when it listens. Every process is stopped by
 * {@link #close()} and, should a test forget or the JVM exit early, by a shutdown hook.
 */
final class DemoProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:/]+:(\\d+)/");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(45);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly), "demo-process-reaper"));
    }

    private final Process process;
    private final int port;
    /** Filled by the reader thread; guarded by itself. */
    private final List<String> output;

    private DemoProcess(Process process, int port, List<String> output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** The jar the build made in process-test-classes (see the module POM). */
    static Path jar() {
        String configured = System.getProperty("sessionkit.demo.jar");
        Path jar = configured != null ? Path.of(configured) : Path.of("target", "session-demo.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "The demo jar " + jar.toAbsolutePath() + " is missing: run the tests through Maven "
                            + "(./mvnw -pl session-demo -am verify), which builds it before the tests.");
        }
        return jar.toAbsolutePath();
    }

    /**
     * Starts the demo in {@code workDir} (where the embedded default keeps {@code ./data}) with exactly the
     * {@code SESSIONKIT_*} variables in {@code env}: any the developer's shell has set are removed first.
     */
    static DemoProcess start(Path workDir, Map<String, String> env, String instance)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC",
                        "-jar",
                        jar().toString(),
                        "--port",
                        "0",
                        "--instance",
                        instance)
                .directory(workDir.toFile())
                .redirectErrorStream(true);
        pb.environment()
                .keySet()
                .removeIf(k ->
                        k.startsWith("SESSIONKIT_") || k.equals("PORT") || k.equals("INSTANCE") || k.equals("HOST"));
        pb.environment().putAll(env);
        Process p = pb.start();
        RUNNING.add(p);
        CountDownLatch ready = new CountDownLatch(1);
        int[] port = {-1};
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader r =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = r.readLine()) != null; ) {
                            synchronized (lines) {
                                lines.add(line);
                            }
                            Matcher m = LISTENING.matcher(line);
                            if (port[0] < 0 && m.find()) {
                                port[0] = Integer.parseInt(m.group(1));
                                ready.countDown();
                            }
                        }
                    } catch (IOException e) {
                        // The process ended; what it printed is in lines.
                    }
                    ready.countDown();
                },
                "demo-output-" + instance);
        reader.setDaemon(true);
        reader.start();
        boolean inTime = ready.await(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!inTime || port[0] < 0) {
            p.destroyForcibly();
            p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            RUNNING.remove(p);
            synchronized (lines) {
                throw new IllegalStateException(
                        "demo instance " + instance + (inTime ? " exited" : " did not listen within " + START_TIMEOUT)
                                + "; its output:\n" + String.join("\n", lines));
            }
        }
        return new DemoProcess(p, port[0], lines);
    }

    /** Instances {@code A} and {@code B} on one environment, as two nodes behind a load balancer; closes both. */
    record Pair(DemoProcess a, DemoProcess b) implements AutoCloseable {
        /** Both on the shared test Redis, under {@code prefix} (see {@link #onSharedRedis}). */
        static Pair onSharedRedis(Path workDir, String prefix) throws IOException, InterruptedException {
            return start(workDir, DemoProcess.onSharedRedis(prefix));
        }

        static Pair start(Path workDir, Map<String, String> env) throws IOException, InterruptedException {
            DemoProcess a = DemoProcess.start(workDir, env, "A");
            try {
                return new Pair(a, DemoProcess.start(workDir, env, "B"));
            } catch (IOException | InterruptedException | RuntimeException | Error e) {
                a.close();
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                b.close();
            } finally {
                a.close();
            }
        }
    }

    /**
     * The environment of an instance on the shared test Redis ({@link TestServers#redisUri()}), with a five-minute idle
     * timeout; its keys go under {@code prefix} and a random suffix, apart from anything else in that Redis.
     */
    static Map<String, String> onSharedRedis(String prefix) {
        return Map.of(
                "SESSIONKIT_STORE",
                "redis",
                "SESSIONKIT_REDIS_URI",
                TestServers.redisUri().toString(),
                "SESSIONKIT_REDIS_KEY_PREFIX",
                prefix + UUID.randomUUID() + ":",
                "SESSIONKIT_MAX_IDLE",
                "5m");
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    int port() {
        return port;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Everything the process printed so far (stdout and stderr). */
    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /**
     * SIGTERM, as Ctrl-C or a service manager would stop it; forcibly after {@link #STOP_TIMEOUT}, or at once if this
     * thread is interrupted.
     */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(process);
        }
    }
}
