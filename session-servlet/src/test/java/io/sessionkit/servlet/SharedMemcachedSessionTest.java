package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two nodes as in production: Jetty and Tomcat, each configured the {@code web.xml} way (no-argument filter and
 * init-params only), so each opens its own SessionManager and its own connections to one real memcached.
 *
 * <p>Server: {@code SESSIONKIT_TEST_MEMCACHED} ({@code host:port}), else 127.0.0.1:11211, else a failure that says
 * how to start one. Keys get a prefix unique to this run, so nothing else on the server is touched.
 */
class SharedMemcachedSessionTest {
    private static final int TIMEOUT_MILLIS = 5_000;

    @Test
    @DisplayName("Jetty and Tomcat configured by init-params share sessions through a real memcached")
    void twoNodesOverMemcached() throws IOException {
        String server = memcached();
        String prefix = "sk-servlet-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";
        Map<String, String> params = Map.of(
                "sessionkit.store", "memcached",
                "sessionkit.memcached.servers", server,
                "sessionkit.memcached.key-prefix", prefix);
        try (WebServer jetty = JettyServer.start(null, SessionFilter.class, params, new TestApp());
             WebServer tomcat = TomcatServer.start(null, SessionFilter.class, params, new TestApp())) {
            Browser browser = new Browser();
            assertThat(browser.get(jetty.uri("/set?name=cart&value=apple")).statusCode()).isEqualTo(200);
            String id = browser.cookie(SessionFilterConfig.DEFAULT_COOKIE_NAME).orElseThrow();

            // What the server holds: the record under the hashed key, and nothing that reveals the raw id.
            String item = rawGet(server, prefix + SessionId.parse(id).orElseThrow().key().value());
            assertThat(item).contains("apple").doesNotContain(id);
            assertThat(rawGet(server, prefix + id)).isEqualTo("END\r\n");

            CrossContainerSessionTest.shareOneSession(jetty, tomcat);
        }
    }

    private static String memcached() {
        String env = System.getenv("SESSIONKIT_TEST_MEMCACHED");
        String server = env != null && !env.isBlank() ? env.trim().split(",")[0] : "127.0.0.1:11211";
        try {
            rawGet(server, "sk-servlet-probe");
            return server;
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("No memcached for the tests at " + server + " (" + e.getCause().getMessage()
                    + "). Start one (apt-get install -y memcached && memcached -u memcache -d -l 127.0.0.1) or set "
                    + "SESSIONKIT_TEST_MEMCACHED=host:port.", e);
        }
    }

    /** One text-protocol {@code get}, answered up to its {@code END}. */
    private static String rawGet(String server, String key) {
        int colon = server.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.substring(0, colon), Integer.parseInt(server.substring(colon + 1))), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("get " + key + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            while (!answer.toString(StandardCharsets.UTF_8).endsWith("END\r\n")) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                answer.write(buffer, 0, n);
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
