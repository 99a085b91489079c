package io.sessionkit.demo;

import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionTooLargeException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The shop. It uses nothing but the standard {@link HttpSession} API for the cart, the login and the logout: the
 * {@code SessionFilter} in front of it makes that session live in the store. Two things go to the
 * {@link SessionManager} directly, because {@code HttpSession} has no words for them: the principal index ("log out
 * everywhere") and the stored metadata shown in the panel.
 *
 * <p>Sessions are created only when something needs one: the first "add to cart" and the login form. Browsing the
 * catalog, the empty cart or a 404 creates nothing, sets no cookie and writes nothing to the store.
 *
 * <p>Every change is a POST answered with a redirect (post/redirect/get), so the filter saves the session before the
 * browser follows the redirect. A POST to an existing session must carry that session's CSRF token (a new one is
 * issued at login). The one POST without a session yet, a visitor's first "add to cart", has no token to carry; it is
 * accepted only when its {@code Origin} header (or, without one, its {@code Referer}) names this very host and port,
 * and it then creates the session.
 */
final class ShopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String USER = "user";
    static final String CSRF = "csrf";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,40}");
    /** {@link #USER_NAME} in words, shown on the login form before anyone types and repeated when a name is refused. */
    static final String USER_NAME_RULE = "1 to 40 characters: letters A–Z and a–z, digits 0–9, and the marks . _ @ - "
            + "(no spaces, no accents, nothing else)";

    private static final int MAX_NOTE_CHARS = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient SessionManager manager;
    private final transient Instance instance;
    private final byte[] css;
    private final byte[] faviconSvg = Favicon.svg();
    private final byte[] faviconIco = Favicon.ico();

    ShopServlet(SessionManager manager, Instance instance) {
        this.manager = manager;
        this.instance = instance;
        try (InputStream in = ShopServlet.class.getResourceAsStream("style.css")) {
            this.css = in == null ? new byte[0] : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setCharacterEncoding("UTF-8");
        String path = req.getRequestURI().substring(req.getContextPath().length());
        // HEAD is GET without a body (Jetty drops the body), as HttpServlet would do it.
        String method = req.getMethod().equals("HEAD") ? "GET" : req.getMethod();
        String route = method + " " + path;
        switch (route) {
            case "GET /" -> products(req, resp);
            case "GET /cart" -> cart(req, resp);
            case "GET /login" -> loginForm(req, resp);
            case "GET /style.css" -> asset(resp, "text/css;charset=utf-8", css);
            case "GET " + Favicon.SVG_PATH -> asset(resp, "image/svg+xml", faviconSvg);
            case "GET /favicon.ico" -> asset(resp, "image/x-icon", faviconIco);
            case "GET /health" -> health(resp);
            case "POST /cart/add" -> add(req, resp);
            case "POST /cart/remove" -> withCheckedSession(req, resp, this::remove);
            case "POST /cart/clear" -> withCheckedSession(req, resp, this::clear);
            case "POST /login" -> withCheckedSession(req, resp, this::login);
            case "POST /logout" -> withCheckedSession(req, resp, this::logout);
            case "POST /logout-everywhere" -> withCheckedSession(req, resp, this::logoutEverywhere);
            default -> {
                if (path.equals("/") || path.startsWith("/cart") || path.startsWith("/log")) {
                    resp.setHeader("Allow", "GET, POST");
                    send(
                            resp,
                            HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                            Pages.problem(
                                    Pages.Chrome.bare(instance),
                                    "Method not allowed",
                                    req.getMethod() + " is not used here.",
                                    null));
                } else {
                    send(
                            resp,
                            HttpServletResponse.SC_NOT_FOUND,
                            Pages.problem(
                                    Pages.Chrome.bare(instance),
                                    "Not found",
                                    "There is no page at this address.",
                                    null));
                }
            }
        }
    }

    // ---- pages ----

    /** The catalog, for visitors with or without a session; it never creates one. */
    private void products(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = existingSession(req);
        send(resp, 200, Pages.products(chrome(req, s), flash(req, s)));
    }

    /** The cart; without a session it is simply empty, and no session is created to show that. */
    private void cart(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = existingSession(req);
        send(resp, 200, Pages.cart(chrome(req, s), s == null ? Cart.empty() : CartSession.of(s), flash(req, s)));
    }

    /** The login form creates the session: its CSRF token has to live somewhere, and login needs the session anyway. */
    private void loginForm(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = sessionWithToken(req);
        send(resp, 200, Pages.login(chrome(req, s), null));
    }

    /** Served without touching the session: a request that never asks for it costs the store nothing. */
    private static void asset(HttpServletResponse resp, String contentType, byte[] body) throws IOException {
        resp.setContentType(contentType);
        resp.setHeader("Cache-Control", "max-age=300");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** Liveness without the store: answers even while the store is down. */
    private void health(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().write("ok " + instance.name() + "\n");
    }

    // ---- actions ----

    private void add(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Catalog.Product> product = Catalog.find(req.getParameter("sku"));
        int qty = parseInt(req.getParameter("qty"), 1);
        String note =
                Optional.ofNullable(req.getParameter("note")).map(String::strip).orElse("");
        if (product.isEmpty() || qty < 1 || qty > 99 || note.length() > MAX_NOTE_CHARS) {
            // Refused before the session check: a refusal changes nothing, so it needs no token and creates no session.
            send(
                    resp,
                    HttpServletResponse.SC_BAD_REQUEST,
                    Pages.problem(
                            chrome(req, existingSession(req)),
                            "Cannot add that",
                            "Choose a product from the list and a quantity from 1 to 99.",
                            null));
            return;
        }
        Optional<HttpSession> checked = checkedSession(req, resp, true);
        if (checked.isEmpty()) {
            return;
        }
        HttpSession s = checked.get();
        CartAddition addition = new CartAddition(product.get(), qty, note);
        CartSession.update(s, addition);
        try {
            // The filter saves before the redirect commits: an oversize cart is refused here, before anything is
            // written.
            resp.sendRedirect(addition.location());
        } catch (SessionTooLargeException e) {
            CartSession.update(s, addition.undo());
            send(
                    resp,
                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    Pages.problem(
                            chrome(req, s),
                            "Your cart is too large",
                            "That would make your session larger than this store allows, so it was not saved. "
                                    + "Your cart is as it was before.",
                            "Encoded session size " + e.size() + " bytes, limit " + e.limit()
                                    + " bytes (sessionkit.max-session-size). SessionKit checks the size before every write and "
                                    + "never truncates."));
        }
    }

    /** A form post that changes an existing session, run only once {@link #checkedSession} accepted it. */
    @FunctionalInterface
    private interface SessionAction {
        void run(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException;
    }

    private void withCheckedSession(HttpServletRequest req, HttpServletResponse resp, SessionAction action)
            throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp, false);
        if (checked.isPresent()) {
            action.run(req, resp, checked.get());
        }
    }

    private void remove(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException {
        String sku = String.valueOf(req.getParameter("sku"));
        CartSession.update(s, cart -> cart.without(sku));
        resp.sendRedirect("/cart?m=removed");
    }

    private void clear(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException {
        CartSession.clear(s);
        resp.sendRedirect("/cart?m=cleared");
    }

    private void login(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException {
        String user =
                Optional.ofNullable(req.getParameter("user")).map(String::strip).orElse("");
        if (!USER_NAME.matcher(user).matches()) {
            send(
                    resp,
                    HttpServletResponse.SC_BAD_REQUEST,
                    Pages.login(chrome(req, s), "That name was not accepted. A name is " + USER_NAME_RULE + "."));
            return;
        }
        s.setAttribute(USER, user);
        // A new CSRF token as well as a new id: a token that was seen before login (in a page, a cache, a log) must not
        // work after it. Set before the rotation, so that the new id's first record already holds it.
        s.setAttribute(CSRF, newToken());
        // Against session fixation: the data moves to a fresh id and the old id is dead at once.
        String newId = req.changeSessionId();
        // HttpSession cannot name a principal, so the index that "log out everywhere" uses is set on the manager. The
        // filter's own save of this request then merges onto that version with compare-and-set.
        manager.update(newId, session -> session.setPrincipal(user));
        resp.sendRedirect("/?m=welcome");
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException {
        s.invalidate();
        resp.sendRedirect("/?m=bye");
    }

    private void logoutEverywhere(HttpServletRequest req, HttpServletResponse resp, HttpSession s) throws IOException {
        Object user = s.getAttribute(USER);
        if (!(user instanceof String name)) {
            resp.sendRedirect("/login");
            return;
        }
        int n;
        try {
            if (!instance.logoutEverywhere()) {
                // The pages do not offer it on such a store; this answers a form kept from elsewhere or a hand-made
                // post.
                throw new UnsupportedOperationException("no principal index");
            }
            n = manager.invalidateAll(name);
        } catch (UnsupportedOperationException e) {
            send(
                    resp,
                    HttpServletResponse.SC_NOT_IMPLEMENTED,
                    Pages.problem(
                            chrome(req, s),
                            "Not with this store",
                            "The " + instance.store().name()
                                    + " store keeps no index of sessions by user, so it cannot find "
                                    + "your other sessions. Log out here instead, or use jdbc, redis, mongo or local.",
                            null));
            return;
        }
        // This session was among them; invalidating it too clears the cookie (the delete is idempotent).
        s.invalidate();
        resp.sendRedirect("/?m=everywhere&n=" + n);
    }

    // ---- session helpers ----

    /** The request's session if it has one, never creating one; with a CSRF token for its forms. */
    private static @Nullable HttpSession existingSession(HttpServletRequest req) {
        HttpSession s = req.getSession(false);
        if (s != null && s.getAttribute(CSRF) == null) {
            s.setAttribute(CSRF, newToken());
        }
        return s;
    }

    /** The request's session, created if needed, with a CSRF token for its forms. */
    private static HttpSession sessionWithToken(HttpServletRequest req) {
        HttpSession s = req.getSession(true);
        if (s.getAttribute(CSRF) == null) {
            s.setAttribute(CSRF, newToken());
        }
        return s;
    }

    /**
     * The session a form post may change, or empty after answering 403. With a session, the form's token must match
     * the session's. Without one (none yet, or a forged, expired or unknown cookie: the filter never adopts an id it
     * did not issue), only an action that {@code mayStart} a session gets one, and only for a post that carries no
     * token (a token means the form belonged to a session that has ended) and comes {@linkplain #fromThisSite from a
     * page of this site}. A refusal creates no session: with {@code SameSite=Lax} a cross-site post arrives without the
     * visitor's cookie, and answering it with a new session would replace that cookie.
     */
    private Optional<HttpSession> checkedSession(HttpServletRequest req, HttpServletResponse resp, boolean mayStart)
            throws IOException {
        HttpSession s = req.getSession(false);
        String sent = req.getParameter(CSRF);
        if (s != null) {
            Object expected = s.getAttribute(CSRF);
            if (sent != null
                    && expected instanceof String token
                    && MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.US_ASCII), sent.getBytes(StandardCharsets.UTF_8))) {
                return Optional.of(s);
            }
        } else if (mayStart && sent == null && fromThisSite(req)) {
            return Optional.of(sessionWithToken(req));
        }
        String why = s == null && sent == null
                ? "This form did not come from a page of this shop (the browser named another site as its origin, or none), "
                        + "so nothing was changed."
                : "This form belongs to a session that has ended or to another page. Nothing was changed.";
        send(resp, HttpServletResponse.SC_FORBIDDEN, Pages.problem(chrome(req, s), "Please try again", why, null));
        return Optional.empty();
    }

    /**
     * Whether a post comes from a page of this site: its {@code Origin} header (every current browser sends one with a
     * form post) or, without one, its {@code Referer} names the host and port the request was sent to ({@code Host}).
     * Neither header, or {@code Origin: null}, is not enough.
     */
    static boolean fromThisSite(HttpServletRequest req) {
        String origin = req.getHeader("Origin");
        String source = origin != null ? origin : req.getHeader("Referer");
        String host = req.getHeader("Host");
        if (source == null || host == null) {
            return false;
        }
        try {
            URI from = new URI(source);
            if (from.getScheme() == null || from.getHost() == null) {
                return false;
            }
            int defaultPort = from.getScheme().equalsIgnoreCase("https") ? 443 : 80;
            URI to = new URI(from.getScheme(), host, null, null, null);
            return to.getHost() != null
                    && from.getHost().equalsIgnoreCase(to.getHost())
                    && (from.getPort() < 0 ? defaultPort : from.getPort())
                            == (to.getPort() < 0 ? defaultPort : to.getPort());
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String newToken() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The chrome of a page for this request; {@code s} null: a visitor without a session (an empty cart). */
    Pages.Chrome chrome(HttpServletRequest req, @Nullable HttpSession s) {
        if (s == null) {
            return new Pages.Chrome(instance, null, 0, null, null);
        }
        Object user = s.getAttribute(USER);
        Object csrf = s.getAttribute(CSRF);
        return new Pages.Chrome(
                instance,
                user instanceof String u ? u : null,
                CartSession.of(s).itemCount(),
                csrf instanceof String t ? t : null,
                facts(s));
    }

    /**
     * The stored metadata for the panel. A session created by this request has nothing stored yet; otherwise this is
     * one extra read, which a real application would not spend.
     */
    private Pages.SessionFacts facts(HttpSession s) {
        String raw = s.getId();
        String keyShort = SessionId.parse(raw).map(id -> id.key().shortForm()).orElse("?");
        Optional<Session> stored = s.isNew() ? Optional.empty() : manager.find(raw);
        if (stored.isEmpty()) {
            return new Pages.SessionFacts(
                    keyShort,
                    false,
                    0,
                    null,
                    Instant.ofEpochMilli(s.getCreationTime()),
                    null,
                    null,
                    Duration.ofSeconds(s.getMaxInactiveInterval()));
        }
        Session st = stored.get();
        return new Pages.SessionFacts(
                keyShort,
                true,
                st.version(),
                st.principal().orElse(null),
                st.createdAt(),
                st.previousAccessAt(),
                st.expiresAt(),
                st.maxIdle());
    }

    private static @Nullable String flash(HttpServletRequest req, @Nullable HttpSession s) {
        String m = req.getParameter("m");
        if (m == null) {
            return null;
        }
        return switch (m) {
            case "added" -> "Added to your cart.";
            case "capped", "full" ->
                Catalog.find(req.getParameter("sku"))
                        .map(p -> CartAddition.cappedMessage(
                                p,
                                Math.max(0, parseInt(req.getParameter("n"), 0)),
                                Math.max(0, parseInt(req.getParameter("of"), 0))))
                        .orElse(null);
            case "removed" -> "Removed from your cart.";
            case "cleared" -> "Your cart is empty now.";
            case "welcome" ->
                s != null && s.getAttribute(USER) instanceof String u
                        ? "Welcome, " + u + ". Your session moved to a new id at login; the old id is dead."
                        : null;
            case "bye" -> "You are logged out: the session was deleted from the store.";
            case "everywhere" ->
                "Logged out everywhere: " + Math.max(0, parseInt(req.getParameter("n"), 0))
                        + " session(s) of yours deleted from the store.";
            default -> null;
        };
    }

    private static int parseInt(@Nullable String s, int otherwise) {
        if (s == null || s.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static void send(HttpServletResponse resp, int status, String html) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/html;charset=utf-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.getWriter().write(html);
    }
}
