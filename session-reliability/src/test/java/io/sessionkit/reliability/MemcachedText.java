package io.sessionkit.reliability;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** memcached's text protocol on a plain socket: the rawest client there is, to write what no store would. */
final class MemcachedText implements Closeable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    MemcachedText(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 2000);
        socket.setSoTimeout(5000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** The item's bytes, or null. */
    byte[] get(String key) throws IOException {
        out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String header = line();
        if (header.equals("END")) {
            return null;
        }
        if (!header.startsWith("VALUE ")) {
            throw new IOException("unexpected reply: " + header);
        }
        int length = Integer.parseInt(header.substring(header.lastIndexOf(' ') + 1));
        byte[] data = in.readNBytes(length);
        line(); // the CRLF after the data
        String end = line();
        if (!end.equals("END")) {
            throw new IOException("unexpected reply: " + end);
        }
        return data;
    }

    void set(String key, byte[] value, int exptimeSeconds) throws IOException {
        out.write(("set " + key + " 0 " + exptimeSeconds + " " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(value);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String reply = line();
        if (!reply.equals("STORED")) {
            throw new IOException("set refused: " + reply);
        }
    }

    /** The server's {@code stats} as text. */
    String stats() throws IOException {
        out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder sb = new StringBuilder();
        for (String l = line(); !l.equals("END"); l = line()) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (prev == '\r' && c == '\n') {
                byte[] bytes = b.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.US_ASCII);
            }
            b.write(c);
            prev = c;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
