package io.sessionkit.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.Decoding;
import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.BufferUtil;
import org.junit.jupiter.api.AfterAll;

/**
 * Id extraction in the servlet layer: requests to Jetty (in memory, through a {@link LocalConnector}) with a
 * {@link SessionFilter} accepting the id by cookie and by header, whose {@code Cookie} and {@code X-Session-Token}
 * values come from the input, sometimes around the id of a live session. Every request gets 200, or 400/431 from Jetty
 * for a malformed or oversized header, never an error page or a hang; a session is found only when a live id was
 * presented, and always when it was presented alone.
 */
class RequestIdFuzzTest {
    private static final Server SERVER;
    private static final LocalConnector CONNECTOR;
    private static final SessionManager MANAGER;
    private static final String LIVE_ID;

    static {
        MANAGER = Decoding.inProcess(DecodeFailurePolicy.DROP_SESSION, SessionManager.Builder::jsonCodec);
        Session live = MANAGER.create();
        live.setAttribute("marker", "live");
        MANAGER.save(live);
        LIVE_ID = live.id().value();

        SERVER = new Server();
        CONNECTOR = new LocalConnector(SERVER);
        SERVER.addConnector(CONNECTOR);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        SessionFilterConfig config = SessionFilterConfig.builder()
                .transports(Set.of(SessionFilterConfig.Transport.COOKIE, SessionFilterConfig.Transport.HEADER))
                .build();
        context.addFilter(
                new FilterHolder(new SessionFilter(MANAGER, config)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Probe()), "/*");
        SERVER.setHandler(context);
        try {
            SERVER.start();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Says whether the request has a session, and which. */
    static final class Probe extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession s = req.getSession(false);
            resp.setContentType("text/plain");
            resp.getWriter().print(s == null ? "none" : "found:" + s.getAttribute("marker"));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        SERVER.stop();
        MANAGER.close();
    }

    @FuzzTest
    void request(FuzzedDataProvider data) throws Exception {
        String cookie = headerValue(data, "SESSION=");
        String header = headerValue(data, "");
        StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\nHost: fuzz\r\n");
        if (cookie != null) {
            request.append("Cookie: ").append(cookie).append("\r\n");
        }
        if (header != null) {
            request.append(SessionFilterConfig.DEFAULT_HEADER_NAME)
                    .append(": ")
                    .append(header)
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        ByteBuffer response = CONNECTOR.getResponse(
                BufferUtil.toBuffer(request.toString(), StandardCharsets.ISO_8859_1), 10, TimeUnit.SECONDS);
        assertThat(response).as("a response within 10 s").isNotNull();
        String text = BufferUtil.toString(response, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("HTTP/1.1 ");
        int status = Integer.parseInt(text.substring(9, 12));
        assertThat(status).as(text).isIn(200, 400, 431);
        boolean found = text.endsWith("found:live");
        if (found) {
            assertThat((cookie == null ? "" : cookie) + "\n" + (header == null ? "" : header))
                    .as("a session is found only for a presented live id")
                    .contains(LIVE_ID);
        }
        if (status == 200) {
            assertThat(text).as(text).matches("(?s).*\r\n\r\n(none|found:live)$");
        }
        if (header == null && ("SESSION=" + LIVE_ID).equals(cookie)) {
            assertThat(found).as("the live id alone finds its session: " + text).isTrue();
        }
        if (cookie == null && LIVE_ID.equals(header)) {
            assertThat(found).as("the live id alone finds its session: " + text).isTrue();
        }
    }

    /**
     * A header value or null (no such header): fuzzed text around, or instead of, {@code name} + the live id; one byte
     * per character and no line breaks, so that the request stays one request with these headers.
     */
    private static String headerValue(FuzzedDataProvider data, String name) {
        int shape = data.consumeInt(0, 3);
        if (shape == 0) {
            return null;
        }
        String before = shape == 3 ? latin1(data.consumeString(200)) : "";
        String middle = shape == 1 ? latin1(data.consumeString(9000)) : name + LIVE_ID;
        String after = shape == 3 ? latin1(data.consumeString(200)) : "";
        return before + middle + after;
    }

    private static String latin1(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\r' && c != '\n') {
                sb.append((char) (c & 0xFF));
            }
        }
        return sb.toString();
    }
}
