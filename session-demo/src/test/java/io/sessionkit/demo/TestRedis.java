package io.sessionkit.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Redis for the end-to-end tests: the shared server, and throwaway servers that a test may kill. */
final class TestRedis {
    static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

    private TestRedis() {
    }

    /**
     * The shared Redis, resolved as DESIGN.md says: {@code SESSIONKIT_TEST_REDIS} ({@code redis://host:port} or
     * {@code host:port}), then the standard local port, then a failure that says how to provide one.
     */
    static URI shared() {
        String env = System.getenv("SESSIONKIT_TEST_REDIS");
        URI uri = env == null || env.isBlank() ? URI.create("redis://127.0.0.1:6379")
                : URI.create(env.contains("://") ? env.strip() : "redis://" + env.strip());
        if (!answersPing(uri.getHost(), uri.getPort())) {
            throw new IllegalStateException("No Redis for the tests at " + uri.getHost() + ":" + uri.getPort()
                    + (env == null ? " (the standard local port)" : " (SESSIONKIT_TEST_REDIS)")
                    + ". Start one (`redis-server --port 6379 --save ''`) or set SESSIONKIT_TEST_REDIS=redis://host:port.");
        }
        return uri;
    }

    static boolean answersPing(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            return new String(buf, 0, n, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    /** A redis-server of our own on {@code port}, without persistence; stop it with {@link Server#close()}. */
    static Server start(int port) throws IOException, InterruptedException {
        if (!Files.isExecutable(REDIS_SERVER)) {
            throw new IllegalStateException(REDIS_SERVER + " is missing: install Redis (apt-get install redis-server) to run this test");
        }
        Process p = new ProcessBuilder(REDIS_SERVER.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        Server server = new Server(p, port);
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "redis-" + port + "-reaper"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!answersPing("127.0.0.1", port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                server.close();
                throw new IllegalStateException("redis-server on port " + port + " did not start");
            }
            Thread.sleep(50); // bounded poll (10 s) of the started redis-server's port
        }
        return server;
    }

    static final class Server implements AutoCloseable {
        private final Process process;
        final int port;

        private Server(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        /** Kills the server at once, as a crash would, and waits (bounded) for it to exit. */
        @Override
        public void close() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
