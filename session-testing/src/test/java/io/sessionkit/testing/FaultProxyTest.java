package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy against a local echo server: forwarding, latency, partition, half-open connections, close. */
class FaultProxyTest {
    private ServerSocket echo;

    @BeforeEach
    void startEcho() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!echo.isClosed()) {
                try {
                    Socket s = echo.accept();
                    Thread c = new Thread(() -> echoLoop(s));
                    c.setDaemon(true);
                    c.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopEcho() throws IOException {
        echo.close();
    }

    private static void echoLoop(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] b = new byte[4096];
            int n;
            while ((n = in.read(b)) >= 0) {
                out.write(b, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the test closed it
        }
    }

    private FaultProxy proxy() {
        return FaultProxy.start((InetSocketAddress) echo.getLocalSocketAddress());
    }

    private static Socket connect(FaultProxy proxy, int readTimeoutMillis) throws IOException {
        Socket s = new Socket(proxy.host(), proxy.port());
        s.setSoTimeout(readTimeoutMillis);
        return s;
    }

    /** Sends {@code text} and reads its echo (throws on the socket's read timeout). */
    private static String roundTrip(Socket s, String text) throws IOException {
        byte[] sent = text.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(sent);
        s.getOutputStream().flush();
        byte[] got = new byte[sent.length];
        int off = 0;
        while (off < got.length) {
            int n = s.getInputStream().read(got, off, got.length - off);
            if (n < 0) {
                throw new IOException("closed after " + off + " bytes");
            }
            off += n;
        }
        return new String(got, StandardCharsets.UTF_8);
    }

    @Test
    void forwardsBothWaysAndCountsConnections() throws IOException {
        try (FaultProxy proxy = proxy();
                Socket a = connect(proxy, 5_000);
                Socket b = connect(proxy, 5_000)) {
            assertThat(roundTrip(a, "hello")).isEqualTo("hello");
            assertThat(roundTrip(b, "x".repeat(100_000))).hasSize(100_000);
            assertThat(proxy.connectionsAccepted()).isEqualTo(2);
            assertThat(proxy.openConnections()).isEqualTo(2);
        }
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        try (FaultProxy proxy = proxy();
                Socket s = connect(proxy, 5_000)) {
            proxy.latency(Duration.ofMillis(150));
            long start = System.nanoTime();
            assertThat(roundTrip(s, "ping")).isEqualTo("ping");
            // A lower bound only: the proxy can never be faster than the latency it adds (twice, one way each).
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            proxy.clear();
            assertThat(roundTrip(s, "pong")).isEqualTo("pong");
        }
    }

    @Test
    void lossDelaysButNeverLosesOrReorders() throws IOException {
        try (FaultProxy proxy = proxy();
                Socket s = connect(proxy, 10_000)) {
            proxy.loss(0.5);
            for (int i = 0; i < 10; i++) {
                assertThat(roundTrip(s, "message " + i)).isEqualTo("message " + i);
            }
        }
    }

    @Test
    void partitionHoldsOpenAndNewConnectionsUntilHealed() throws IOException {
        try (FaultProxy proxy = proxy();
                Socket open = connect(proxy, 300)) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");
            proxy.partition();
            assertThatThrownBy(() -> roundTrip(open, "during")).isInstanceOf(SocketTimeoutException.class);
            try (Socket fresh = connect(proxy, 300)) {
                assertThatThrownBy(() -> roundTrip(fresh, "new")).isInstanceOf(SocketTimeoutException.class);
                proxy.heal();
                fresh.setSoTimeout(5_000);
                byte[] held = fresh.getInputStream().readNBytes(3);
                assertThat(new String(held, StandardCharsets.UTF_8)).isEqualTo("new");
            }
            open.setSoTimeout(5_000);
            assertThat(new String(open.getInputStream().readNBytes(6), StandardCharsets.UTF_8))
                    .as("what was held is delivered after the heal, in order")
                    .isEqualTo("during");
            assertThat(roundTrip(open, "after")).isEqualTo("after");
        }
    }

    @Test
    void halfOpenConnectionsStayOpenAndSilentWhileNewOnesWork() throws IOException {
        try (FaultProxy proxy = proxy();
                Socket old = connect(proxy, 300)) {
            assertThat(roundTrip(old, "before")).isEqualTo("before");
            assertThat(proxy.halfOpen()).isEqualTo(1);
            assertThatThrownBy(() -> roundTrip(old, "lost")).isInstanceOf(SocketTimeoutException.class);
            assertThat(old.isClosed()).isFalse();
            try (Socket fresh = connect(proxy, 5_000)) {
                assertThat(roundTrip(fresh, "works")).isEqualTo("works");
            }
            assertThatThrownBy(() -> roundTrip(old, "still lost")).isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void closeClosesEverySocket() throws IOException {
        FaultProxy proxy = proxy();
        try (Socket s = connect(proxy, 5_000)) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            proxy.halfOpen();
            proxy.close();
            assertThat(proxy.openConnections()).isZero();
            assertThatThrownBy(() -> {
                        // The proxy's end is closed: the read ends (EOF or reset) instead of timing out.
                        if (s.getInputStream().read() < 0) {
                            throw new UncheckedIOException(new IOException("EOF"));
                        }
                    })
                    .isNotInstanceOf(SocketTimeoutException.class);
            assertThat(ServerProcess.accepts(proxy.host(), proxy.port(), 500)).isFalse();
        }
    }
}
