package io.sessionkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** One Redis command over a plain socket (RESP2), for topology queries that need no client library. */
final class RespText {
    private RespText() {}

    /** Sends {@code args} to {@code 127.0.0.1:port} and returns a simple-string, bulk or integer reply as text. */
    static String command(int port, String... args) {
        return command(InetAddress.getLoopbackAddress().getHostAddress(), port, null, args);
    }

    /**
     * Sends {@code args} to the server of {@code uri} ({@code redis://[user:password@]host:port}), after {@code AUTH}
     * when the URI has a password, and returns the reply as text.
     */
    static String command(URI uri, String... args) {
        return command(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort(), uri.getUserInfo(), args);
    }

    private static String command(String host, int port, @Nullable String userInfo, String... args) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            s.setSoTimeout(5000);
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                exchange(
                        s,
                        port,
                        colon < 0
                                ? new String[] {"AUTH", userInfo}
                                : new String[] {"AUTH", userInfo.substring(0, colon), userInfo.substring(colon + 1)});
            }
            return exchange(s, port, args);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis on port " + port + ": " + String.join(" ", args), e);
        }
    }

    private static String exchange(Socket s, int port, String... args) throws IOException {
        StringBuilder req = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            req.append('$')
                    .append(a.getBytes(StandardCharsets.UTF_8).length)
                    .append("\r\n")
                    .append(a)
                    .append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(req.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        String header = line(in);
        return switch (header.charAt(0)) {
            case '+', ':' -> header.substring(1);
            case '$' -> {
                int n = Integer.parseInt(header.substring(1));
                if (n < 0) {
                    yield "";
                }
                String body = new String(in.readNBytes(n), StandardCharsets.UTF_8);
                line(in);
                yield body;
            }
            default ->
                throw new IllegalStateException("Redis on port " + port + " answered " + args[0] + " with " + header);
        };
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b != '\r') {
                buf.write(b);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
