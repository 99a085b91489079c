package io.sessionkit.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * memcached's text protocol over a plain socket, for tests that look behind the store with the server's own commands
 * ({@code stats}, {@code mg}, {@code lru_crawler metadump}, {@code get}, {@code set}) rather than through spymemcached.
 * One connection per call, 5 s timeouts; it writes what no store would (truncated or foreign values), which is what the
 * corruption tests need. Not a client: no pooling, no retries, no binary protocol.
 */
public final class MemcachedText {
    private static final int TIMEOUT_MS = 5_000;

    private MemcachedText() {}

    /** The server's {@code stats} counters. */
    public static Map<String, String> stats(InetSocketAddress server) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : command(server, "stats", "END")) {
            String[] parts = line.split(" ", 3);
            if (parts.length == 3 && parts[0].equals("STAT")) {
                out.put(parts[1], parts[2]);
            }
        }
        return out;
    }

    /** Seconds until the item expires as memcached sees it (-1: never), or empty when there is no such item. */
    public static Optional<Long> ttlSeconds(InetSocketAddress server, String key) {
        List<String> lines = command(server, "mg " + key + " t", null);
        String first = lines.get(0);
        if (first.startsWith("EN")) {
            return Optional.empty();
        }
        for (String flag : first.split(" ", -1)) {
            if (flag.startsWith("t")) {
                return Optional.of(Long.parseLong(flag.substring(1)));
            }
        }
        throw new IllegalStateException("unexpected answer to mg: " + first);
    }

    /** Every key the server holds that starts with {@code prefix} ({@code lru_crawler metadump all}). */
    public static List<String> keys(InetSocketAddress server, String prefix) {
        for (int attempt = 0; attempt < 50; attempt++) {
            List<String> lines = command(server, "lru_crawler metadump all", "END");
            if (!lines.isEmpty() && lines.get(0).startsWith("BUSY")) {
                ServerProcess.sleepMillis(50); // a busy crawler: bounded poll
                continue;
            }
            List<String> keys = new ArrayList<>();
            for (String line : lines) {
                if (line.startsWith("key=")) {
                    String key = URLDecoder.decode(line.substring(4, line.indexOf(' ')), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix)) {
                        keys.add(key);
                    }
                }
            }
            return keys;
        }
        throw new IllegalStateException("lru_crawler stayed busy on " + server);
    }

    /** The value of {@code key}, or empty. */
    public static Optional<byte[]> get(InetSocketAddress server, String key) {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String header = readLine(in);
            if (header.equals("END")) {
                return Optional.empty();
            }
            String[] parts = header.split(" ", -1);
            if (!parts[0].equals("VALUE")) {
                throw new IllegalStateException("unexpected answer to get: " + header);
            }
            byte[] data = in.readNBytes(Integer.parseInt(parts[3]));
            readLine(in);
            readLine(in);
            return Optional.of(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stores {@code data} under {@code key} with {@code exptime} seconds. */
    public static void set(InetSocketAddress server, String key, byte[] data, int exptime) {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            out.write(
                    ("set " + key + " 0 " + exptime + " " + data.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readLine(s.getInputStream());
            if (!answer.equals("STORED")) {
                throw new IllegalStateException("set failed: " + answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code key}; true when it existed. */
    public static boolean delete(InetSocketAddress server, String key) {
        String answer = command(server, "delete " + key, null).get(0);
        if (!answer.equals("DELETED") && !answer.equals("NOT_FOUND")) {
            throw new IllegalStateException("delete failed: " + answer);
        }
        return answer.equals("DELETED");
    }

    /** Sends one command and reads lines up to {@code terminator} (or one line when it is null). */
    private static List<String> command(InetSocketAddress server, String command, @Nullable String terminator) {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            List<String> lines = new ArrayList<>();
            while (true) {
                String line = readLine(in);
                lines.add(line);
                if (terminator == null
                        || line.equals(terminator)
                        || line.startsWith("BUSY")
                        || line.startsWith("ERROR")
                        || line.startsWith("CLIENT_ERROR")
                        || line.startsWith("SERVER_ERROR")) {
                    return lines;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("memcached " + server + ": " + command, e);
        }
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        s.connect(server, TIMEOUT_MS);
        s.setSoTimeout(TIMEOUT_MS);
        return s;
    }

    /** One line; memcached ends most with CRLF, but metadump's item lines with a bare LF. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b == '\n') {
                byte[] bytes = buf.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.UTF_8);
            }
            buf.write(b);
        }
    }
}
