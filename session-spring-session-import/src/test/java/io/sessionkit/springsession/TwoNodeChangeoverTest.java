package io.sessionkit.springsession;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionManager;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.servlet.ImportedSession;
import io.sessionkit.servlet.SessionFilter;
import io.sessionkit.servlet.SessionFilterConfig;
import io.sessionkit.servlet.SessionImporter;
import io.sessionkit.springsecurity.SpringSecurityValueTypes;
import io.sessionkit.testing.RunNamespace;
import io.sessionkit.testing.TestServers;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import redis.clients.jedis.RedisClient;

/**
 * Issue 19's changeover, as users live it: an old deployment where some users hold a container session on a sticky
 * node ({@code JSESSIONID}, in Jetty's memory) and others a Spring Session cookie (written by a real Spring Session 4.0
 * into the real Redis or PostgreSQL); then two Jetty nodes switch on {@link SessionFilter} over one real Redis
 * SessionKit store, with the Spring Session importer and {@code adopt-container-sessions}, behind a test balancer that
 * stays sticky for {@code JSESSIONID} during the window and then goes round-robin. Every user is a cookie jar; every
 * request must come back logged in as that user with that user's cart.
 */
class TwoNodeChangeoverTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int USERS_PER_KIND = 4;

    static Stream<LegacyStore> legacyStores() {
        return Stream.of(LegacyStore.redisIndexed(), LegacyStore.postgres());
    }

    /**
     * The application, the same before and after the switch: it reads Spring Security's context from the session and
     * answers with the principal's name and the cart, or 401 when the user is not logged in.
     */
    static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String node;

        App(String node) {
            this.node = node;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setHeader("X-Node", node);
            String path = req.getRequestURI();
            if (path.equals("/login")) {
                // Form login as the old deployment did it: context and an empty cart in the container session.
                HttpSession session = req.getSession(true);
                session.setAttribute(
                        SpringSessionImporter.SPRING_SECURITY_CONTEXT, Fixtures.loggedIn(req.getParameter("user")));
                session.setAttribute("cart", new ArrayList<String>());
                resp.getWriter().print("ok");
                return;
            }
            HttpSession session = req.getSession(false);
            String user = session == null ? null : authenticated(session);
            if (session == null || user == null) {
                resp.setStatus(401);
                resp.getWriter().print("logged out");
                return;
            }
            List<String> cart = new ArrayList<>(cart(session));
            if (path.equals("/add")) {
                cart.add(req.getParameter("item"));
                session.setAttribute("cart", cart);
            }
            resp.getWriter().print(user + " " + cart);
        }

        private static String authenticated(HttpSession session) {
            if (session.getAttribute(SpringSessionImporter.SPRING_SECURITY_CONTEXT) instanceof SecurityContext c) {
                Authentication a = c.getAuthentication();
                if (a != null && a.isAuthenticated()) {
                    return a.getName();
                }
            }
            return null;
        }

        @SuppressWarnings("unchecked")
        private static List<String> cart(HttpSession session) {
            Object cart = session.getAttribute("cart");
            return cart instanceof List<?> l ? (List<String>) l : List.of();
        }
    }

    /** The deployment switch: passes requests by (the container's sessions serve them) until SessionKit is on. */
    static final class Switchable implements Filter {
        final SessionFilter sessionKit;
        volatile boolean on;

        Switchable(SessionFilter sessionKit) {
            this.sessionKit = sessionKit;
        }

        @Override
        public void init(jakarta.servlet.FilterConfig config) throws ServletException {
            sessionKit.init(config);
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            if (on) {
                sessionKit.doFilter(req, res, chain);
            } else {
                chain.doFilter(req, res);
            }
        }

        @Override
        public void destroy() {
            sessionKit.destroy();
        }
    }

    /** One Jetty node with container sessions (a SessionHandler) and the switchable SessionKit filter. */
    static final class Node implements AutoCloseable {
        final String name;
        final ServletContextHandler context = new ServletContextHandler(ServletContextHandler.SESSIONS);
        final SessionManager manager;
        final Switchable filter;
        final URI base;
        private final JettyNode jetty;

        Node(String name, String keyPrefix, SessionImporter importer) throws Exception {
            this.name = name;
            manager = SessionManager.builder(RedisSessionStore.builder()
                            .uri(TestServers.redisUri())
                            .keyPrefix(keyPrefix)
                            .build())
                    .jsonCodec(SpringSecurityValueTypes.valueTypes())
                    .closeStoreOnClose(true)
                    .build();
            filter = new Switchable(new SessionFilter(
                    manager,
                    SessionFilterConfig.builder()
                            .importer(importer)
                            .adoptContainerSessions(true)
                            .build()));
            jetty = new JettyNode(context, filter, new App(name), manager);
            base = jetty.base;
        }

        /** Whether Jetty still holds the container session the {@code JSESSIONID} cookie value names. */
        boolean holdsContainerSession(String cookieValue) throws Exception {
            var handler = context.getSessionHandler();
            return handler.getSessionCache()
                    .contains(handler.getSessionIdManager().getId(cookieValue));
        }

        @Override
        public void close() {
            jetty.close();
        }
    }

    /** A browser: its own cookie jar, and every response it got. */
    static final class User {
        final String name;
        final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
        final HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .cookieHandler(jar)
                .connectTimeout(TIMEOUT)
                .build();
        final List<HttpResponse<String>> responses = new ArrayList<>();
        final List<String> cart = new ArrayList<>();
        /** The node that issued this user's {@code JSESSIONID}, for the balancer's stickiness; or null. */
        Node stickyTo;

        User(String name) {
            this.name = name;
        }

        Optional<String> cookie(String cookieName) {
            return jar.getCookieStore().getCookies().stream()
                    .filter(c -> c.getName().equals(cookieName))
                    .map(HttpCookie::getValue)
                    .findFirst();
        }

        /** What Spring Session's {@code DefaultCookieSerializer} left in the browser. */
        void holdSpringSessionCookie(String legacyId) {
            HttpCookie c = new HttpCookie("SESSION", Fixtures.cookie(legacyId));
            // Host-only, path "/": the cookie a Set-Cookie for this host and path replaces, as in a browser.
            c.setDomain("127.0.0.1");
            c.setPath("/");
            c.setVersion(0);
            jar.getCookieStore().add(URI.create("http://127.0.0.1/"), c);
        }

        HttpRequest request(Node node, String pathAndQuery) {
            return HttpRequest.newBuilder(node.base.resolve(pathAndQuery))
                    .timeout(TIMEOUT)
                    .GET()
                    .build();
        }

        synchronized HttpResponse<String> record(HttpResponse<String> response) {
            responses.add(response);
            return response;
        }

        HttpResponse<String> get(Node node, String pathAndQuery) {
            try {
                return record(client.send(request(node, pathAndQuery), HttpResponse.BodyHandlers.ofString()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The SessionKit/Spring Session {@code SESSION} cookies set across every response this user got. */
        List<String> sessionCookiesSet() {
            List<String> set = new ArrayList<>();
            for (HttpResponse<String> r : responses) {
                r.headers().allValues("Set-Cookie").stream()
                        .filter(c -> c.startsWith("SESSION="))
                        .forEach(set::add);
            }
            return set;
        }

        String expected() {
            return name + " " + cart;
        }
    }

    /**
     * The test's load balancer: while sticky, a request carrying a {@code JSESSIONID} goes to the node that issued it
     * (the container session lives only there); anything else, and everything once stickiness is off, round-robin.
     */
    static final class Balancer {
        final List<Node> nodes;
        volatile boolean sticky = true;
        private int next;

        Balancer(List<Node> nodes) {
            this.nodes = nodes;
        }

        synchronized Node route(User user) {
            if (sticky && user.stickyTo != null && user.cookie("JSESSIONID").isPresent()) {
                return user.stickyTo;
            }
            return nodes.get(next++ % nodes.size());
        }

        HttpResponse<String> get(User user, String pathAndQuery) {
            Node node = route(user);
            boolean hadJsessionId = user.cookie("JSESSIONID").isPresent();
            HttpResponse<String> r = user.get(node, pathAndQuery);
            if (!hadJsessionId && user.cookie("JSESSIONID").isPresent()) {
                user.stickyTo = node;
            }
            assertThat(r.headers().firstValue("X-Node")).contains(node.name);
            return r;
        }
    }

    @ParameterizedTest(name = "Spring Session on {0}")
    @MethodSource("legacyStores")
    void everyUserKeepsTheirDataAndStaysLoggedInAcrossTheSwitch(LegacyStore legacy) throws Exception {
        RunNamespace sessionKit = RunNamespace.redis("changeover");
        try (legacy;
                Node a = new Node("a", sessionKit.name(), importer(legacy));
                Node b = new Node("b", sessionKit.name(), importer(legacy))) {
            Balancer balancer = new Balancer(List.of(a, b));

            // Before the switch. Container users log in on whichever node the balancer picks, then stick to it.
            List<User> containerUsers = new ArrayList<>();
            for (int i = 0; i < USERS_PER_KIND; i++) {
                User u = new User("container-" + i);
                assertThat(balancer.get(u, "login?user=" + u.name).body()).isEqualTo("ok");
                add(balancer, u, u.name + "-shoes");
                containerUsers.add(u);
            }
            assertThat(containerUsers).extracting(u -> u.stickyTo).contains(a, b);
            Map<User, String> jsessionIds = new LinkedHashMap<>();
            for (User u : containerUsers) {
                jsessionIds.put(u, u.cookie("JSESSIONID").orElseThrow());
                assertThat(u.cookie("SESSION")).isEmpty();
            }
            // Spring Session users: logged in with a cart, written by Spring Session itself.
            Map<User, String> legacyIds = new LinkedHashMap<>();
            for (int i = 0; i < USERS_PER_KIND; i++) {
                User u = new User("spring-" + i);
                u.cart.add(u.name + "-book");
                Map<String, Object> attributes = new LinkedHashMap<>();
                attributes.put(SpringSessionImporter.SPRING_SECURITY_CONTEXT, Fixtures.loggedIn(u.name));
                attributes.put("cart", new ArrayList<>(u.cart));
                String id = legacy.write(attributes, Duration.ofMinutes(30));
                u.holdSpringSessionCookie(id);
                legacyIds.put(u, id);
            }
            List<User> everyone = new ArrayList<>(containerUsers);
            everyone.addAll(legacyIds.keySet());

            // The switch: both nodes run SessionKit; the balancer is still sticky for JSESSIONID.
            a.filter.on = true;
            b.filter.on = true;
            for (User u : everyone) {
                me(balancer, u);
            }
            for (User u : everyone) {
                assertThat(u.cookie("SESSION"))
                        .as(u.name + " holds a SessionKit cookie")
                        .isPresent();
                add(balancer, u, u.name + "-hat");
            }
            // The window is over: stickiness goes, every user's requests alternate between the nodes.
            balancer.sticky = false;
            for (int round = 0; round < 3; round++) {
                for (User u : everyone) {
                    add(balancer, u, u.name + "-" + round);
                    me(balancer, u);
                }
            }

            for (User u : everyone) {
                assertThat(u.responses)
                        .as(u.name + ": nobody is logged out")
                        .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
                assertThat(u.responses.stream()
                                .map(r -> r.headers().firstValue("X-Node").orElseThrow()))
                        .as(u.name + " was served by both nodes")
                        .contains("a", "b");
                List<String> set = u.sessionCookiesSet();
                assertThat(set)
                        .as(u.name + ": the new SESSION cookie is issued once")
                        .hasSize(1);
                assertThat(set.get(0))
                        .startsWith("SESSION=" + u.cookie("SESSION").orElseThrow() + ";");
            }
            for (Map.Entry<User, String> e : legacyIds.entrySet()) {
                assertThat(legacy.remnants(e.getValue()))
                        .as(e.getKey().name + "'s Spring Session record and its index entries")
                        .isZero();
                assertThat(a.manager.findByPrincipal(e.getKey().name)).hasSize(1);
            }
            for (Map.Entry<User, String> e : jsessionIds.entrySet()) {
                assertThat(a.holdsContainerSession(e.getValue()) || b.holdsContainerSession(e.getValue()))
                        .as(e.getKey().name + "'s container session is invalidated")
                        .isFalse();
            }
            assertThat(sessionKitRecords(sessionKit))
                    .as("one SessionKit session per user")
                    .isEqualTo(everyone.size());
        } finally {
            sessionKit.cleanUp();
        }
    }

    /**
     * A Spring Session user's first two requests after the switch arrive at the same moment on both nodes (a page and
     * its XHR; a barrier holds each until the other has arrived). One claims the import, the other waits for it and
     * joins the session it made: both responses set the same new cookie, and there is one SessionKit session. A
     * request still carrying the old cookie after the record is deleted (sent before the browser had the new one)
     * joins it too. The user is logged in with that one session on both nodes.
     */
    @ParameterizedTest(name = "Spring Session on {0}")
    @MethodSource("legacyStores")
    void concurrentFirstRequestsOfOneSpringSessionUserEndInOneSession(LegacyStore legacy) throws Exception {
        RunNamespace sessionKit = RunNamespace.redis("changeover");
        CountDownLatch bothArrived = new CountDownLatch(2);
        try (legacy;
                Node a = new Node("a", sessionKit.name(), meetBeforeFind(importer(legacy), bothArrived));
                Node b = new Node("b", sessionKit.name(), meetBeforeFind(importer(legacy), bothArrived))) {
            a.filter.on = true;
            b.filter.on = true;
            User carol = new User("carol");
            carol.cart.add("carol-book");
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put(SpringSessionImporter.SPRING_SECURITY_CONTEXT, Fixtures.loggedIn("carol"));
            attributes.put("cart", new ArrayList<>(carol.cart));
            String legacyId = legacy.write(attributes, Duration.ofMinutes(30));
            carol.holdSpringSessionCookie(legacyId);

            CompletableFuture<HttpResponse<String>> onA = carol.client
                    .sendAsync(carol.request(a, "me"), HttpResponse.BodyHandlers.ofString())
                    .thenApply(carol::record);
            CompletableFuture<HttpResponse<String>> onB = carol.client
                    .sendAsync(carol.request(b, "me"), HttpResponse.BodyHandlers.ofString())
                    .thenApply(carol::record);
            assertThat(onA.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo(carol.expected());
            assertThat(onB.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).body()).isEqualTo(carol.expected());

            String kept = carol.cookie("SESSION").orElseThrow();
            assertThat(carol.sessionCookiesSet())
                    .as("both responses set the one new session's cookie")
                    .hasSize(2)
                    .allSatisfy(c -> assertThat(c).startsWith("SESSION=" + kept + ";"));
            assertThat(a.manager.findByPrincipal("carol")).as("one session").hasSize(1);
            assertThat(sessionKitRecords(sessionKit)).isEqualTo(1);
            assertThat(legacy.remnants(legacyId)).isZero();

            // A request that left with the old cookie before the browser had the new one: it joins too.
            HttpResponse<String> late = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(b.base.resolve("me"))
                                    .header("Cookie", "SESSION=" + Fixtures.cookie(legacyId))
                                    .timeout(TIMEOUT)
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(late.body()).isEqualTo(carol.expected());
            assertThat(late.headers().allValues("Set-Cookie"))
                    .anySatisfy(c -> assertThat(c).startsWith("SESSION=" + kept + ";"));

            Node[] nodes = {a, b, a, b};
            for (int i = 0; i < nodes.length; i++) {
                add(carol, nodes[i], "carol-" + i);
                assertThat(carol.get(nodes[(i + 1) % 2], "me").body()).isEqualTo(carol.expected());
            }
            assertThat(carol.cookie("SESSION")).contains(kept);
            assertThat(carol.sessionCookiesSet())
                    .as("no cookie after the two first responses")
                    .hasSize(2);
            assertThat(a.manager.findByPrincipal("carol")).hasSize(1);
        } finally {
            sessionKit.cleanUp();
        }
    }

    private static SessionImporter importer(LegacyStore legacy) {
        return SpringSessionImporter.builder(legacy.source()).build();
    }

    /** Holds each of the first two requests until the other has arrived too, then lets {@code importer} find. */
    private static SessionImporter meetBeforeFind(SessionImporter importer, CountDownLatch arrived) {
        return new SessionImporter() {
            @Override
            public Optional<ImportedSession> find(HttpServletRequest request, String unrecognisedCookieValue) {
                arrived.countDown();
                try {
                    if (!arrived.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the other node's request never arrived");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                return importer.find(request, unrecognisedCookieValue);
            }

            @Override
            public void imported(HttpServletRequest request, ImportedSession session) {
                importer.imported(request, session);
            }
        };
    }

    private static void me(Balancer balancer, User u) {
        HttpResponse<String> r = balancer.get(u, "me");
        assertThat(r.body())
                .as(u.name + " on node " + r.headers().firstValue("X-Node"))
                .isEqualTo(u.expected());
    }

    private static void add(Balancer balancer, User u, String item) {
        u.cart.add(item);
        HttpResponse<String> r = balancer.get(u, "add?item=" + item);
        assertThat(r.body())
                .as(u.name + " on node " + r.headers().firstValue("X-Node"))
                .isEqualTo(u.expected());
    }

    private static void add(User u, Node node, String item) {
        u.cart.add(item);
        assertThat(u.get(node, "add?item=" + item).body()).isEqualTo(u.expected());
    }

    /** SessionKit session records under the run's key prefix (not its principal index or expiry keys). */
    private static long sessionKitRecords(RunNamespace sessionKit) {
        URI uri = TestServers.redisUri();
        try (RedisClient jedis = RedisClient.create(uri.getHost(), uri.getPort())) {
            return jedis.keys(sessionKit.name() + "*").stream()
                    .filter(k -> k.substring(sessionKit.name().length()).matches("\\{..\\}s:.*"))
                    .count();
        }
    }
}
