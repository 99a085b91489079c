package io.sessionkit.springsession;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import io.sessionkit.servlet.SessionKitHttpSession;
import io.sessionkit.springsecurity.SpringSecurityValueTypes;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19 item 4 end to end: sessions written by a real Spring Session 4.0 into the real Redis and PostgreSQL, then
 * requests through {@link SessionFilter} on embedded Jetty presenting Spring Session's {@code SESSION} cookie.
 */
class SpringSessionFilterImportTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static Stream<LegacyStore> stores() {
        return Stream.of(LegacyStore.redisIndexed(), LegacyStore.redisPlain(), LegacyStore.postgres());
    }

    /** What the application saw of its session on the last request: attributes and principal, or null for none. */
    record Seen(Map<String, Object> attributes, Optional<String> principal, boolean isNew) {}

    /** The application: reads its session ({@code ?create} asks for one) and records what it saw. */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;
        final transient AtomicReference<Seen> seen = new AtomicReference<>();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            HttpSession session = req.getSession(req.getParameter("create") != null);
            if (session == null) {
                seen.set(null);
                resp.getWriter().print("none");
                return;
            }
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (String name : Collections.list(session.getAttributeNames())) {
                attributes.put(name, session.getAttribute(name));
            }
            seen.set(new Seen(attributes, ((SessionKitHttpSession) session).getPrincipal(), session.isNew()));
            resp.getWriter().print("session");
        }
    }

    /** Jetty with the filter (importer from {@code store}) in front of {@link App}, over a local SessionKit store. */
    static final class Node implements AutoCloseable {
        final App app = new App();
        final SessionManager manager;
        final URI base;
        private final JettyNode jetty;

        Node(LegacyStore store) throws Exception {
            manager = SessionManager.builder(CaffeineSessionStore.builder().build())
                    .jsonCodec(SpringSecurityValueTypes.valueTypes())
                    .closeStoreOnClose(true)
                    .build();
            SessionFilterConfig config = SessionFilterConfig.builder()
                    .importer(SpringSessionImporter.builder(store.source()).build())
                    .build();
            jetty = new JettyNode(
                    new ServletContextHandler(ServletContextHandler.NO_SESSIONS),
                    new SessionFilter(manager, config),
                    app,
                    manager);
            base = jetty.base;
        }

        /** A GET with {@code SESSION=cookie}; returns the response. */
        HttpResponse<String> get(String cookie, boolean create) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(base.resolve(create ? "page?create" : "page"))
                    .header("Cookie", "SESSION=" + cookie)
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            jetty.close();
        }
    }

    /** The value of the {@code SESSION} cookie the response sets, if it sets one. */
    static Optional<String> setCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("SESSION="))
                .map(c -> c.substring("SESSION=".length(), c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                .findFirst();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aSpringSessionCookieIsImportedUnderANewIdAndTheLegacyRecordDeleted(LegacyStore store) throws Exception {
        try (store;
                Node node = new Node(store)) {
            Map<String, Object> written = Fixtures.typical("alice");
            String legacyId = store.write(written, Duration.ofMinutes(30));
            String legacyCookie = Fixtures.cookie(legacyId);

            HttpResponse<String> first = node.get(legacyCookie, false);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.body()).isEqualTo("session");
            String newId = setCookie(first).orElseThrow(() -> new AssertionError("no new SESSION cookie"));
            assertThat(newId).hasSize(32).isNotEqualTo(legacyCookie).doesNotContain(legacyId);
            Seen seen = node.app.seen.get();
            assertThat(seen.attributes()).isEqualTo(written);
            assertThat(seen.principal()).contains("alice");
            assertThat(node.manager.findByPrincipal("alice")).hasSize(1);
            assertThat(store.remnants(legacyId))
                    .as("legacy record and its index keys")
                    .isZero();

            // The new cookie opens the imported session. The old one: on Redis, for a few seconds, the same session
            // (a request sent before the browser had the new cookie joins it), then nothing; on JDBC nothing at once.
            assertThat(node.get(newId, false).body()).isEqualTo("session");
            assertThat(node.app.seen.get().attributes()).isEqualTo(written);
            HttpResponse<String> old = node.get(legacyCookie, false);
            Optional<Duration> forward = store.importForwardTtl(legacyId);
            if (forward.isPresent()) {
                assertThat(forward.get()).isPositive().isLessThanOrEqualTo(SpringSessionSource.FORWARD_TTL);
                assertThat(old.body()).isEqualTo("session");
                assertThat(setCookie(old)).contains(newId);
                assertThat(node.app.seen.get().attributes()).isEqualTo(written);
            } else {
                assertThat(old.body()).isEqualTo("none");
            }
            assertThat(node.manager.findByPrincipal("alice")).hasSize(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anUnknownCookieGetsANormalNewSession(LegacyStore store) throws Exception {
        try (store;
                Node node = new Node(store)) {
            String unknown = Fixtures.cookie(UUID.randomUUID().toString());
            assertThat(node.get(unknown, false).body()).isEqualTo("none");

            HttpResponse<String> created = node.get(unknown, true);
            assertThat(created.body()).isEqualTo("session");
            assertThat(node.app.seen.get().isNew()).isTrue();
            assertThat(node.app.seen.get().attributes()).isEmpty();
            assertThat(node.app.seen.get().principal()).isEmpty();
            assertThat(setCookie(created)).hasValueSatisfying(v -> assertThat(v).hasSize(32));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anAttributeOfAClassOffTheAllowListIsSkippedTheOthersImported(LegacyStore store) throws Exception {
        try (store;
                Node node = new Node(store)) {
            Fixtures.UnlistedCart.READS.set(0);
            Map<String, Object> written = new LinkedHashMap<>(Fixtures.typical("bob"));
            written.put("cart", new Fixtures.UnlistedCart("book"));
            String legacyId = store.write(written, Duration.ofMinutes(30));

            HttpResponse<String> first = node.get(Fixtures.cookie(legacyId), false);

            assertThat(first.body()).isEqualTo("session");
            Seen seen = node.app.seen.get();
            assertThat(seen.attributes()).containsOnlyKeys("greeting", "count", "items", "SPRING_SECURITY_CONTEXT");
            assertThat(seen.attributes().get("items")).isEqualTo(List.of("apple", "pear"));
            assertThat(seen.principal()).contains("bob");
            assertThat(Fixtures.UnlistedCart.READS).as("never deserialized").hasValue(0);
            assertThat(store.remnants(legacyId)).isZero();
        }
    }
}
