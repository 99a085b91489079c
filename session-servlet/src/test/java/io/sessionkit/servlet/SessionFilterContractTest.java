package io.sessionkit.servlet;

import static io.sessionkit.servlet.Browser.setCookies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.tck.InterceptingSessionStore.Call;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.ForwardingSessionStore;
import io.sessionkit.testing.LogCapture;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The filter's behaviour over real HTTP in a real container. Subclasses name the container; every test runs the same
 * against each. One container and one store per class; each test uses a fresh client (cookie jar) and fresh sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionFilterContractTest {
    static final String COOKIE = SessionFilterConfig.DEFAULT_COOKIE_NAME;
    static final String HEADER = SessionFilterConfig.DEFAULT_HEADER_NAME;

    MutableClock clock;
    ForwardingSessionStore store;
    SessionManager manager;
    WebServer server;
    Browser browser;

    /** Starts the container under test. */
    protected abstract WebServer.Factory container();

    /** This container, started with {@link SessionFilter} over the test's manager and {@code config}, and the app. */
    private WebServer started(SessionFilterConfig config) {
        return container().start(new SessionFilter(manager, config), new TestApp());
    }

    @BeforeAll
    void startContainer() {
        clock = MutableClock.startingNow();
        store = new ForwardingSessionStore(
                CaffeineSessionStore.builder().clock(clock).build());
        // No background sweep: a rule that needs one calls sweepExpired() at the moment it chooses.
        manager = SessionManager.builder(store)
                .clock(clock)
                .sweepInterval(Duration.ZERO)
                .build();
        server = started(SessionFilterConfig.defaults());
    }

    @AfterAll
    void stopContainer() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @BeforeEach
    void freshClient() {
        browser = new Browser();
        store.reset();
    }

    private String sessionCookie() {
        return browser.cookie(COOKIE).orElseThrow(() -> new AssertionError("no " + COOKIE + " cookie in the jar"));
    }

    private HttpResponse<String> get(String path) {
        return browser.get(server.uri(path));
    }

    /** {@link #get}, asserting that the answer is 200. */
    private HttpResponse<String> ok(String path) {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    /** {@code setCookies} is one Set-Cookie value, which matches {@code pattern}. */
    private static void assertOneCookie(List<String> setCookies, String pattern) {
        assertThat(setCookies).singleElement().asString().matches(pattern);
    }

    @Test
    @DisplayName(
            "the cookie is SESSION=<32-char id>; Path=context; HttpOnly; SameSite=Lax; no Domain, Secure or Max-Age on plain HTTP")
    void defaultCookieAttributes() {
        HttpResponse<String> r = ok("/set?name=a&value=1");
        List<String> cookies = setCookies(r, COOKIE);
        assertThat(cookies).hasSize(1);
        String cookie = cookies.get(0);
        assertThat(cookie).matches("SESSION=[A-Za-z0-9_-]{32}; Path=/app; HttpOnly; SameSite=Lax");
        assertThat(cookie).doesNotContain("Domain", "Secure", "Max-Age", "Expires");
        assertThat(r.headers().firstValue(HEADER)).isEmpty();
    }

    @Test
    @DisplayName("auto Secure: the cookie is Secure when the request is (here: HTTPS at a proxy, X-Forwarded-Proto)")
    void secureWhenRequestIsSecure() {
        HttpResponse<String> r = browser.get(server.uri("/set?name=a&value=1"), "X-Forwarded-Proto", "https");
        assertOneCookie(setCookies(r, COOKIE), "SESSION=[A-Za-z0-9_-]{32}; Path=/app; Secure; HttpOnly; SameSite=Lax");
    }

    @Test
    @DisplayName("configured cookie: name, Secure, SameSite, Domain, Path and a persistent Max-Age")
    void configuredCookieAttributes() {
        SessionFilterConfig config = SessionFilterConfig.builder()
                .cookieName("SID")
                .cookieSecure(true)
                .cookieSameSite("strict")
                .cookieDomain("example.test")
                .cookiePath("/")
                .cookieMaxAge(Duration.ofHours(1))
                .build();
        try (WebServer other = started(config)) {
            HttpResponse<String> r = browser.get(other.uri("/set?name=a&value=1"));
            List<String> cookies = setCookies(r, "SID");
            assertThat(cookies).hasSize(1);
            assertThat(cookies.get(0))
                    .matches(
                            "SID=[A-Za-z0-9_-]{32}; Path=/; Domain=example.test; Max-Age=3600; "
                                    + "Expires=[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT; Secure; HttpOnly; SameSite=Strict");
        }
    }

    @Test
    @DisplayName(
            "lazy: a request that does not ask for a session, or asks without create, makes none and calls no store")
    void lazyCreation() {
        HttpResponse<String> none = get("/none");
        assertThat(none.body()).isEqualTo("none");
        HttpResponse<String> peek = get("/get?name=a");
        assertThat(peek.body()).isEqualTo("no-session");
        assertThat(none.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(peek.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(store.creates()).isZero();
        assertThat(store.loads()).isZero();
        assertThat(browser.cookie(COOKIE)).isEmpty();
    }

    @Test
    @DisplayName(
            "a new session costs one store call; a read-only request inside the touch interval writes nothing; after it, one touch")
    void readOnlyRequestWritesNothing() {
        get("/set?name=a&value=1");
        assertThat(store.creates()).isEqualTo(1);
        assertThat(store.loads()).isZero();
        store.reset();

        assertThat(get("/get?name=a").body()).isEqualTo("1");
        assertThat(get("/none").body()).isEqualTo("none");
        assertThat(store.loads()).isEqualTo(1);
        assertThat(store.writes()).isZero();

        clock.advance(manager.expiryPolicy().touchInterval().plusSeconds(1));
        assertThat(get("/get?name=a").body()).isEqualTo("1");
        assertThat(store.replaces()).isEqualTo(1);
        assertThat(get("/get?name=a").body()).isEqualTo("1");
        assertThat(store.replaces()).isEqualTo(1);
    }

    @Test
    @DisplayName("store round trips per request through the filter: no session 0, new 1, read-only 1, changing 2")
    void roundTripsPerRequest() {
        get("/none");
        assertThat(store.loads() + store.writes()).isZero();
        get("/set?name=a&value=1");
        assertThat(store.creates()).isEqualTo(1);
        assertThat(store.loads() + store.writes()).isEqualTo(1);
        store.reset();
        get("/get?name=a");
        assertThat(store.loads()).isEqualTo(1);
        assertThat(store.writes()).isZero();
        store.reset();
        get("/set?name=a&value=2");
        assertThat(store.loads()).isEqualTo(1);
        assertThat(store.replaces()).isEqualTo(1);
        assertThat(store.loads() + store.writes()).isEqualTo(2);
    }

    @Test
    @DisplayName("rotation on login: a new id, the same data, and the old id is dead at once")
    void rotationOnLogin() {
        get("/set?name=cart&value=apple");
        String before = sessionCookie();

        HttpResponse<String> login = browser.post(server.uri("/login?user=alice"));
        assertThat(login.statusCode()).isEqualTo(200);
        String after = sessionCookie();
        assertThat(after).isNotEqualTo(before).isEqualTo(login.body());
        assertThat(setCookies(login, COOKIE)).hasSize(1);

        assertThat(get("/get?name=cart").body()).isEqualTo("apple");
        assertThat(get("/get?name=user").body()).isEqualTo("alice");
        assertThat(store.delegate().load(SessionId.parse(before).orElseThrow().key()))
                .isEmpty();

        Browser attacker = new Browser();
        HttpResponse<String> replay = attacker.get(server.uri("/get?name=user"), "Cookie", COOKIE + "=" + before);
        assertThat(replay.body()).isEqualTo("no-session");
        // Item 14.2: a dead id is never answered with a clearing cookie (it could delete a newer cookie of the client).
        assertThat(setCookies(replay, COOKIE))
                .as("no cookie is set or cleared for a dead id")
                .isEmpty();
    }

    @Test
    @DisplayName("redirect-after-POST: the redirect target sees the POST's data, for a new and for an existing session")
    void redirectAfterPost() throws InterruptedException {
        TestApp.Probe probe = TestApp.newProbe();
        HttpResponse<String> post = browser.post(server.uri("/post-redirect?name=flash&value=saved"));
        assertThat(post.statusCode()).isEqualTo(302);
        assertThat(probe.await()).isEqualTo("cookie-before-return=true");
        assertThat(setCookies(post, COOKIE)).hasSize(1);
        String location = post.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> target = browser.get(server.base().resolve(location));
        assertThat(target.body()).isEqualTo("saved");

        HttpResponse<String> again = browser.post(server.uri("/post-redirect?name=flash&value=second"));
        assertThat(again.statusCode()).isEqualTo(302);
        assertThat(setCookies(again, COOKIE)).isEmpty();
        assertThat(browser.get(server.base()
                                .resolve(again.headers().firstValue("Location").orElseThrow()))
                        .body())
                .isEqualTo("second");
    }

    @Test
    @DisplayName("sendError commits the response: the session is saved first")
    void sendErrorSavesFirst() throws InterruptedException {
        TestApp.Probe probe = TestApp.newProbe();
        HttpResponse<String> r = get("/error-after-set?name=a&value=kept");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(probe.await()).isEqualTo("cookie-before-return=true");
        assertThat(setCookies(r, COOKIE)).hasSize(1);
        assertThat(get("/get?name=a").body()).isEqualTo("kept");
    }

    @Test
    @DisplayName("flushBuffer: the session is in the store before the client sees the response headers")
    void savedBeforeCommitWhenFlushing() throws Exception {
        TestApp.streamGate = new CountDownLatch(1);
        try {
            HttpResponse<InputStream> streaming = browser.getStreaming(server.uri("/stream?name=a&value=early"));
            // The servlet is still running, parked after flushBuffer(): only a save before the commit explains this.
            assertThat(setCookies(streaming, COOKIE)).hasSize(1);
            assertThat(get("/get?name=a").body()).isEqualTo("early");
            TestApp.streamGate.countDown();
            try (InputStream body = streaming.body()) {
                assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("committed done");
            }
        } finally {
            TestApp.streamGate.countDown();
        }
    }

    @Test
    @DisplayName("a body larger than the response buffer (writer and output stream): cookie sent and session saved")
    void largeBodies() {
        HttpResponse<String> big = ok("/big?name=a&value=writer");
        assertThat(big.body()).hasSize(256 * 1024);
        assertThat(setCookies(big, COOKIE)).hasSize(1);
        assertThat(get("/get?name=a").body()).isEqualTo("writer");

        Browser other = new Browser();
        HttpResponse<String> stream = other.get(server.uri("/big-stream?name=b&value=stream"));
        assertThat(stream.body()).hasSize(300 * 1000);
        assertThat(setCookies(stream, COOKIE)).hasSize(1);
        assertThat(other.get(server.uri("/get?name=b")).body()).isEqualTo("stream");
    }

    @Test
    @DisplayName("20 concurrent requests, each setting a different attribute of one session, all survive")
    void concurrentRequestsKeepEveryAttribute() throws Exception {
        get("/set?name=start&value=0");
        String id = sessionCookie();
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            CountDownLatch ready = new CountDownLatch(20);
            List<Future<HttpResponse<String>>> results = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    ready.countDown();
                    ready.await(10, TimeUnit.SECONDS);
                    return browser.get(server.uri("/set?name=a" + n + "&value=" + n));
                }));
            }
            for (Future<HttpResponse<String>> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sessionCookie()).isEqualTo(id);
        String expected =
                IntStream.range(0, 20)
                                .mapToObj(i -> "a" + i)
                                .collect(Collectors.toCollection(java.util.TreeSet::new))
                                .stream()
                                .collect(Collectors.joining(","))
                        + ",start";
        assertThat(get("/names").body()).isEqualTo(expected);
    }

    @Test
    @DisplayName("invalidate removes the record from the store and clears the cookie")
    void invalidateRemovesRecord() {
        get("/set?name=a&value=1");
        String id = sessionCookie();
        var key = SessionId.parse(id).orElseThrow().key();
        assertThat(store.delegate().load(key)).isPresent();

        HttpResponse<String> r = get("/invalidate");
        assertThat(r.body()).isEqualTo("invalidated");
        assertThat(store.delegate().load(key)).isEmpty();
        assertThat(setCookies(r, COOKIE))
                .singleElement()
                .asString()
                .contains("Max-Age=0")
                .startsWith(COOKIE + "=;");
        assertThat(get("/get?name=a").body()).isEqualTo("no-session");
    }

    @Test
    @DisplayName(
            "invalidate then a new session in one request (logout): one cookie with the new id; the old id is dead")
    void invalidateThenNewSession() {
        get("/set?name=user&value=alice");
        String old = sessionCookie();
        HttpResponse<String> r = get("/logout-and-restart");
        assertThat(setCookies(r, COOKIE)).singleElement().asString().startsWith(COOKIE + "=" + r.body() + ";");
        assertThat(sessionCookie()).isEqualTo(r.body()).isNotEqualTo(old);
        assertThat(get("/get?name=user").body()).isEqualTo("null");
        assertThat(get("/get?name=fresh").body()).isEqualTo("yes");
        assertThat(store.delegate().load(SessionId.parse(old).orElseThrow().key()))
                .isEmpty();
    }

    @Test
    @DisplayName("a malformed cookie gets a fresh session and the store never sees it")
    void malformedCookie() {
        for (String bad : List.of("abc", "A".repeat(31) + ".", "A".repeat(33), "../../etc/passwd")) {
            store.reset();
            Browser client = new Browser();
            HttpResponse<String> r = client.get(server.uri("/set?name=a&value=1"), "Cookie", COOKIE + "=" + bad);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(store.loads()).as("store loads for %s", bad).isZero();
            assertThat(store.creates()).isEqualTo(1);
            String fresh =
                    Browser.setCookies(r, COOKIE).get(0).substring(COOKIE.length() + 1, COOKIE.length() + 1 + 32);
            assertThat(fresh).isNotEqualTo(bad);
            assertThat(store.keysSeen())
                    .containsExactly(SessionId.parse(fresh).orElseThrow().key());
        }
    }

    @Test
    @DisplayName("a forged well-formed id is looked up by its hash only, never adopted, and a fresh id is issued")
    void forgedCookieIsNotAdopted() {
        String forged = SessionId.generate().value();
        Browser client = new Browser();
        HttpResponse<String> r = client.get(server.uri("/set?name=a&value=1"), "Cookie", COOKIE + "=" + forged);
        String fresh = client.cookie(COOKIE).orElseThrow();
        assertThat(fresh).isNotEqualTo(forged);
        assertThat(store.loads()).isEqualTo(1);
        assertThat(store.keysSeen())
                .first()
                .isEqualTo(SessionId.parse(forged).orElseThrow().key());
        assertThat(store.keysSeen()).extracting(k -> k.value()).doesNotContain(forged);
        assertThat(store.delegate().load(SessionId.parse(forged).orElseThrow().key()))
                .isEmpty();
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    @DisplayName("header transport: header in, header out, no cookie")
    void headerTransport() {
        Browser api = new Browser();
        HttpResponse<String> first = api.get(server.uri("/set?name=a&value=api"), HEADER, "new");
        String token = first.headers().firstValue(HEADER).orElseThrow();
        assertThat(SessionId.isWellFormed(token)).isTrue();
        assertThat(first.headers().allValues("Set-Cookie")).isEmpty();

        HttpResponse<String> second = api.get(server.uri("/get?name=a"), HEADER, token);
        assertThat(second.body()).isEqualTo("api");
        assertThat(second.headers().firstValue(HEADER)).contains(token);
        assertThat(second.headers().allValues("Set-Cookie")).isEmpty();

        HttpResponse<String> gone = api.get(server.uri("/invalidate"), HEADER, token);
        assertThat(gone.headers().firstValue(HEADER)).contains("");
        assertThat(api.get(server.uri("/get?name=a"), HEADER, token).body()).isEqualTo("no-session");
    }

    @Test
    @DisplayName("getAttribute returns the same object within a request; lists changed in place are saved")
    void inPlaceChangesOfContainers() {
        assertThat(get("/cart-add?item=apple").body()).isEqualTo("same");
        assertThat(get("/cart-add?item=pear").body()).isEqualTo("same");
        assertThat(get("/get?name=cart").body()).isEqualTo("[apple, pear]");
        store.reset();
        assertThat(get("/get?name=cart").body()).isEqualTo("[apple, pear]");
        assertThat(store.writes()).isZero();
    }

    @Test
    @DisplayName("a value the JSON codec cannot store fails at setAttribute")
    void unstorableValueFailsAtSetAttribute() {
        assertThat(get("/set-unstorable?name=x").body()).isEqualTo("refused SessionCodecException");
        assertThat(get("/get?name=x").body()).isEqualTo("null");
    }

    @Test
    @DisplayName("HttpSessionBindingListener: valueBound on set, valueUnbound on remove")
    void bindingListener() {
        assertThat(get("/listener").body()).isEqualTo("bound:watched,unbound:watched");
    }

    @Test
    @DisplayName("isNew, max inactive interval and requested-id validity")
    void sessionInfo() {
        assertThat(get("/info").body())
                .startsWith("new=true;maxInactive=1800;")
                .endsWith(";requestedValid=false;fromCookie=false");
        assertThat(get("/info?maxInactive=60").body())
                .startsWith("new=false;maxInactive=60;")
                .endsWith(";requestedValid=true;fromCookie=true");
        assertThat(get("/info").body()).startsWith("new=false;maxInactive=60;");
    }

    @Test
    @DisplayName("store unavailable when the session is loaded: 503 with Retry-After")
    void storeUnavailableGives503() {
        assertAnswered503AndUnchanged(() -> store.down(true));
    }

    @Test
    @DisplayName("store unavailable at save, before the response commits: 503, and the stored session is unchanged")
    void storeUnavailableAtSaveGives503() {
        assertAnswered503AndUnchanged(() -> store.fail(ForwardingSessionStore.writeCalls()));
    }

    /** Stores a=1, breaks the store with {@code failure}, then a change of a is answered 503 and a stays 1. */
    private void assertAnswered503AndUnchanged(Runnable failure) {
        get("/set?name=a&value=1");
        failure.run();
        HttpResponse<String> r = get("/set?name=a&value=2");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        store.recover();
        assertThat(get("/get?name=a").body()).isEqualTo("1");
    }

    @Test
    @DisplayName(
            "opt-in Java serialization: Serializable objects round-trip, classes outside the allow-list are refused")
    void javaSerializationCodec() {
        SessionManager legacy = SessionManager.builder(store)
                .clock(clock)
                .javaSerialization("io.sessionkit.servlet.TestApp$Cart")
                .build();
        SessionManager strict =
                SessionManager.builder(store).clock(clock).javaSerialization("").build();
        try (WebServer allowed =
                        container().start(new SessionFilter(legacy, SessionFilterConfig.defaults()), new TestApp());
                WebServer refusing =
                        container().start(new SessionFilter(strict, SessionFilterConfig.defaults()), new TestApp())) {
            assertThat(browser.get(allowed.uri("/set-cart-object?name=cart&value=apple"))
                            .body())
                    .isEqualTo("stored");
            assertThat(browser.get(allowed.uri("/get-cart-object?name=cart")).body())
                    .isEqualTo("Cart[apple]");
            assertThat(browser.get(allowed.uri("/set-unstorable?name=x")).body())
                    .isEqualTo("refused SessionCodecException");

            Browser other = new Browser();
            assertThat(other.get(refusing.uri("/set-cart-object?name=cart&value=apple"))
                            .body())
                    .isEqualTo("refused SessionCodecException");
        }
    }

    @Test
    @DisplayName(
            "web.xml style: a SessionManager in the servlet context attribute is used, and not closed by the filter")
    void managerFromContextAttribute() {
        store.reset();
        Map<String, Object> attributes = Map.of(SessionFilter.MANAGER_ATTRIBUTE, manager);
        try (WebServer webXml = container()
                .start(new WebServer.Deployment(
                        null,
                        SessionFilter.class,
                        Map.of("sessionkit.servlet.cookie-name", "CTX"),
                        attributes,
                        new TestApp()))) {
            HttpResponse<String> r = browser.get(webXml.uri("/set?name=a&value=shared"));
            assertThat(setCookies(r, "CTX")).hasSize(1);
            assertThat(store.creates()).isEqualTo(1);
        }
        // The shared manager (and its store) still serve after that container's filter was destroyed.
        ok("/set?name=b&value=still-open");
        assertThat(get("/get?name=b").body()).isEqualTo("still-open");
    }

    @Test
    @DisplayName("web.xml style: no-argument filter configured by init-params opens its own manager")
    void configuredByInitParams() {
        Map<String, String> params = Map.of(
                "sessionkit.store",
                "local",
                "sessionkit.servlet.cookie-name",
                "WEBXML",
                "sessionkit.servlet.cookie-same-site",
                "Strict");
        try (WebServer webXml = container().start(null, SessionFilter.class, params, new TestApp())) {
            HttpResponse<String> r = browser.get(webXml.uri("/set?name=a&value=from-web-xml"));
            assertThat(setCookies(r, "WEBXML")).singleElement().asString().endsWith("; HttpOnly; SameSite=Strict");
            assertThat(browser.get(webXml.uri("/get?name=a")).body()).isEqualTo("from-web-xml");
        }
    }

    // ---- 14.1: the session is saved before any write that can commit the response ----

    static Stream<Arguments> oneShotWrites() {
        List<Arguments> cases = new ArrayList<>();
        for (int kib : new int[] {7, 9, 17, 40}) {
            for (String via : List.of("stream", "writer")) {
                for (boolean rotate : new boolean[] {false, true}) {
                    cases.add(Arguments.of(kib, via, rotate));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "14.1 one write of {0} KiB via {1} (rotate first: {2}): Set-Cookie sent, session kept")
    @MethodSource("oneShotWrites")
    void item1_oneShotWriteAfterCreateOrRotateSendsTheCookie(int kib, String via, boolean rotate) {
        assertOneShot(kib * 1024, via, rotate);
    }

    /** Every write path; {@code write(ByteBuffer)} only where the container's Servlet API has it (6.1: Tomcat 11). */
    static Stream<String> writePaths() {
        List<String> paths = new ArrayList<>(List.of(
                "stream-offset",
                "stream-int",
                "stream-print",
                "stream-println",
                "stream-transfer",
                "stream-flush",
                "content-length",
                "writer-chars",
                "writer-print",
                "writer-println",
                "writer-append",
                "writer-int"));
        try {
            jakarta.servlet.ServletOutputStream.class.getMethod("write", java.nio.ByteBuffer.class);
            paths.add(2, "stream-bytebuffer");
        } catch (NoSuchMethodException servlet60) {
            // Servlet 6.0 (Tomcat 10.1): there is no such write path to test
        }
        return paths.stream();
    }

    @ParameterizedTest(name = "14.1 every write path ({0}), 9 and 17 KiB in one call: Set-Cookie sent, session kept")
    @MethodSource("writePaths")
    void item1_everyWritePathSavesBeforeTheFirstByte(String via) {
        assertOneShot(9 * 1024, via, false);
        assertOneShot(17 * 1024, via, true);
    }

    @Test
    @DisplayName(
            "14.1 a session created after the body started, then one 17 KiB write: saved before that write, Set-Cookie sent")
    void item1_sessionCreatedMidBodyIsSavedBeforeTheNextWrite() {
        HttpResponse<String> r = ok("/late-session?name=k&value=late&size=" + 17 * 1024);
        assertThat(r.body()).hasSize(17 * 1024);
        assertThat(setCookies(r, COOKIE)).hasSize(1);
        assertThat(get("/get?name=k").body()).isEqualTo("late");
    }

    private void assertOneShot(int size, String via, boolean rotate) {
        Browser client = new Browser();
        String before = null;
        if (rotate) {
            assertThat(client.get(server.uri("/set?name=pre&value=kept")).statusCode())
                    .isEqualTo(200);
            before = client.cookie(COOKIE).orElseThrow();
        }
        HttpResponse<String> r = client.get(
                server.uri("/one-shot?size=" + size + "&via=" + via + "&rotate=" + rotate + "&name=k&value=v" + size));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).hasSize(size);
        String id = r.headers().firstValue("X-Test-Session").orElseThrow();
        assertThat(setCookies(r, COOKIE))
                .as("Set-Cookie of a %d-byte one-shot write via %s", size, via)
                .singleElement()
                .asString()
                .startsWith(COOKIE + "=" + id + ";");
        assertThat(client.cookie(COOKIE)).contains(id);
        assertThat(client.get(server.uri("/get?name=k")).body()).isEqualTo("v" + size);
        if (rotate) {
            assertThat(id).isNotEqualTo(before);
            assertThat(client.get(server.uri("/get?name=pre")).body()).isEqualTo("kept");
            assertThat(new Browser()
                            .get(server.uri("/get?name=pre"), "Cookie", COOKIE + "=" + before)
                            .body())
                    .isEqualTo("no-session");
        }
    }

    // ---- 14.2: a dead id presented by a request in flight never clears the client's (newer) cookie ----

    @Test
    @DisplayName("14.2 a request in flight with the pre-login cookie (session not found) does not log the user out")
    void item2_inFlightRequestWithOldCookieKeepsTheLogin() throws Exception {
        interleaveWithLogin("/slow-get?name=user", "no-session");
    }

    @Test
    @DisplayName(
            "14.2 a request in flight that loaded the pre-login session and saves after the rotation (GONE) does not log the user out")
    void item2_inFlightSaveOfTheOldSessionKeepsTheLogin() throws Exception {
        interleaveWithLogin("/slow-set?name=late&value=1", "ok");
    }

    private void interleaveWithLogin(String slowPath, String slowBody) throws Exception {
        get("/set?name=cart&value=apple");
        String before = sessionCookie();
        TestApp.slowGate = new CountDownLatch(1);
        TestApp.slowArrived = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<String>> slow = pool.submit(() -> get(slowPath));
            assertThat(TestApp.slowArrived.await(10, TimeUnit.SECONDS))
                    .as("the slow request arrived")
                    .isTrue();

            HttpResponse<String> login = browser.post(server.uri("/login?user=alice"));
            assertThat(login.statusCode()).isEqualTo(200);
            String after = sessionCookie();
            assertThat(after).isNotEqualTo(before);

            TestApp.slowGate.countDown();
            HttpResponse<String> late = slow.get(30, TimeUnit.SECONDS);
            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(late.body()).isEqualTo(slowBody);
            assertThat(setCookies(late, COOKIE))
                    .as("the late answer sets or clears no cookie")
                    .isEmpty();
            assertThat(sessionCookie()).isEqualTo(after);
            assertThat(get("/get?name=user").body()).isEqualTo("alice");
            assertThat(get("/get?name=cart").body()).isEqualTo("apple");
        } finally {
            TestApp.slowGate.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("14.2 header transport: a request in flight with the pre-login token gets no empty token back")
    void item2_inFlightRequestWithOldTokenGetsNoEmptyHeader() throws Exception {
        Browser api = new Browser();
        String before = api.get(server.uri("/set?name=cart&value=apple"), HEADER, "new")
                .headers()
                .firstValue(HEADER)
                .orElseThrow();
        TestApp.slowGate = new CountDownLatch(1);
        TestApp.slowArrived = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<String>> slow =
                    pool.submit(() -> api.get(server.uri("/slow-get?name=user"), HEADER, before));
            assertThat(TestApp.slowArrived.await(10, TimeUnit.SECONDS))
                    .as("the slow request arrived")
                    .isTrue();
            String after = api.post(server.uri("/login?user=alice"), HEADER, before)
                    .headers()
                    .firstValue(HEADER)
                    .orElseThrow();
            assertThat(after).isNotEqualTo(before);
            TestApp.slowGate.countDown();
            HttpResponse<String> late = slow.get(30, TimeUnit.SECONDS);
            assertThat(late.body()).isEqualTo("no-session");
            assertThat(late.headers().allValues(HEADER)).isEmpty();
            assertThat(api.get(server.uri("/get?name=user"), HEADER, after).body())
                    .isEqualTo("alice");
        } finally {
            TestApp.slowGate.countDown();
            pool.shutdownNow();
        }
    }

    // ---- 14.7: startAsync() ----

    @Test
    @DisplayName(
            "14.7 startAsync() without arguments: async code reads and writes the SessionKit session, never the container's")
    void item7_asyncCodeUsesTheSessionKitSession() {
        HttpResponse<String> first = ok("/async?name=a&value=async-1");
        assertThat(first.body()).isEqualTo("wrapped=true;before=null");
        assertThat(first.headers().allValues("Set-Cookie")).noneMatch(h -> h.startsWith("JSESSIONID"));
        assertThat(setCookies(first, COOKIE)).hasSize(1);
        assertThat(get("/get?name=a").body()).isEqualTo("async-1");

        HttpResponse<String> second = get("/async?name=a&value=async-2");
        assertThat(second.body()).isEqualTo("wrapped=true;before=async-1");
        assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(get("/get?name=a").body()).isEqualTo("async-2");

        // Nothing written: the session is saved and its cookie set when the async code completes the context.
        Browser quiet = new Browser();
        HttpResponse<String> q = quiet.get(server.uri("/async-quiet?name=b&value=quiet"));
        assertThat(q.statusCode()).isEqualTo(200);
        assertThat(q.headers().allValues("Set-Cookie")).noneMatch(h -> h.startsWith("JSESSIONID"));
        assertThat(setCookies(q, COOKIE)).hasSize(1);
        assertThat(quiet.get(server.uri("/get?name=b")).body()).isEqualTo("quiet");
        assertThat(browser.cookie("JSESSIONID")).isEmpty();
        assertThat(quiet.cookie("JSESSIONID")).isEmpty();
    }

    @Test
    @DisplayName("async completed through the container's own context: the completion listener still saves the session")
    void asyncCompletionListenerSaves() throws InterruptedException {
        ok("/set?name=a&value=before");
        assertThat(get("/async-container-complete?name=a&value=after").statusCode())
                .isEqualTo(200);
        // The listener runs when the container completes, which may be just after the client got the response:
        // poll the real session, bounded.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = get("/get?name=a").body();
        while (!seen.equals("after") && System.nanoTime() < deadline) {
            Thread.sleep(20); // poll interval of a bounded wait for the listener's save, not an expiry wait
            seen = get("/get?name=a").body();
        }
        assertThat(seen).isEqualTo("after");
    }

    // ---- 14.15: invalidate() deletes first; Cache-Control on responses that carry the id ----

    @Test
    @DisplayName(
            "14.15 invalidate() whose store delete fails: 503 or the app's own answer, the cookie kept and the session live")
    void item15_failedDeleteKeepsTheCookieAndTheSession() {
        get("/set?name=a&value=1");
        String id = sessionCookie();
        store.fail(Call.DELETE);

        HttpResponse<String> r = get("/invalidate");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        assertThat(setCookies(r, COOKIE)).isEmpty();

        // An application that catches the failure keeps a usable session, and the client keeps its cookie.
        HttpResponse<String> tolerant = ok("/invalidate-tolerant?name=a");
        assertThat(tolerant.body()).isEqualTo("kept 1");
        assertThat(setCookies(tolerant, COOKIE)).isEmpty();

        store.recover();
        assertThat(sessionCookie()).isEqualTo(id);
        assertThat(get("/get?name=a").body()).isEqualTo("1");
        assertThat(get("/invalidate").body()).isEqualTo("invalidated");
        assertThat(get("/get?name=a").body()).isEqualTo("no-session");
    }

    @Test
    @DisplayName(
            "14.15 a response that sets or clears the session cookie, or carries the token, is Cache-Control: no-store unless the app set Cache-Control")
    void item15_responsesCarryingTheIdAreNotCacheable() throws InterruptedException {
        HttpResponse<String> created = get("/set?name=a&value=1");
        assertThat(setCookies(created, COOKIE)).hasSize(1);
        assertThat(created.headers().allValues("Cache-Control")).containsExactly("no-store");

        HttpResponse<String> readOnly = get("/get?name=a");
        assertThat(readOnly.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(readOnly.headers().allValues("Cache-Control"))
                .as("no id on the response: caching is the app's call")
                .isEmpty();

        HttpResponse<String> login = browser.post(server.uri("/login?user=alice"));
        assertThat(login.headers().allValues("Cache-Control")).containsExactly("no-store");
        TestApp.newProbe();
        HttpResponse<String> redirect = browser.post(server.uri("/post-redirect?name=flash&value=x"));
        assertThat(redirect.headers().allValues("Cache-Control")).isEmpty();
        HttpResponse<String> logout = get("/invalidate");
        assertThat(setCookies(logout, COOKIE)).singleElement().asString().contains("Max-Age=0");
        assertThat(logout.headers().allValues("Cache-Control")).containsExactly("no-store");

        Browser other = new Browser();
        TestApp.newProbe();
        HttpResponse<String> newByRedirect = other.post(server.uri("/post-redirect?name=flash&value=x"));
        assertThat(newByRedirect.statusCode()).isEqualTo(302);
        assertThat(newByRedirect.headers().allValues("Cache-Control")).containsExactly("no-store");

        HttpResponse<String> own = new Browser().get(server.uri("/set-cached?name=a&value=1"));
        assertThat(setCookies(own, COOKIE)).hasSize(1);
        assertThat(own.headers().allValues("Cache-Control")).containsExactly("private, max-age=60");

        Browser api = new Browser();
        HttpResponse<String> token = api.get(server.uri("/set?name=a&value=1"), HEADER, "new");
        assertThat(token.headers().allValues("Cache-Control")).containsExactly("no-store");
        HttpResponse<String> echoed = api.get(
                server.uri("/get?name=a"),
                HEADER,
                token.headers().firstValue(HEADER).orElseThrow());
        assertThat(echoed.headers().firstValue(HEADER)).isPresent();
        assertThat(echoed.headers().allValues("Cache-Control")).containsExactly("no-store");
    }

    // ---- 14.9: a write lost to a concurrent change is never answered 2xx ----

    @Test
    @DisplayName(
            "14.9 read cart, change it, while another node changes cart too: 409, and the other node's write is kept")
    void item9_sameAttributeConflictIsAnswered409() {
        ok("/cart-rmw?item=a");
        otherNodeSetsBeforeNextReplace("cart", List.of("a", "c"));

        HttpResponse<String> r = get("/cart-rmw?item=b");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).doesNotContain("added");
        assertThat(setCookies(r, COOKIE)).isEmpty();
        assertThat(get("/get?name=cart").body()).isEqualTo("[a, c]");
    }

    @Test
    @DisplayName(
            "14.9 SessionConflictException at save before the response commits: 409 Conflict with a short body, never the app's 200")
    void item9_conflictAtSaveAnswers409() {
        onNodeWithoutRetriesFacingAConflict(node -> {
            HttpResponse<String> r = browser.get(node.uri("/set?name=a&value=2"));
            assertThat(r.statusCode()).isEqualTo(409);
            assertThat(r.body()).doesNotContain("ok");
            assertThat(browser.get(node.uri("/get?name=a")).body()).isEqualTo("1");
            assertThat(browser.get(node.uri("/get?name=other")).body()).isEqualTo("x");
        });
    }

    /** Another node over the same store sets {@code name=value} in this client's session just before the next replace. */
    private void otherNodeSetsBeforeNextReplace(String name, Object value) {
        String id = sessionCookie();
        SessionManager otherNode =
                SessionManager.builder(store.delegate()).clock(clock).build();
        store.beforeNext(Call.REPLACE, () -> otherNode.update(id, s -> s.setAttribute(name, value)));
    }

    /**
     * Runs {@code test} on a second node whose manager never retries, after this client stored {@code a=1} there and
     * with another node's change ({@code other=x}) scheduled just before the node's next replace.
     */
    private void onNodeWithoutRetriesFacingAConflict(Consumer<WebServer> test) {
        SessionManager impatient =
                SessionManager.builder(store).clock(clock).maxRetries(0).build();
        try (WebServer node =
                container().start(new SessionFilter(impatient, SessionFilterConfig.defaults()), new TestApp())) {
            assertThat(browser.get(node.uri("/set?name=a&value=1")).statusCode())
                    .isEqualTo(200);
            otherNodeSetsBeforeNextReplace("other", "x");
            test.accept(node);
        }
    }

    @Test
    @DisplayName(
            "14.9 SessionConflictException at save after the response committed: the response is aborted, never completed as a success")
    void item9_conflictAfterCommitAbortsTheResponse() {
        onNodeWithoutRetriesFacingAConflict(node -> {
            assertThatThrownBy(() -> browser.get(node.uri("/flush-then-set?name=a&value=2")))
                    .as("the client must not receive a complete response")
                    .isInstanceOf(java.io.UncheckedIOException.class);
            assertThat(browser.get(node.uri("/get?name=a")).body()).isEqualTo("1");
        });
    }

    @Test
    @DisplayName(
            "14.9 200 parallel plain read-modify-write adds to one cart over two nodes: each lands or is answered 409, none is lost with a 2xx")
    void item9_parallelPlainAddsNeverAcknowledgeALostWrite() throws Exception {
        Map<String, Integer> statuses = parallelAddsOverTwoNodes("/cart-rmw", 200);
        assertThat(statuses.values()).allMatch(code -> code == 200 || code == 409);
        List<String> acknowledged = statuses.entrySet().stream()
                .filter(e -> e.getValue() == 200)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertThat(cartItems()).as("exactly the acknowledged adds, each once").isEqualTo(acknowledged);
    }

    @Test
    @DisplayName(
            "14.9 200 parallel adds with SessionKitHttpSession.updateAttribute over two nodes: all answered 200, the cart keeps 200 of 200")
    void item9_parallelUpdateAttributeAddsKeepEveryItem() throws Exception {
        Map<String, Integer> statuses = parallelAddsOverTwoNodes("/cart-update", 200);
        assertThat(statuses.values()).as("every add lands").allMatch(code -> code == 200);
        assertThat(cartItems()).hasSize(200).isEqualTo(List.copyOf(statuses.keySet()));
    }

    @Test
    @DisplayName(
            "14.9 updateAttribute while another node changes the same attribute: re-run on the fresh value, 200, both changes kept")
    void item9_updateAttributeIsReRunAfterAConflict() {
        assertThat(get("/cart-update?item=a").body()).isEqualTo("added 1");
        otherNodeSetsBeforeNextReplace("cart", List.of("a", "c"));
        ok("/cart-update?item=b");
        assertThat(get("/get?name=cart").body()).isEqualTo("[a, c, b]");
    }

    @Test
    @DisplayName(
            "14.9 a blind setAttribute (nothing read) is not a read-modify-write: the listener lookup only peeks, last writer wins, 200")
    void item9_blindSetIsNotCountedAsARead() {
        ok("/set?name=theme&value=light");
        otherNodeSetsBeforeNextReplace("theme", "blue");
        ok("/set?name=theme&value=dark");
        assertThat(get("/get?name=theme").body()).isEqualTo("dark");
    }

    /**
     * Sends {@code n} adds of distinct items to one session, alternating between this node and a second one over the
     * same store (two nodes behind a round-robin balancer), 32 at a time; returns each item's status.
     */
    Map<String, Integer> parallelAddsOverTwoNodes(String path, int n) throws Exception {
        ok("/set?name=start&value=0");
        SessionManager secondManager =
                SessionManager.builder(store).clock(clock).build();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try (WebServer second =
                container().start(new SessionFilter(secondManager, SessionFilterConfig.defaults()), new TestApp())) {
            Map<String, Future<HttpResponse<String>>> sent = new java.util.LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String item = String.format("i%03d", i);
                WebServer node = i % 2 == 0 ? server : second;
                sent.put(item, pool.submit(() -> browser.get(node.uri(path + "?item=" + item))));
            }
            Map<String, Integer> statuses = new java.util.TreeMap<>();
            for (Map.Entry<String, Future<HttpResponse<String>>> e : sent.entrySet()) {
                statuses.put(e.getKey(), e.getValue().get(60, TimeUnit.SECONDS).statusCode());
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The cart as stored, item by item, sorted. */
    List<String> cartItems() {
        String body = get("/get?name=cart").body();
        if (body.equals("null")) {
            return List.of();
        }
        assertThat(body).startsWith("[").endsWith("]");
        String inner = body.substring(1, body.length() - 1);
        return inner.isEmpty()
                ? List.of()
                : java.util.Arrays.stream(inner.split(", ")).sorted().toList();
    }

    // ---- 16.2: the rest of the HttpSession contract (listeners, the container's settings, container login) ----

    /** The listeners every way they can be registered, and a deployment with its own event log. */
    private ListenerApp startWithListeners(
            SessionFilterConfig config, List<Class<? extends java.util.EventListener>> declared) {
        WebServer.Setup setup = new WebServer.Setup(
                declared,
                ctx -> {
                    ctx.addListener(new RecordingListeners.AddedInstance());
                    ctx.addListener(RecordingListeners.AddedClass.class);
                    ctx.addListener(new RecordingListeners.PublisherLike());
                },
                true,
                null);
        return startWithEventLog(new SessionFilter(manager, config), setup);
    }

    /** A listener test's deployment and the event log (a fresh one) its listeners write to. */
    private record ListenerApp(WebServer server, RecordingListeners.EventLog log) implements AutoCloseable {
        java.net.URI uri(String pathAndQuery) {
            return server.uri(pathAndQuery);
        }

        @Override
        public void close() {
            server.close();
        }
    }

    /** The listener tests' deployment: the test app behind {@code filter}, with a fresh event log in its context. */
    private ListenerApp startWithEventLog(jakarta.servlet.Filter filter, WebServer.Setup setup) {
        RecordingListeners.EventLog log = new RecordingListeners.EventLog();
        WebServer server = container()
                .start(new WebServer.Deployment(
                        filter, null, Map.of(), Map.of(RecordingListeners.LOG_ATTRIBUTE, log), new TestApp(), setup));
        return new ListenerApp(server, log);
    }

    /** {@link #startWithListeners} with the default configuration and only {@link RecordingListeners.Declared}. */
    private ListenerApp startWithDeclaredListener() {
        return startWithListeners(SessionFilterConfig.defaults(), List.of(RecordingListeners.Declared.class));
    }

    @Test
    @DisplayName(
            "16.2.1 listeners declared (<listener>, @WebListener), added with ServletContext.addListener (instance, class) "
                    + "and with SessionFilterConfig.listener are each told once, about the SessionKit session: created, "
                    + "added, replaced with the old value, id changed with the old id, removed, destroyed with its attributes")
    void item16_2_1_everyRegisteredListenerIsToldOnce() {
        RecordingListeners.Programmatic programmatic = new RecordingListeners.Programmatic();
        SessionFilterConfig config =
                SessionFilterConfig.builder().listener(programmatic).build();
        try (ListenerApp app = startWithListeners(config, List.of(RecordingListeners.Declared.class))) {
            List<HttpResponse<String>> responses = new ArrayList<>();
            responses.add(browser.get(app.uri("/set?name=a&value=1")));
            String first = sessionCookie();
            responses.add(browser.get(app.uri("/set?name=a&value=2")));
            HttpResponse<String> login = browser.post(app.uri("/login?user=alice"));
            responses.add(login);
            String second = login.body();
            responses.add(browser.get(app.uri("/remove?name=a")));
            responses.add(browser.get(app.uri("/invalidate")));
            assertThat(responses).allSatisfy(r -> {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.headers().allValues("Set-Cookie")).noneMatch(h -> h.startsWith("JSESSIONID"));
            });
            assertThat(second).isNotEqualTo(first);
            List<String> expected = List.of(
                    "created " + first + " kit=true new=true",
                    "added a=1",
                    "replaced a old=1 now=2",
                    "idChanged " + first + " -> " + second,
                    "added user=alice",
                    "removed a=2",
                    "destroyed " + second + " [user=alice]",
                    "removed user=alice");
            for (Class<?> kind : List.of(
                    RecordingListeners.Declared.class,
                    RecordingListeners.AddedInstance.class,
                    RecordingListeners.AddedClass.class,
                    RecordingListeners.Programmatic.class)) {
                assertThat(app.log().of(kind))
                        .as("what %s was told", kind.getSimpleName())
                        .isEqualTo(expected);
            }
            assertThat(app.log().of(RecordingListeners.PublisherLike.class))
                    .as("an HttpSessionEventPublisher-like listener reaches the context and reads the attributes")
                    .containsExactly(
                            "created " + first,
                            "idChanged " + first + " -> " + second,
                            "destroyed " + second + " [user=alice]");
            assertThat(browser.cookie("JSESSIONID")).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "16.2.1 logout and a new session in one request: destroyed, then created; updateAttribute tells no attribute listener")
    void item16_2_1_logoutThenNewSessionAndUpdateAttribute() {
        try (ListenerApp app = startWithDeclaredListener()) {
            browser.get(app.uri("/set?name=user&value=alice"));
            String old = sessionCookie();
            HttpResponse<String> r = browser.get(app.uri("/logout-and-restart"));
            String fresh = r.body();
            assertThat(browser.get(app.uri("/cart-update?item=x")).statusCode()).isEqualTo(200);
            assertThat(app.log().of(RecordingListeners.Declared.class))
                    .containsExactly(
                            "created " + old + " kit=true new=true",
                            "added user=alice",
                            "destroyed " + old + " [user=alice]",
                            "removed user=alice",
                            "created " + fresh + " kit=true new=true",
                            "added fresh=yes");
        }
    }

    @Test
    @DisplayName(
            "16.2.1 a listener that throws does not break the request: it is logged at WARNING and the other listeners are still told")
    void item16_2_1_throwingListenerIsLogged() {
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet");
                ListenerApp app = startWithListeners(
                        SessionFilterConfig.defaults(),
                        List.of(RecordingListeners.Throwing.class, RecordingListeners.Declared.class))) {
            HttpResponse<String> set = browser.get(app.uri("/set?name=a&value=1"));
            assertThat(set.statusCode()).isEqualTo(200);
            assertThat(setCookies(set, COOKIE)).hasSize(1);
            String first = sessionCookie();
            String second = browser.post(app.uri("/login?user=alice")).body();
            assertThat(browser.get(app.uri("/get?name=a")).body()).isEqualTo("1");
            assertThat(browser.get(app.uri("/invalidate")).body()).isEqualTo("invalidated");
            assertThat(app.log().of(RecordingListeners.Declared.class))
                    .containsExactly(
                            "created " + first + " kit=true new=true",
                            "added a=1",
                            "idChanged " + first + " -> " + second,
                            "added user=alice",
                            "destroyed " + second + " [a=1, user=alice]",
                            "removed a=1",
                            "removed user=alice");
            assertThat(warnings.warnings())
                    .anyMatch(w -> w.startsWith(RecordingListeners.Throwing.class.getName() + ".sessionCreated threw")
                            && w.contains("listener failure for the test"))
                    .anyMatch(
                            w -> w.startsWith(RecordingListeners.Throwing.class.getName() + ".sessionIdChanged threw"))
                    .anyMatch(
                            w -> w.startsWith(RecordingListeners.Throwing.class.getName() + ".sessionDestroyed threw"));
        }
    }

    @Test
    @DisplayName(
            "16.2.1 a listener that clears the principal when told of a removal during invalidate() is not refused and nothing is logged")
    void item16_2_1_principalClearedDuringInvalidation() {
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet");
                ListenerApp app = startWithListeners(
                        SessionFilterConfig.defaults(), List.of(RecordingListeners.PrincipalFollower.class))) {
            browser.post(app.uri("/login?user=alice"));
            assertThat(browser.get(app.uri("/invalidate")).body()).isEqualTo("invalidated");
            assertThat(app.log().of(RecordingListeners.PrincipalFollower.class))
                    .as("the principal reads during invalidation; clearing it is a no-op; setting one is refused")
                    .containsExactly("removed user principal=alice set=refused");
            assertThat(warnings.warnings()).isEmpty();
        }
    }

    @Test
    @DisplayName(
            "16.2.1 an HttpSessionBindingListener value that throws is logged; the attribute is set and the request goes on")
    void item16_2_1_throwingBindingListenerIsLogged() {
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet")) {
            HttpResponse<String> r = ok("/throwing-binding?name=b&value=kept");
            assertThat(r.body()).isEqualTo("ok");
            assertThat(get("/get?name=b").body()).isEqualTo("kept");
            assertThat(warnings.warnings())
                    .anyMatch(w -> w.startsWith(TestApp.ThrowingBinding.class.getName() + ".valueBound threw"))
                    .anyMatch(w -> w.startsWith(TestApp.ThrowingBinding.class.getName() + ".valueUnbound threw"));
        }
    }

    @Test
    @DisplayName(
            "16.2.1 invalidate() whose store delete fails tells no listener; nor does expiry before a sweep collects the "
                    + "session (17.2)")
    void item16_2_1_noEventForAFailedDeleteNorForExpiry() {
        try (ListenerApp app = startWithDeclaredListener()) {
            browser.get(app.uri("/set?name=a&value=1"));
            store.fail(Call.DELETE);
            assertThat(browser.get(app.uri("/invalidate")).statusCode()).isEqualTo(503);
            store.recover();
            assertThat(app.log().of(RecordingListeners.Declared.class))
                    .hasSize(2)
                    .noneMatch(e -> e.startsWith("destroyed"));

            clock.advance(manager.expiryPolicy().maxIdle().plusMinutes(1));
            assertThat(browser.get(app.uri("/get?name=a")).body()).isEqualTo("no-session");
            assertThat(app.log().of(RecordingListeners.Declared.class)).hasSize(2);
        }
    }

    @Test
    @DisplayName(
            "16.2.1 a container whose listener registry SessionKit cannot read: one WARNING at startup says to register "
                    + "listeners programmatically; those are told, the container's are not")
    void item16_2_1_unknownContainerWarnsAndUsesProgrammaticListeners() {
        SessionFilterConfig config = SessionFilterConfig.builder()
                .listener(new RecordingListeners.Programmatic())
                .build();
        WebServer.Setup setup = new WebServer.Setup(List.of(RecordingListeners.Declared.class), null, true, null);
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet");
                ListenerApp app =
                        startWithEventLog(new UnknownContainerFilter(new SessionFilter(manager, config)), setup)) {
            assertThat(warnings.warnings())
                    .filteredOn(w -> w.contains("cannot read the listener registry"))
                    .singleElement()
                    .asString()
                    .contains("are NOT called for SessionKit sessions")
                    .contains("SessionFilterConfig.builder().listener(...)");
            assertThat(browser.get(app.uri("/set?name=a&value=1")).statusCode()).isEqualTo(200);
            assertThat(app.log().of(RecordingListeners.Programmatic.class))
                    .containsExactly("created " + sessionCookie() + " kit=true new=true", "added a=1");
            assertThat(app.log().of(RecordingListeners.Declared.class)).isEmpty();
        }
    }

    // ---- 17.2: sessions that expire in the store reach HttpSessionListener.sessionDestroyed ----

    /**
     * One node of a cluster over a real Redis (the store of this rule: it declares {@code EXPIRY_EVENTS}): its own
     * store and manager (on the suite's clock, no background sweep) and a deployment with the declared recording
     * listener and the {@link RecordingListeners.ExpiryProbe}.
     */
    private record ExpiryNode(ForwardingSessionStore store, SessionManager manager, ListenerApp app)
            implements AutoCloseable {
        @Override
        public void close() {
            try {
                app.close();
            } finally {
                manager.close();
                store.close();
            }
        }
    }

    private ExpiryNode startExpiryNode(String keyPrefix) {
        ForwardingSessionStore nodeStore = new ForwardingSessionStore(io.sessionkit.redis.RedisSessionStore.builder()
                .uri(io.sessionkit.testing.TestServers.redisUri())
                .keyPrefix(keyPrefix)
                .clock(clock)
                .build());
        SessionManager nodeManager = SessionManager.builder(nodeStore)
                .clock(clock)
                .sweepInterval(Duration.ZERO)
                .build();
        try {
            WebServer.Setup setup = new WebServer.Setup(
                    List.of(RecordingListeners.Declared.class, RecordingListeners.ExpiryProbe.class), null, true, null);
            return new ExpiryNode(
                    nodeStore,
                    nodeManager,
                    startWithEventLog(new SessionFilter(nodeManager, SessionFilterConfig.defaults()), setup));
        } catch (RuntimeException e) {
            nodeManager.close();
            nodeStore.close();
            throw e;
        }
    }

    /** Runs both sweeps at the same moment, each on a thread whose context class loader is not the web app's. */
    private static int sweepAtOnce(SessionManager first, SessionManager second) throws Exception {
        ClassLoader foreign = new java.net.URLClassLoader(new java.net.URL[0], null);
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> sweeps = new ArrayList<>();
            for (SessionManager m : List.of(first, second)) {
                sweeps.add(pool.submit(() -> {
                    Thread.currentThread().setContextClassLoader(foreign);
                    start.await();
                    return m.sweepExpired();
                }));
            }
            start.countDown();
            int collected = 0;
            for (Future<Integer> sweep : sweeps) {
                collected += sweep.get(30, TimeUnit.SECONDS);
            }
            return collected;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("17.2 a session created by a real request and left to expire is reported to the web app's "
            + "HttpSessionListener.sessionDestroyed exactly once across two nodes sweeping at once: its id the "
            + "hashed key (never the raw id), no attributes, the servlet context, changes refused, the web app's "
            + "class loader; an invalidated session is not reported again, and a live one not at all")
    void item17_2_expiredSessionIsDestroyedOnceInTheCluster() throws Exception {
        String prefix =
                "sk-servlet-expiry-" + java.util.UUID.randomUUID().toString().substring(0, 8) + ":";
        try (ExpiryNode one = startExpiryNode(prefix);
                ExpiryNode two = startExpiryNode(prefix)) {
            Browser alice = new Browser();
            assertThat(alice.get(one.app().uri("/set?name=a&value=1")).statusCode())
                    .isEqualTo(200);
            String aliceId = alice.cookie(COOKIE).orElseThrow();
            String aliceKey = SessionId.parse(aliceId).orElseThrow().key().value();
            Browser bob = new Browser();
            assertThat(bob.get(two.app().uri("/set?name=b&value=2")).statusCode())
                    .isEqualTo(200);
            String bobId = bob.cookie(COOKIE).orElseThrow();
            assertThat(bob.get(two.app().uri("/invalidate")).body()).isEqualTo("invalidated");

            clock.advance(manager.expiryPolicy().maxIdle().plusMinutes(2));
            Browser carol = new Browser();
            assertThat(carol.get(one.app().uri("/set?name=c&value=3")).statusCode())
                    .isEqualTo(200);
            String carolId = carol.cookie(COOKIE).orElseThrow();

            assertThat(sweepAtOnce(one.manager(), two.manager()))
                    .as("records the two sweeps collected together")
                    .isEqualTo(1);
            List<String> destroyed = Stream.of(one, two)
                    .flatMap(n -> n.app().log().of(RecordingListeners.Declared.class).stream())
                    .filter(e -> e.startsWith("destroyed"))
                    .toList();
            assertThat(destroyed)
                    .as("sessionDestroyed on both nodes: bob's logout once, alice's expiry once, carol (live) never")
                    .containsExactlyInAnyOrder("destroyed " + bobId + " [b=2]", "destroyed " + aliceKey + " []");
            List<String> probed = Stream.of(one, two)
                    .flatMap(n -> n.app().log().of(RecordingListeners.ExpiryProbe.class).stream())
                    .filter(e -> e.startsWith("destroyed " + aliceKey))
                    .toList();
            assertThat(probed)
                    .singleElement()
                    .isEqualTo("destroyed " + aliceKey + " names=[] a=null context=true set=refused remove=refused "
                            + "invalidate=refused webAppLoader=true");
            List<String> everything = Stream.of(one, two)
                    .flatMap(n -> n.app().log().all().stream())
                    .toList();
            assertThat(everything)
                    .as("alice's raw id reaches no listener after her session was created")
                    .filteredOn(e -> e.contains(aliceId))
                    .allMatch(e -> e.contains(": created " + aliceId));
            assertThat(everything).noneMatch(e -> e.startsWith("Declared: destroyed " + carolId));

            assertThat(sweepAtOnce(one.manager(), two.manager()))
                    .as("a second sweep finds nothing")
                    .isZero();
            assertThat(Stream.of(one, two)
                            .mapToLong(n -> n.app().log().all().stream()
                                    .filter(e -> e.startsWith("Declared: destroyed"))
                                    .count())
                            .sum())
                    .isEqualTo(2);
            assertThat(carol.get(one.app().uri("/get?name=c")).body()).isEqualTo("3");
        } finally {
            try (redis.clients.jedis.Jedis raw =
                    new redis.clients.jedis.Jedis(io.sessionkit.testing.TestServers.redisUri(), 5_000)) {
                java.util.Set<String> left = raw.keys(prefix + "*");
                if (!left.isEmpty()) {
                    raw.unlink(left.toArray(String[]::new));
                }
            }
        }
    }

    /** Sets the container's session settings as web.xml's {@code <session-config>} or Spring Boot would. */
    private static java.util.function.Consumer<jakarta.servlet.ServletContext> containerSessionConfig(
            int timeoutMinutes) {
        return ctx -> {
            jakarta.servlet.SessionCookieConfig scc = ctx.getSessionCookieConfig();
            scc.setName("APPSID");
            scc.setPath("/");
            scc.setDomain("example.test");
            scc.setSecure(true);
            scc.setMaxAge(3600);
            scc.setAttribute("SameSite", "Strict");
            ctx.setSessionTimeout(timeoutMinutes);
        };
    }

    private WebServer startWithContainerConfig(
            jakarta.servlet.Filter filter, @Nullable Consumer<jakarta.servlet.ServletContext> onStartup) {
        return startOverContainerSessions(filter, Map.of(), onStartup, null);
    }

    private static final String DATE = "[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT";

    /** GET /info with {@code client} starts a session whose idle timeout is {@code maxInactiveSeconds}. */
    private static HttpResponse<String> newSessionInfo(Browser client, WebServer app, int maxInactiveSeconds) {
        HttpResponse<String> r = client.get(app.uri("/info"));
        assertThat(r.body()).startsWith("new=true;maxInactive=" + maxInactiveSeconds + ";");
        return r;
    }

    @Test
    @DisplayName(
            "16.2.2 the container's SessionCookieConfig (name, path, domain, secure, max-age, SameSite) and session-timeout "
                    + "are the defaults: the cookie takes them, new sessions get the timeout as idle timeout")
    void item16_2_2_containerSessionConfigIsTheDefault() {
        try (WebServer app = startWithContainerConfig(
                new SessionFilter(manager, SessionFilterConfig.defaults()), containerSessionConfig(45))) {
            HttpResponse<String> r = newSessionInfo(browser, app, 2700);
            assertOneCookie(
                    setCookies(r, "APPSID"),
                    "APPSID=[A-Za-z0-9_-]{32}; Path=/; Domain=example.test; Max-Age=3600; Expires=" + DATE
                            + "; Secure; HttpOnly; SameSite=Strict");
            assertThat(setCookies(r, COOKIE)).isEmpty();
            String id = setCookies(r, "APPSID").get(0).substring(7, 39);
            assertThat(store.delegate().load(SessionId.parse(id).orElseThrow().key()))
                    .get()
                    .extracting(io.sessionkit.SessionRecord::maxIdle)
                    .isEqualTo(Duration.ofMinutes(45));
            // The cookie is for example.test over HTTPS, so the jar keeps it: present it by hand.
            assertThat(new Browser()
                            .get(app.uri("/info"), "Cookie", "APPSID=" + id)
                            .body())
                    .startsWith("new=false;maxInactive=2700;");
        }
    }

    @Test
    @DisplayName(
            "16.2.2 explicit sessionkit.servlet.* and sessionkit.max-idle settings win over the container's; what they leave unset still comes from the container")
    void item16_2_2_explicitSettingsWin() {
        Map<String, String> params = Map.of(
                "sessionkit.store", "local",
                "sessionkit.servlet.cookie-name", "MINE",
                "sessionkit.servlet.cookie-same-site", "Lax",
                "sessionkit.servlet.cookie-secure", "false",
                "sessionkit.max-idle", "10m");
        try (WebServer app = container()
                .start(new WebServer.Deployment(
                        null,
                        SessionFilter.class,
                        params,
                        Map.of(),
                        new TestApp(),
                        new WebServer.Setup(List.of(), containerSessionConfig(45), true, null)))) {
            HttpResponse<String> r = newSessionInfo(browser, app, 600);
            assertOneCookie(
                    setCookies(r, "MINE"),
                    "MINE=[A-Za-z0-9_-]{32}; Path=/; Domain=example.test; Max-Age=3600; Expires=" + DATE
                            + "; HttpOnly; SameSite=Lax");
        }
    }

    @Test
    @DisplayName(
            "16.2.2 a container that sets nothing (Jetty reports JSESSIONID and timeout 0, Tomcat null and 30), or sets the name JSESSIONID: SESSION and SessionKit's defaults")
    void item16_2_2_unsetContainerSettingsKeepTheDefaults() {
        java.util.function.Consumer<jakarta.servlet.ServletContext> containerName =
                ctx -> ctx.getSessionCookieConfig().setName("JSESSIONID");
        for (java.util.function.Consumer<jakarta.servlet.ServletContext> setup :
                java.util.Arrays.asList(null, containerName)) {
            try (WebServer app =
                    startWithContainerConfig(new SessionFilter(manager, SessionFilterConfig.defaults()), setup)) {
                HttpResponse<String> r = newSessionInfo(new Browser(), app, 1800);
                assertOneCookie(
                        r.headers().allValues("Set-Cookie"),
                        "SESSION=[A-Za-z0-9_-]{32}; Path=/app; HttpOnly; SameSite=Lax");
            }
        }
    }

    @Test
    @DisplayName(
            "16.2.2 container-defaults off, or a manager with its own idle timeout: the container's settings are not used")
    void item16_2_2_containerDefaultsOffAndOwnIdleTimeout() {
        SessionFilterConfig off =
                SessionFilterConfig.builder().containerDefaults(false).build();
        try (WebServer app = startWithContainerConfig(new SessionFilter(manager, off), containerSessionConfig(45))) {
            HttpResponse<String> r = newSessionInfo(browser, app, 1800);
            assertOneCookie(setCookies(r, COOKIE), "SESSION=[A-Za-z0-9_-]{32}; Path=/app; HttpOnly; SameSite=Lax");
        }
        SessionManager twentyMinutes = SessionManager.builder(store)
                .clock(clock)
                .expiryPolicy(io.sessionkit.ExpiryPolicy.of(Duration.ofMinutes(20), Duration.ofHours(12)))
                .build();
        try (WebServer app = startWithContainerConfig(
                new SessionFilter(twentyMinutes, SessionFilterConfig.defaults()), containerSessionConfig(45))) {
            assertThat(setCookies(newSessionInfo(new Browser(), app, 1200), "APPSID"))
                    .hasSize(1);
        }
    }

    @Test
    @DisplayName(
            "16.2.3 request.login(...) throws a ServletException that says to log in in the application; the session stays usable")
    void item16_2_3_requestLoginIsRefusedAtTheCall() {
        get("/set?name=a&value=1");
        HttpResponse<String> r = ok("/container-login");
        assertThat(r.body())
                .startsWith(
                        "refused ServletException: HttpServletRequest.login is not supported behind the SessionKit filter")
                .contains("request.changeSessionId()");
        assertThat(get("/get?name=a").body()).isEqualTo("1");
    }

    @Test
    @DisplayName("16.2.3 a FORM <login-config> stops the filter's start with a message saying why; BASIC does not")
    void item16_2_3_formLoginRefusedAtStartup() {
        InitRecorder form = new InitRecorder(new SessionFilter(manager, SessionFilterConfig.defaults()));
        WebServer started = null;
        try {
            started = startOverContainerSessions(form, Map.of(), null, "FORM");
        } catch (IllegalStateException containerDidNotStart) {
            // Jetty fails its start when a filter does not initialise; Tomcat starts and marks the context unavailable
        }
        try {
            assertThat(form.failure)
                    .isInstanceOf(jakarta.servlet.ServletException.class)
                    .hasMessageContaining("could not start: the web app uses container-managed FORM login")
                    .hasMessageContaining("never in the SessionKit session");
            if (started != null) {
                HttpResponse<String> r = new Browser().get(started.uri("/set?name=a&value=1"));
                assertThat(r.statusCode()).isNotEqualTo(200);
                assertThat(setCookies(r, COOKIE)).isEmpty();
            }
        } finally {
            if (started != null) {
                started.close();
            }
        }

        InitRecorder basic = new InitRecorder(new SessionFilter(manager, SessionFilterConfig.defaults()));
        try (WebServer app = startOverContainerSessions(basic, Map.of(), null, "BASIC")) {
            assertThat(basic.failure).isNull();
            assertThat(browser.get(app.uri("/set?name=a&value=basic")).statusCode())
                    .isEqualTo(200);
            assertThat(browser.get(app.uri("/get?name=a")).body()).isEqualTo("basic");
        }
    }

    // ---- 19.3: switching in without logging anyone out (container adoption, importers) ----

    /** Passes requests by ({@code sticky}: the container's own sessions) until switched to the SessionKit filter. */
    static final class SwitchableFilter extends ForwardingFilter {
        volatile boolean sticky = true;

        SwitchableFilter(SessionFilter delegate) {
            super(delegate);
        }

        @Override
        public void doFilter(
                jakarta.servlet.ServletRequest req,
                jakarta.servlet.ServletResponse res,
                jakarta.servlet.FilterChain chain)
                throws java.io.IOException, jakarta.servlet.ServletException {
            if (sticky) {
                chain.doFilter(req, res);
            } else {
                super.doFilter(req, res, chain);
            }
        }
    }

    /** Counts {@link io.sessionkit.SessionObserver#importSkipped} by source; called inline. */
    static final class SkipCounter implements io.sessionkit.SessionObserver {
        final Map<String, Integer> skipped = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void importSkipped(String source) {
            skipped.merge(source, 1, Integer::sum);
        }
    }

    /** An importer over a fixed map of legacy values, recording what it was asked and told. */
    static final class MapImporter implements SessionImporter {
        final Map<String, ImportedSession> legacy = new java.util.concurrent.ConcurrentHashMap<>();
        final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile @Nullable Runnable onImported;

        @Override
        public java.util.Optional<ImportedSession> find(
                jakarta.servlet.http.HttpServletRequest request, String unrecognisedCookieValue) {
            asked.add(unrecognisedCookieValue);
            return java.util.Optional.ofNullable(legacy.get(unrecognisedCookieValue));
        }

        @Override
        public void imported(jakarta.servlet.http.HttpServletRequest request, ImportedSession session) {
            Runnable r = onImported;
            if (r != null) {
                r.run();
            }
            told.add(session.source());
            legacy.values().remove(session);
        }
    }

    /**
     * {@code filter} with {@code initParams} in front of a {@link TestApp}, on the container's own sessions, with
     * {@code onStartup} and {@code loginMethod} as in {@link WebServer.Setup}.
     */
    private WebServer startOverContainerSessions(
            jakarta.servlet.Filter filter,
            Map<String, String> initParams,
            @Nullable Consumer<jakarta.servlet.ServletContext> onStartup,
            @Nullable String loginMethod) {
        return container()
                .start(new WebServer.Deployment(
                        filter,
                        null,
                        initParams,
                        Map.of(),
                        new TestApp(),
                        new WebServer.Setup(List.of(), onStartup, true, loginMethod)));
    }

    private WebServer startWithContainerSessions(jakarta.servlet.Filter filter) {
        return startOverContainerSessions(filter, Map.of(), null, null);
    }

    @Test
    @DisplayName("19.3.1 adoption: a container session's attributes are copied into a new SessionKit session, the "
            + "container session is invalidated, the cookie is set once, and later requests use the SessionKit session")
    void item19_3_1_containerSessionIsAdopted() throws Exception {
        java.util.concurrent.BlockingQueue<io.sessionkit.SessionEvent> events =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (SessionManager adopting = SessionManager.builder(store)
                .clock(clock)
                .sweepInterval(Duration.ZERO)
                .listener(events::add)
                .build()) {
            SwitchableFilter filter = new SwitchableFilter(new SessionFilter(
                    adopting,
                    SessionFilterConfig.builder().adoptContainerSessions(true).build()));
            try (WebServer app = startWithContainerSessions(filter)) {
                adoptAndCheck(filter, app, events);
            }
        }
    }

    private void adoptAndCheck(
            SwitchableFilter filter,
            WebServer app,
            java.util.concurrent.BlockingQueue<io.sessionkit.SessionEvent> events)
            throws InterruptedException {
        {
            assertThat(browser.get(app.uri("/set?name=cart&value=apple")).body())
                    .isEqualTo("ok");
            assertThat(browser.get(app.uri("/set?name=user&value=alice")).body())
                    .isEqualTo("ok");
            assertThat(browser.cookie("JSESSIONID"))
                    .as("sticky mode: the container's session")
                    .isPresent();
            assertThat(browser.cookie(COOKIE)).isEmpty();
            assertThat(store.creates()).isZero();

            filter.sticky = false;
            HttpResponse<String> adopted = browser.get(app.uri("/get?name=cart"));
            assertThat(adopted.body()).isEqualTo("apple");
            assertOneCookie(
                    setCookies(adopted, COOKIE), "SESSION=[A-Za-z0-9_-]{32}; Path=/app; HttpOnly; SameSite=Lax");
            assertThat(store.creates()).as("the copy is stored once").isEqualTo(1);
            String id = sessionCookie();
            assertThat(store.delegate().load(SessionId.parse(id).orElseThrow().key()))
                    .isPresent();

            HttpResponse<String> later = browser.get(app.uri("/names"));
            assertThat(later.body()).isEqualTo("cart,user");
            assertThat(later.headers().allValues("Set-Cookie"))
                    .as("the cookie is set once")
                    .isEmpty();
            assertThat(browser.get(app.uri("/set?name=cart&value=pear")).body()).isEqualTo("ok");
            assertThat(store.creates()).as("no second adoption").isEqualTo(1);
            assertThat(browser.get(app.uri("/get?name=cart")).body()).isEqualTo("pear");

            filter.sticky = true;
            assertThat(browser.get(app.uri("/get?name=cart")).body())
                    .as("the container session was invalidated")
                    .isEqualTo("no-session");
            filter.sticky = false;
            assertThat(browser.get(app.uri("/get?name=user")).body()).isEqualTo("alice");

            List<io.sessionkit.SessionEvent.Type> types = new ArrayList<>();
            io.sessionkit.SessionEvent imported = null;
            while (imported == null) {
                io.sessionkit.SessionEvent e = events.poll(20, TimeUnit.SECONDS);
                assertThat(e)
                        .as("an IMPORTED event within 20 s, after " + types)
                        .isNotNull();
                types.add(e.type());
                if (e.type() == io.sessionkit.SessionEvent.Type.IMPORTED) {
                    imported = e;
                }
            }
            assertThat(types)
                    .containsExactly(io.sessionkit.SessionEvent.Type.CREATED, io.sessionkit.SessionEvent.Type.IMPORTED);
            assertThat(imported.source()).isEqualTo("container");
            assertThat(imported.key())
                    .isEqualTo(SessionId.parse(id).orElseThrow().key());
        }
    }

    @Test
    @DisplayName(
            "19.3.2 a value the codec cannot encode is skipped at adoption: the others are copied, a WARNING names "
                    + "the attribute (never the value), the skip is counted, and the request is served")
    void item19_3_2_unencodableValuesAreSkippedAndReported() {
        SkipCounter skips = new SkipCounter();
        try (LogCapture apiLog = LogCapture.of("io.sessionkit");
                SessionManager adopting = SessionManager.builder(store)
                        .clock(clock)
                        .sweepInterval(Duration.ZERO)
                        .observer(skips)
                        .build()) {
            SwitchableFilter filter = new SwitchableFilter(new SessionFilter(
                    adopting,
                    SessionFilterConfig.builder().adoptContainerSessions(true).build()));
            try (WebServer app = startWithContainerSessions(filter)) {
                assertThat(browser.get(app.uri("/set?name=cart&value=apple")).body())
                        .isEqualTo("ok");
                assertThat(browser.get(app.uri("/set-unstorable?name=socket")).body())
                        .as("the container keeps any object")
                        .isEqualTo("stored");

                filter.sticky = false;
                HttpResponse<String> adopted = browser.get(app.uri("/names"));
                assertThat(adopted.statusCode()).isEqualTo(200);
                assertThat(adopted.body()).isEqualTo("cart");
                assertThat(setCookies(adopted, COOKIE)).hasSize(1);
                assertThat(skips.skipped).isEqualTo(Map.of("container", 1));
                assertThat(apiLog.warnings())
                        .filteredOn(w -> w.contains("skipped"))
                        .singleElement()
                        .asString()
                        .contains("'socket'", "container")
                        .doesNotContain("java.lang.Object@");
                assertThat(browser.get(app.uri("/get?name=cart")).body()).isEqualTo("apple");
            }
        }
    }

    @Test
    @DisplayName("19.3.3 an importer that finds nothing: asked once with the cookie value, and the request gets a "
            + "normal new session; the legacy value never reaches the store")
    void item19_3_3_importerReturningEmptyGivesANormalSession() {
        MapImporter importer = new MapImporter();
        try (WebServer app =
                started(SessionFilterConfig.builder().importer(importer).build())) {
            Browser client = new Browser();
            assertThat(client.get(app.uri("/get?name=a"), "Cookie", COOKIE + "=legacy-unknown")
                            .body())
                    .isEqualTo("no-session");
            HttpResponse<String> r = client.get(app.uri("/set?name=a&value=1"), "Cookie", COOKIE + "=legacy-unknown");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(importer.asked).containsExactly("legacy-unknown", "legacy-unknown");
            assertThat(importer.told).isEmpty();
            String fresh = setCookies(r, COOKIE).get(0).substring(COOKIE.length() + 1, COOKIE.length() + 33);
            assertThat(store.loads()).as("the legacy value is never looked up").isZero();
            assertThat(store.keysSeen())
                    .containsExactly(SessionId.parse(fresh).orElseThrow().key());
            assertThat(client.get(app.uri("/get?name=a"), "Cookie", COOKIE + "=" + fresh)
                            .body())
                    .isEqualTo("1");
            assertThat(importer.asked).as("a SessionKit id is never offered").hasSize(2);
        }
    }

    @Test
    @DisplayName("19.3.4 an importer that throws: logged at WARNING without the cookie value, and the request is "
            + "served without an import (no 500)")
    void item19_3_4_throwingImporterIsLoggedAndSkipped() {
        SessionImporter broken = (request, value) -> {
            throw new IllegalStateException("legacy store down");
        };
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet");
                WebServer app =
                        started(SessionFilterConfig.builder().importer(broken).build())) {
            HttpResponse<String> r =
                    browser.get(app.uri("/set?name=a&value=1"), "Cookie", COOKIE + "=legacy-secret-value");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(setCookies(r, COOKIE)).hasSize(1);
            assertThat(store.creates()).isEqualTo(1);
            assertThat(warnings.warnings())
                    .filteredOn(w -> w.contains("session importer"))
                    .singleElement()
                    .asString()
                    .contains("legacy store down", "goes on without importing")
                    .doesNotContain("legacy-secret-value");
        }
    }

    @Test
    @DisplayName("19.3.5 an importer's session: a fresh id (never the legacy value, which never reaches the store), "
            + "attributes and principal copied, stored before imported() is told, the cookie set once, and later "
            + "requests use the SessionKit session")
    void item19_3_5_importedSessionGetsAFreshId() {
        MapImporter importer = new MapImporter();
        importer.legacy.put(
                "legacy-42",
                new ImportedSession("test-legacy", Map.of("cart", List.of("apple"), "user", "bob"), "bob"));
        List<Integer> createsWhenTold = new java.util.concurrent.CopyOnWriteArrayList<>();
        importer.onImported = () -> createsWhenTold.add(store.creates());
        try (WebServer app =
                started(SessionFilterConfig.builder().importer(importer).build())) {
            Browser client = new Browser();
            HttpResponse<String> first = client.get(app.uri("/get?name=cart"), "Cookie", COOKIE + "=legacy-42");
            assertThat(first.body()).isEqualTo("[apple]");
            assertOneCookie(setCookies(first, COOKIE), "SESSION=[A-Za-z0-9_-]{32}; Path=/app; HttpOnly; SameSite=Lax");
            String fresh = setCookies(first, COOKIE).get(0).substring(COOKIE.length() + 1, COOKIE.length() + 33);
            assertThat(fresh).isNotEqualTo("legacy-42");
            assertThat(importer.told).containsExactly("test-legacy");
            assertThat(createsWhenTold)
                    .as("stored before imported() was called")
                    .containsExactly(1);
            io.sessionkit.SessionKey key = SessionId.parse(fresh).orElseThrow().key();
            assertThat(store.keysSeen())
                    .as("only the new key reached the store")
                    .containsOnly(key);
            assertThat(store.delegate().load(key).orElseThrow().principal()).isEqualTo("bob");

            HttpResponse<String> later = client.get(app.uri("/get?name=user"), "Cookie", COOKIE + "=" + fresh);
            assertThat(later.body()).isEqualTo("bob");
            assertThat(later.headers().allValues("Set-Cookie")).isEmpty();
            assertThat(importer.asked).containsExactly("legacy-42");
            assertThat(new Browser()
                            .get(app.uri("/get?name=cart"), "Cookie", COOKIE + "=legacy-42")
                            .body())
                    .as("the legacy record was deleted by imported(): presenting it again finds nothing")
                    .isEqualTo("no-session");
        }
    }

    @Test
    @DisplayName("19.3.6 changeover over two nodes: a session made on node A in sticky mode (container sessions); then "
            + "both nodes run SessionKit with adoption on: the next request on A keeps the state, the one after on B "
            + "sees it, and nobody is logged out")
    void item19_3_6_twoNodeChangeover() {
        String prefix = "sk-servlet-changeover-"
                + java.util.UUID.randomUUID().toString().substring(0, 8) + ":";
        SessionFilterConfig adopt =
                SessionFilterConfig.builder().adoptContainerSessions(true).build();
        try (io.sessionkit.SessionStore storeA = redisStore(prefix);
                io.sessionkit.SessionStore storeB = redisStore(prefix);
                SessionManager managerA = SessionManager.builder(storeA)
                        .clock(clock)
                        .sweepInterval(Duration.ZERO)
                        .build();
                SessionManager managerB = SessionManager.builder(storeB)
                        .clock(clock)
                        .sweepInterval(Duration.ZERO)
                        .build()) {
            SwitchableFilter filterA = new SwitchableFilter(new SessionFilter(managerA, adopt));
            try (WebServer nodeA = startWithContainerSessions(filterA);
                    WebServer nodeB = startWithContainerSessions(new SessionFilter(managerB, adopt))) {
                Browser alice = new Browser();
                assertThat(alice.get(nodeA.uri("/set?name=user&value=alice")).body())
                        .isEqualTo("ok");
                assertThat(alice.get(nodeA.uri("/cart-add?item=apple")).statusCode())
                        .isEqualTo(200);
                assertThat(alice.cookie("JSESSIONID")).isPresent();

                filterA.sticky = false; // the deployment switches on SessionKit; the balancer is still sticky
                assertThat(alice.get(nodeA.uri("/get?name=user")).body()).isEqualTo("alice");
                String id = alice.cookie(COOKIE).orElseThrow();
                assertThat(alice.get(nodeB.uri("/get?name=user")).body()).isEqualTo("alice");
                assertThat(alice.get(nodeB.uri("/get?name=cart")).body()).isEqualTo("[apple]");
                assertThat(alice.cookie(COOKIE)).contains(id);
                assertThat(alice.get(nodeB.uri("/cart-add?item=pear")).statusCode())
                        .isEqualTo(200);
                assertThat(alice.get(nodeA.uri("/get?name=cart")).body()).isEqualTo("[apple, pear]");
                assertThat(alice.cookie(COOKIE)).as("one session throughout").contains(id);
            }
        } finally {
            try (redis.clients.jedis.Jedis raw =
                    new redis.clients.jedis.Jedis(io.sessionkit.testing.TestServers.redisUri(), 5_000)) {
                java.util.Set<String> left = raw.keys(prefix + "*");
                if (!left.isEmpty()) {
                    raw.unlink(left.toArray(String[]::new));
                }
            }
        }
    }

    @Test
    @DisplayName("19.3.7 an importer that answers alreadyImported (a concurrent request imported the same legacy "
            + "session): the request joins that live session and gets its cookie; nothing is created and imported() "
            + "is not told; an id naming no live session gives no session")
    void item19_3_7_alreadyImportedJoinsThatSession() {
        MapImporter importer = new MapImporter();
        try (WebServer app =
                started(SessionFilterConfig.builder().importer(importer).build())) {
            Browser first = new Browser();
            assertThat(first.get(app.uri("/set?name=user&value=bob")).statusCode())
                    .isEqualTo(200);
            String live = first.cookie(COOKIE).orElseThrow();
            importer.legacy.put("legacy-7", ImportedSession.alreadyImported("test-legacy", live));
            importer.legacy.put(
                    "legacy-8",
                    ImportedSession.alreadyImported(
                            "test-legacy", SessionId.generate().value()));
            int creates = store.creates();

            HttpResponse<String> joined = new Browser().get(app.uri("/get?name=user"), "Cookie", COOKIE + "=legacy-7");
            assertThat(joined.body()).isEqualTo("bob");
            assertThat(setCookies(joined, COOKIE))
                    .singleElement()
                    .satisfies(c -> assertThat(c).startsWith(COOKIE + "=" + live + ";"));
            HttpResponse<String> gone = new Browser().get(app.uri("/get?name=user"), "Cookie", COOKIE + "=legacy-8");
            assertThat(gone.body()).isEqualTo("no-session");
            assertThat(setCookies(gone, COOKIE)).isEmpty();
            assertThat(store.creates()).as("no session created").isEqualTo(creates);
            assertThat(importer.told).as("imported() is not told of a join").isEmpty();
            assertThat(importer.asked).containsExactly("legacy-7", "legacy-8");
        }
    }

    private io.sessionkit.SessionStore redisStore(String keyPrefix) {
        return io.sessionkit.redis.RedisSessionStore.builder()
                .uri(io.sessionkit.testing.TestServers.redisUri())
                .keyPrefix(keyPrefix)
                .clock(clock)
                .build();
    }

    // ---- 22.4: hardened cookies (__Host- and __Secure- prefixes, Partitioned, several session cookies) ----

    private static final String ID = "[A-Za-z0-9_-]{32}";

    /** The id in the one Set-Cookie of {@code name} that {@code r} carries. */
    private static String cookieId(HttpResponse<?> r, String name) {
        List<String> set = setCookies(r, name);
        assertThat(set).hasSize(1);
        return set.get(0).substring(name.length() + 1, name.length() + 1 + 32);
    }

    /** A new session of its own client holding {@code user=value}; its id. */
    private String liveSession(String value) {
        return cookieId(new Browser().get(server.uri("/set?name=user&value=" + value)), COOKIE);
    }

    private static String shortKey(String id) {
        return SessionId.parse(id).orElseThrow().key().shortForm();
    }

    /** Starts {@code filter} with init-params and the container's own sessions; it must fail to start. */
    private Throwable refusedAtStart(
            InitRecorder filter,
            Map<String, String> initParams,
            @Nullable Consumer<jakarta.servlet.ServletContext> onStartup) {
        WebServer started = null;
        try {
            started = startOverContainerSessions(filter, initParams, onStartup, null);
        } catch (IllegalStateException containerDidNotStart) {
            // Jetty fails its start when a filter does not initialise; Tomcat starts and marks the context unavailable
        }
        try {
            assertThat(filter.failure).as("the filter's start failure").isNotNull();
            if (started != null) {
                HttpResponse<String> r = new Browser().get(started.uri("/set?name=a&value=1"));
                assertThat(r.statusCode()).isNotEqualTo(200);
                assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
            }
            return Objects.requireNonNull(filter.failure);
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    @DisplayName(
            "22.4.1 a __Host- cookie is exactly Secure, Path=/ and without Domain on the wire, also on plain HTTP and "
                    + "in a non-root context; a __Secure- cookie is Secure; both are read back")
    void item22_4_1_hostPrefixedCookieOnTheWire() {
        SessionFilterConfig host =
                SessionFilterConfig.builder().cookieName("__Host-SESSION").build();
        try (WebServer app = started(host)) {
            HttpResponse<String> r = browser.get(app.uri("/set?name=a&value=host"));
            assertOneCookie(
                    setCookies(r, "__Host-SESSION"),
                    "__Host-SESSION=" + ID + "; Path=/; Secure; HttpOnly; SameSite=Lax");
            String id = cookieId(r, "__Host-SESSION");
            // The jar does not send a Secure cookie over plain HTTP: present it by hand, as a browser on HTTPS would.
            assertThat(new Browser()
                            .get(app.uri("/get?name=a"), "Cookie", "__Host-SESSION=" + id)
                            .body())
                    .isEqualTo("host");
        }
        // The same from web.xml-style init-params, and with the container's SessionCookieConfig naming the cookie
        // (Jetty reports the context path as its path: not taken, a __Host- cookie is always Path=/).
        Map<String, String> params =
                Map.of("sessionkit.store", "local", "sessionkit.servlet.cookie-name", "__Secure-SID");
        try (WebServer webXml = container().start(null, SessionFilter.class, params, new TestApp())) {
            assertOneCookie(
                    setCookies(browser.get(webXml.uri("/set?name=a&value=1")), "__Secure-SID"),
                    "__Secure-SID=" + ID + "; Path=/app; Secure; HttpOnly; SameSite=Lax");
        }
        try (WebServer app = startWithContainerConfig(
                new SessionFilter(manager, SessionFilterConfig.defaults()),
                ctx -> ctx.getSessionCookieConfig().setName("__Host-APPSID"))) {
            assertOneCookie(
                    setCookies(browser.get(app.uri("/set?name=a&value=1")), "__Host-APPSID"),
                    "__Host-APPSID=" + ID + "; Path=/; Secure; HttpOnly; SameSite=Lax");
        }
    }

    @Test
    @DisplayName("22.4.2 settings that contradict __Host- (Domain, a Path other than /, Secure off) stop the filter's "
            + "start with one message naming every key, or the container's setting")
    void item22_4_2_contradictingHostPrefixConfigIsRefused() {
        Throwable keys = refusedAtStart(
                new InitRecorder(new SessionFilter()),
                Map.of(
                        "sessionkit.store", "local",
                        "sessionkit.servlet.cookie-name", "__Host-SESSION",
                        "sessionkit.servlet.cookie-domain", "example.test",
                        "sessionkit.servlet.cookie-path", "/app",
                        "sessionkit.servlet.cookie-secure", "false"),
                null);
        assertThat(keys)
                .isInstanceOf(jakarta.servlet.ServletException.class)
                .hasMessageContaining("could not start: cookie name '__Host-SESSION' (sessionkit.servlet.cookie-name) "
                        + "has the __Host- prefix, which requires Secure, Path=/ and no Domain: "
                        + "sessionkit.servlet.cookie-domain must be unset, was 'example.test', "
                        + "sessionkit.servlet.cookie-path must be / or unset, was '/app', "
                        + "sessionkit.servlet.cookie-secure must be true or auto, was false");
        Throwable container = refusedAtStart(
                new InitRecorder(new SessionFilter(manager, SessionFilterConfig.defaults())), Map.of(), ctx -> {
                    ctx.getSessionCookieConfig().setName("__Host-APPSID");
                    ctx.getSessionCookieConfig().setDomain("example.test");
                });
        assertThat(container)
                .hasMessageContaining("the container's SessionCookieConfig domain must be unset, was 'example.test'");
        Throwable partitioned = refusedAtStart(
                new InitRecorder(new SessionFilter()),
                Map.of(
                        "sessionkit.store", "local",
                        "sessionkit.servlet.cookie-partitioned", "true",
                        "sessionkit.servlet.cookie-secure", "false"),
                null);
        assertThat(partitioned)
                .hasMessageContaining("sessionkit.servlet.cookie-partitioned=true requires Secure: "
                        + "sessionkit.servlet.cookie-secure must be true or auto, was false");
    }

    @Test
    @DisplayName(
            "22.4.3 Partitioned is on the wire (with Secure), set by key or by the container's SessionCookieConfig")
    void item22_4_3_partitionedOnTheWire() {
        SessionFilterConfig config = SessionFilterConfig.builder()
                .cookieName("__Host-SESSION")
                .cookieSameSite("None")
                .cookiePartitioned(true)
                .build();
        try (WebServer app = started(config)) {
            assertOneCookie(
                    setCookies(browser.get(app.uri("/set?name=a&value=1")), "__Host-SESSION"),
                    "__Host-SESSION=" + ID + "; Path=/; Secure; HttpOnly; SameSite=None; Partitioned");
        }
        try (WebServer app = startWithContainerConfig(
                new SessionFilter(manager, SessionFilterConfig.defaults()),
                ctx -> ctx.getSessionCookieConfig().setAttribute("Partitioned", "true"))) {
            assertOneCookie(
                    setCookies(browser.get(app.uri("/set?name=a&value=1")), COOKIE),
                    "SESSION=" + ID + "; Path=/app; Secure; HttpOnly; SameSite=Lax; Partitioned");
        }
    }

    @Test
    @DisplayName(
            "22.4.4 cookie tossing: two session cookies naming two live sessions (in either order) give no session, "
                    + "no Set-Cookie, one WARNING with short keys only; a new session gets a fresh id and both stay untouched")
    void item22_4_4_twoLiveSessionCookiesAreBothRefused() {
        String victim = liveSession("victim");
        String attacker = liveSession("attacker");
        for (String header : List.of(
                COOKIE + "=" + attacker + "; " + COOKIE + "=" + victim,
                COOKIE + "=" + victim + "; " + COOKIE + "=" + attacker)) {
            store.reset();
            try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet")) {
                HttpResponse<String> r = new Browser().get(server.uri("/get?name=user"), "Cookie", header);
                assertThat(r.body()).as(header).isEqualTo("no-session");
                assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
                assertThat(store.loads()).isEqualTo(2);
                assertThat(store.writes()).isZero();
                assertThat(warnings.warnings())
                        .singleElement()
                        .asString()
                        .contains("naming 2 live sessions", shortKey(victim), shortKey(attacker), "__Host-")
                        .doesNotContain(victim, attacker);
            }
        }
        HttpResponse<String> fresh = new Browser()
                .get(
                        server.uri("/set?name=user&value=fresh"),
                        "Cookie",
                        COOKIE + "=" + attacker + "; " + COOKIE + "=" + victim);
        String freshId = cookieId(fresh, COOKIE);
        assertThat(freshId).isNotIn(victim, attacker);
        assertThat(new Browser()
                        .get(server.uri("/get?name=user"), "Cookie", COOKIE + "=" + freshId)
                        .body())
                .isEqualTo("fresh");
        assertThat(new Browser()
                        .get(server.uri("/get?name=user"), "Cookie", COOKIE + "=" + victim)
                        .body())
                .isEqualTo("victim");
        assertThat(new Browser()
                        .get(server.uri("/get?name=user"), "Cookie", COOKIE + "=" + attacker)
                        .body())
                .isEqualTo("attacker");
    }

    @Test
    @DisplayName(
            "22.4.5 one stale cookie plus one live one (in either order) keep the live session, with no Set-Cookie "
                    + "and no WARNING; more than 3 distinct ids give no session and reach no store")
    void item22_4_5_staleAndLiveCookieKeepTheSession() {
        get("/set?name=cart&value=apple");
        String stale = sessionCookie();
        browser.post(server.uri("/login?user=alice"));
        String live = sessionCookie();
        assertThat(live).isNotEqualTo(stale);
        for (String header : List.of(
                COOKIE + "=" + stale + "; " + COOKIE + "=" + live, COOKIE + "=" + live + "; " + COOKIE + "=" + stale)) {
            try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet")) {
                HttpResponse<String> r = new Browser().get(server.uri("/get?name=user"), "Cookie", header);
                assertThat(r.body()).as(header).isEqualTo("alice");
                assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
                assertThat(warnings.warnings()).isEmpty();
            }
        }
        store.reset();
        String many = Stream.of(
                        stale,
                        SessionId.generate().value(),
                        SessionId.generate().value(),
                        live)
                .map(id -> COOKIE + "=" + id)
                .collect(Collectors.joining("; "));
        try (LogCapture warnings = LogCapture.of("io.sessionkit.servlet")) {
            HttpResponse<String> r = new Browser().get(server.uri("/get?name=user"), "Cookie", many);
            assertThat(r.body()).isEqualTo("no-session");
            assertThat(r.headers().allValues("Set-Cookie")).isEmpty();
            assertThat(store.loads()).isZero();
            assertThat(warnings.warnings()).singleElement().asString().contains("more than 3 session cookies");
        }
    }

    /** Hands every call to the {@link SessionFilter} it wraps; a subclass changes how the filter starts. */
    abstract static class ForwardingFilter implements jakarta.servlet.Filter {
        final SessionFilter delegate;

        ForwardingFilter(SessionFilter delegate) {
            this.delegate = delegate;
        }

        @Override
        public void init(jakarta.servlet.FilterConfig config) throws jakarta.servlet.ServletException {
            delegate.init(config);
        }

        @Override
        public void doFilter(
                jakarta.servlet.ServletRequest req,
                jakarta.servlet.ServletResponse res,
                jakarta.servlet.FilterChain chain)
                throws java.io.IOException, jakarta.servlet.ServletException {
            delegate.doFilter(req, res, chain);
        }

        @Override
        public void destroy() {
            delegate.destroy();
        }
    }

    /** Remembers why the filter it wraps failed to initialise. */
    static final class InitRecorder extends ForwardingFilter {
        volatile @Nullable Throwable failure;

        InitRecorder(SessionFilter delegate) {
            super(delegate);
        }

        @Override
        public void init(jakarta.servlet.FilterConfig config) throws jakarta.servlet.ServletException {
            try {
                super.init(config);
            } catch (jakarta.servlet.ServletException | RuntimeException e) {
                failure = e;
                throw e;
            }
        }
    }

    /**
     * Starts the filter it wraps with a servlet context of a class SessionKit does not know, delegating to the real
     * one (and hiding Tomcat's resources attribute), as on a container whose listener registry it cannot read.
     */
    static final class UnknownContainerFilter extends ForwardingFilter {
        UnknownContainerFilter(SessionFilter delegate) {
            super(delegate);
        }

        @Override
        public void init(jakarta.servlet.FilterConfig config) throws jakarta.servlet.ServletException {
            jakarta.servlet.ServletContext real = config.getServletContext();
            jakarta.servlet.ServletContext unknown =
                    (jakarta.servlet.ServletContext) java.lang.reflect.Proxy.newProxyInstance(
                            SessionFilterContractTest.class.getClassLoader(),
                            new Class<?>[] {jakarta.servlet.ServletContext.class},
                            (proxy, method, args) -> {
                                if (method.getName().equals("getAttribute")
                                        && ContainerProbe.TOMCAT_RESOURCES_ATTRIBUTE.equals(args[0])) {
                                    return null;
                                }
                                try {
                                    return method.invoke(real, args);
                                } catch (java.lang.reflect.InvocationTargetException e) {
                                    throw e.getCause();
                                }
                            });
            delegate.init(new jakarta.servlet.FilterConfig() {
                @Override
                public String getFilterName() {
                    return config.getFilterName();
                }

                @Override
                public jakarta.servlet.ServletContext getServletContext() {
                    return unknown;
                }

                @Override
                public String getInitParameter(String name) {
                    return config.getInitParameter(name);
                }

                @Override
                public java.util.Enumeration<String> getInitParameterNames() {
                    return config.getInitParameterNames();
                }
            });
        }
    }
}
