package io.sessionkit.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Counts the commands a Redis server receives from clients, as opposed to those a Lua script runs inside the server:
 * {@code INFO commandstats} counts both, so an EVALSHA that runs GET and SET inside shows as three. MONITOR marks
 * script calls with {@code [db lua]}, so this tells round trips apart from server-side work. Used on a private server
 * only (MONITOR slows a server down).
 */
final class RedisMonitor implements AutoCloseable {
    private final int port;
    private final Socket socket;
    private final Thread reader;
    private final Map<String, Long> counts = new TreeMap<>();
    private String lastMarker;

    RedisMonitor(int port) throws IOException {
        this.port = port;
        this.socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.getOutputStream().write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        String ok = in.readLine();
        if (!"+OK".equals(ok)) {
            throw new IOException("MONITOR answered " + ok);
        }
        this.reader = new Thread(() -> read(in), "redis-monitor-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    // +1700000000.123456 [0 127.0.0.1:5555] "GET" "sk:s:abc"   or   +1700000000.123456 [0 lua] "set" ...
    private void read(BufferedReader in) {
        try {
            for (String line; (line = in.readLine()) != null; ) {
                int open = line.indexOf('[');
                int close = line.indexOf(']', open);
                int q1 = line.indexOf('"', close);
                int q2 = line.indexOf('"', q1 + 1);
                if (open < 0 || close < 0 || q1 < 0 || q2 < 0) {
                    continue;
                }
                boolean lua = line.substring(open, close).endsWith(" lua");
                String command = line.substring(q1 + 1, q2).toLowerCase(Locale.ROOT);
                synchronized (this) {
                    if (command.equals("echo") && line.contains("sessionkit-monitor-mark-")) {
                        int m = line.indexOf("sessionkit-monitor-mark-");
                        lastMarker = line.substring(m, line.indexOf('"', m));
                        notifyAll();
                        continue;
                    }
                    counts.merge((lua ? "in-lua." : "client.") + command, 1L, Long::sum);
                }
            }
        } catch (IOException e) {
            // socket closed
        }
    }

    /** The counts so far, after every command sent before this call has been seen. */
    Map<String, Long> snapshot() throws IOException, InterruptedException {
        String marker = "sessionkit-monitor-mark-" + UUID.randomUUID();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            OutputStream out = s.getOutputStream();
            out.write(("ECHO " + marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.getInputStream().read(new byte[256]);
        }
        long deadline = System.currentTimeMillis() + 10_000;
        synchronized (this) {
            while (!marker.equals(lastMarker)) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    throw new IOException("MONITOR did not show the marker within 10 s");
                }
                wait(left);
            }
            return new TreeMap<>(counts);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
