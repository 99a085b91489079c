package io.sessionkit.servlet;

import static io.sessionkit.servlet.Browser.setCookies;
import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.caffeine.CaffeineSessionStore;
import io.sessionkit.tck.MutableClock;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The filter's behaviour over real HTTP in a real container. Subclasses name the container; every test runs the same
 * against each. One container and one store per class; each test uses a fresh client (cookie jar) and fresh sessions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionFilterContractTest {
    static final String COOKIE = SessionFilterConfig.DEFAULT_COOKIE_NAME;
    static final String HEADER = SessionFilterConfig.DEFAULT_HEADER_NAME;

    MutableClock clock;
    RecordingSessionStore store;
    SessionManager manager;
    WebServer server;
    Browser browser;

    /** Starts the container under test. */
    protected abstract WebServer.Factory container();

    @BeforeAll
    void startContainer() {
        clock = MutableClock.startingNow();
        store = new RecordingSessionStore(CaffeineSessionStore.builder().clock(clock).build());
        manager = SessionManager.builder(store).clock(clock).build();
        server = container().start(new SessionFilter(manager, SessionFilterConfig.defaults()), new TestApp());
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

    @Test
    @DisplayName("the cookie is SESSION=<32-char id>; Path=context; HttpOnly; SameSite=Lax; no Domain, Secure or Max-Age on plain HTTP")
    void defaultCookieAttributes() {
        HttpResponse<String> r = get("/set?name=a&value=1");
        assertThat(r.statusCode()).isEqualTo(200);
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
        assertThat(setCookies(r, COOKIE)).singleElement().asString()
                .matches("SESSION=[A-Za-z0-9_-]{32}; Path=/app; Secure; HttpOnly; SameSite=Lax");
    }

    @Test
    @DisplayName("configured cookie: name, Secure, SameSite, Domain, Path and a persistent Max-Age")
    void configuredCookieAttributes() {
        SessionFilterConfig config = SessionFilterConfig.builder().cookieName("SID").cookieSecure(true)
                .cookieSameSite("strict").cookieDomain("example.test").cookiePath("/").cookieMaxAge(Duration.ofHours(1)).build();
        try (WebServer other = container().start(new SessionFilter(manager, config), new TestApp())) {
            HttpResponse<String> r = browser.get(other.uri("/set?name=a&value=1"));
            List<String> cookies = setCookies(r, "SID");
            assertThat(cookies).hasSize(1);
            assertThat(cookies.get(0)).matches("SID=[A-Za-z0-9_-]{32}; Path=/; Domain=example.test; Max-Age=3600; "
                    + "Expires=[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT; Secure; HttpOnly; SameSite=Strict");
        }
    }

    @Test
    @DisplayName("lazy: a request that does not ask for a session, or asks without create, makes none and calls no store")
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
    @DisplayName("a new session costs one store call; a read-only request inside the touch interval writes nothing; after it, one touch")
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
        assertThat(store.delegate().load(SessionId.parse(before).orElseThrow().key())).isEmpty();

        Browser attacker = new Browser();
        HttpResponse<String> replay = attacker.get(server.uri("/get?name=user"), "Cookie", COOKIE + "=" + before);
        assertThat(replay.body()).isEqualTo("no-session");
        assertThat(setCookies(replay, COOKIE)).as("the dead id is cleared").singleElement().asString()
                .startsWith(COOKIE + "=;").contains("Max-Age=0");
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
        assertThat(browser.get(server.base().resolve(again.headers().firstValue("Location").orElseThrow())).body()).isEqualTo("second");
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
                assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("committed done");
            }
        } finally {
            TestApp.streamGate.countDown();
        }
    }

    @Test
    @DisplayName("a body larger than the response buffer (writer and output stream): cookie sent and session saved")
    void largeBodies() {
        HttpResponse<String> big = get("/big?name=a&value=writer");
        assertThat(big.statusCode()).isEqualTo(200);
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
        String expected = IntStream.range(0, 20).mapToObj(i -> "a" + i).collect(Collectors.toCollection(java.util.TreeSet::new))
                .stream().collect(Collectors.joining(",")) + ",start";
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
        assertThat(setCookies(r, COOKIE)).singleElement().asString().contains("Max-Age=0").startsWith(COOKIE + "=;");
        assertThat(get("/get?name=a").body()).isEqualTo("no-session");
    }

    @Test
    @DisplayName("invalidate then a new session in one request (logout): one cookie with the new id; the old id is dead")
    void invalidateThenNewSession() {
        get("/set?name=user&value=alice");
        String old = sessionCookie();
        HttpResponse<String> r = get("/logout-and-restart");
        assertThat(setCookies(r, COOKIE)).singleElement().asString().startsWith(COOKIE + "=" + r.body() + ";");
        assertThat(sessionCookie()).isEqualTo(r.body()).isNotEqualTo(old);
        assertThat(get("/get?name=user").body()).isEqualTo("null");
        assertThat(get("/get?name=fresh").body()).isEqualTo("yes");
        assertThat(store.delegate().load(SessionId.parse(old).orElseThrow().key())).isEmpty();
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
            String fresh = Browser.setCookies(r, COOKIE).get(0).substring(COOKIE.length() + 1, COOKIE.length() + 1 + 32);
            assertThat(fresh).isNotEqualTo(bad);
            assertThat(store.keysSeen()).containsExactly(SessionId.parse(fresh).orElseThrow().key());
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
        assertThat(store.keysSeen()).first().isEqualTo(SessionId.parse(forged).orElseThrow().key());
        assertThat(store.keysSeen()).extracting(k -> k.value()).doesNotContain(forged);
        assertThat(store.delegate().load(SessionId.parse(forged).orElseThrow().key())).isEmpty();
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
        assertThat(get("/info").body()).startsWith("new=true;maxInactive=1800;").endsWith(";requestedValid=false;fromCookie=false");
        assertThat(get("/info?maxInactive=60").body()).startsWith("new=false;maxInactive=60;").endsWith(";requestedValid=true;fromCookie=true");
        assertThat(get("/info").body()).startsWith("new=false;maxInactive=60;");
    }

    @Test
    @DisplayName("store unavailable when the session is loaded: 503 with Retry-After")
    void storeUnavailableGives503() {
        get("/set?name=a&value=1");
        store.down(true);
        HttpResponse<String> r = get("/set?name=a&value=2");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        store.down(false);
        assertThat(get("/get?name=a").body()).isEqualTo("1");
    }

    @Test
    @DisplayName("store unavailable at save, before the response commits: 503, and the stored session is unchanged")
    void storeUnavailableAtSaveGives503() {
        get("/set?name=a&value=1");
        store.writesDown(true);
        HttpResponse<String> r = get("/set?name=a&value=2");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("5");
        store.writesDown(false);
        assertThat(get("/get?name=a").body()).isEqualTo("1");
    }

    @Test
    @DisplayName("opt-in Java serialization: Serializable objects round-trip, classes outside the allow-list are refused")
    void javaSerializationCodec() {
        SessionManager legacy = SessionManager.builder(store).clock(clock)
                .javaSerialization("io.sessionkit.servlet.TestApp$Cart").build();
        SessionManager strict = SessionManager.builder(store).clock(clock).javaSerialization("").build();
        try (WebServer allowed = container().start(new SessionFilter(legacy, SessionFilterConfig.defaults()), new TestApp());
             WebServer refusing = container().start(new SessionFilter(strict, SessionFilterConfig.defaults()), new TestApp())) {
            assertThat(browser.get(allowed.uri("/set-cart-object?name=cart&value=apple")).body()).isEqualTo("stored");
            assertThat(browser.get(allowed.uri("/get-cart-object?name=cart")).body()).isEqualTo("Cart[apple]");
            assertThat(browser.get(allowed.uri("/set-unstorable?name=x")).body()).isEqualTo("refused SessionCodecException");

            Browser other = new Browser();
            assertThat(other.get(refusing.uri("/set-cart-object?name=cart&value=apple")).body()).isEqualTo("refused SessionCodecException");
        }
    }

    @Test
    @DisplayName("web.xml style: a SessionManager in the servlet context attribute is used, and not closed by the filter")
    void managerFromContextAttribute() {
        store.reset();
        Map<String, Object> attributes = Map.of(SessionFilter.MANAGER_ATTRIBUTE, manager);
        try (WebServer webXml = container().start(null, SessionFilter.class, Map.of("sessionkit.servlet.cookie-name", "CTX"), attributes, new TestApp())) {
            HttpResponse<String> r = browser.get(webXml.uri("/set?name=a&value=shared"));
            assertThat(setCookies(r, "CTX")).hasSize(1);
            assertThat(store.creates()).isEqualTo(1);
        }
        // The shared manager (and its store) still serve after that container's filter was destroyed.
        assertThat(get("/set?name=b&value=still-open").statusCode()).isEqualTo(200);
        assertThat(get("/get?name=b").body()).isEqualTo("still-open");
    }

    @Test
    @DisplayName("web.xml style: no-argument filter configured by init-params opens its own manager")
    void configuredByInitParams() {
        Map<String, String> params = Map.of("sessionkit.store", "local", "sessionkit.servlet.cookie-name", "WEBXML",
                "sessionkit.servlet.cookie-same-site", "Strict");
        try (WebServer webXml = container().start(null, SessionFilter.class, params, new TestApp())) {
            HttpResponse<String> r = browser.get(webXml.uri("/set?name=a&value=from-web-xml"));
            assertThat(setCookies(r, "WEBXML")).singleElement().asString().endsWith("; HttpOnly; SameSite=Strict");
            assertThat(browser.get(webXml.uri("/get?name=a")).body()).isEqualTo("from-web-xml");
        }
    }
}
