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
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shop. It uses nothing but the standard {@link HttpSession} API for the cart, the login and the logout: the
 * {@code SessionFilter} in front of it makes that session live in the store. Two things go to the
 * {@link SessionManager} directly, because {@code HttpSession} has no words for them: the principal index ("log out
 * everywhere") and the stored metadata shown in the panel.
 *
 * <p>Every change is a POST carrying a per-session CSRF token and answered with a redirect (post/redirect/get), so
 * the filter saves the session before the browser follows the redirect.
 */
final class ShopServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String USER = "user";
    static final String CSRF = "csrf";
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9._@-]{1,40}");
    private static final int MAX_NOTE_CHARS = 1 << 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final transient SessionManager manager;
    private final transient Instance instance;
    private final byte[] css;

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
            case "GET /style.css" -> css(resp);
            case "GET /health" -> health(resp);
            case "POST /cart/add" -> add(req, resp);
            case "POST /cart/remove" -> remove(req, resp);
            case "POST /cart/clear" -> clear(req, resp);
            case "POST /login" -> login(req, resp);
            case "POST /logout" -> logout(req, resp);
            case "POST /logout-everywhere" -> logoutEverywhere(req, resp);
            default -> {
                if (path.equals("/") || path.startsWith("/cart") || path.startsWith("/log")) {
                    resp.setHeader("Allow", "GET, POST");
                    send(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                            Pages.problem(chrome(req, null), "Method not allowed", req.getMethod() + " is not used here.", null));
                } else {
                    send(resp, HttpServletResponse.SC_NOT_FOUND,
                            Pages.problem(chrome(req, null), "Not found", "There is no page at this address.", null));
                }
            }
        }
    }

    // ---- pages ----

    private void products(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = session(req);
        send(resp, 200, Pages.products(chrome(req, s), flash(req, s)));
    }

    private void cart(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = session(req);
        send(resp, 200, Pages.cart(chrome(req, s), cartOf(s), flash(req, s)));
    }

    private void loginForm(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = session(req);
        send(resp, 200, Pages.login(chrome(req, s), null));
    }

    /** Served without touching the session: a request that never asks for it costs the store nothing. */
    private void css(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/css;charset=utf-8");
        resp.setHeader("Cache-Control", "max-age=300");
        resp.getOutputStream().write(css);
    }

    /** Liveness without the store: answers even while the store is down. */
    private void health(HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().write("ok " + instance.name() + "\n");
    }

    // ---- actions ----

    private void add(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isEmpty()) {
            return;
        }
        HttpSession s = checked.get();
        Optional<Catalog.Product> product = Catalog.find(req.getParameter("sku"));
        int qty = parseInt(req.getParameter("qty"), 1);
        String note = Optional.ofNullable(req.getParameter("note")).map(String::strip).orElse("");
        if (product.isEmpty() || qty < 1 || qty > 99 || note.length() > MAX_NOTE_CHARS) {
            send(resp, HttpServletResponse.SC_BAD_REQUEST, Pages.problem(chrome(req, s), "Cannot add that",
                    "Choose a product from the list and a quantity from 1 to 99.", null));
            return;
        }
        Cart before = cartOf(s);
        s.setAttribute(Cart.ATTRIBUTE, before.plus(product.get(), qty, note).toAttribute());
        try {
            // The filter saves before the redirect commits: an oversize cart is refused here, before anything is written.
            resp.sendRedirect("/cart?m=added");
        } catch (SessionTooLargeException e) {
            putCart(s, before);
            send(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, Pages.problem(chrome(req, s), "Your cart is too large",
                    "That would make your session larger than this store allows, so it was not saved. "
                            + "Your cart is as it was before.",
                    "Encoded session size " + e.size() + " bytes, limit " + e.limit()
                            + " bytes (sessionkit.max-session-size). SessionKit checks the size before every write and "
                            + "never truncates."));
        }
    }

    private void remove(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isPresent()) {
            HttpSession s = checked.get();
            putCart(s, cartOf(s).without(String.valueOf(req.getParameter("sku"))));
            resp.sendRedirect("/cart?m=removed");
        }
    }

    private void clear(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isPresent()) {
            checked.get().removeAttribute(Cart.ATTRIBUTE);
            resp.sendRedirect("/cart?m=cleared");
        }
    }

    private void login(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isEmpty()) {
            return;
        }
        HttpSession s = checked.get();
        String user = Optional.ofNullable(req.getParameter("user")).map(String::strip).orElse("");
        if (!USER_NAME.matcher(user).matches()) {
            send(resp, HttpServletResponse.SC_BAD_REQUEST, Pages.login(chrome(req, s),
                    "Use 1 to 40 letters, digits, dots, dashes, underscores or @."));
            return;
        }
        s.setAttribute(USER, user);
        // Against session fixation: the data moves to a fresh id and the old id is dead at once.
        String newId = req.changeSessionId();
        // HttpSession cannot name a principal, so the index that "log out everywhere" uses is set on the manager. The
        // filter's own save of this request then merges onto that version with compare-and-set.
        manager.update(newId, session -> session.setPrincipal(user));
        resp.sendRedirect("/?m=welcome");
    }

    private void logout(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isPresent()) {
            checked.get().invalidate();
            resp.sendRedirect("/?m=bye");
        }
    }

    private void logoutEverywhere(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<HttpSession> checked = checkedSession(req, resp);
        if (checked.isEmpty()) {
            return;
        }
        HttpSession s = checked.get();
        Object user = s.getAttribute(USER);
        if (!(user instanceof String name)) {
            resp.sendRedirect("/login");
            return;
        }
        int n;
        try {
            n = manager.invalidateAll(name);
        } catch (UnsupportedOperationException e) {
            send(resp, HttpServletResponse.SC_NOT_IMPLEMENTED, Pages.problem(chrome(req, s), "Not with this store",
                    "The " + instance.store().name() + " store keeps no index of sessions by user, so it cannot find "
                            + "your other sessions. Log out here instead, or use jdbc, redis, mongo or local.", null));
            return;
        }
        // This session was among them; invalidating it too clears the cookie (the delete is idempotent).
        s.invalidate();
        resp.sendRedirect("/?m=everywhere&n=" + n);
    }

    // ---- session helpers ----

    /** The session for a page, created if needed, with a CSRF token for its forms. */
    private static HttpSession session(HttpServletRequest req) {
        HttpSession s = req.getSession(true);
        if (s.getAttribute(CSRF) == null) {
            s.setAttribute(CSRF, newToken());
        }
        return s;
    }

    /**
     * The session of a form post, if it exists and the form's token matches; otherwise answers 403 with a fresh
     * page. A forged, expired or missing cookie lands here too: the filter never adopts an id it did not issue.
     */
    private Optional<HttpSession> checkedSession(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HttpSession s = req.getSession(false);
        String sent = req.getParameter(CSRF);
        Object expected = s == null ? null : s.getAttribute(CSRF);
        if (s != null && sent != null && expected instanceof String token
                && MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII), sent.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of(s);
        }
        HttpSession fresh = session(req);
        send(resp, HttpServletResponse.SC_FORBIDDEN, Pages.problem(chrome(req, fresh), "Please try again",
                "This form belongs to a session that has ended or to another page. Nothing was changed.", null));
        return Optional.empty();
    }

    private static Cart cartOf(HttpSession s) {
        return Cart.from(s.getAttribute(Cart.ATTRIBUTE));
    }

    private static void putCart(HttpSession s, Cart cart) {
        if (cart.isEmpty()) {
            s.removeAttribute(Cart.ATTRIBUTE);
        } else {
            s.setAttribute(Cart.ATTRIBUTE, cart.toAttribute());
        }
    }

    private static String newToken() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    Pages.Chrome chrome(HttpServletRequest req, HttpSession s) {
        if (s == null) {
            return new Pages.Chrome(instance, null, -1, null, null);
        }
        Object user = s.getAttribute(USER);
        Object csrf = s.getAttribute(CSRF);
        return new Pages.Chrome(instance, user instanceof String u ? u : null, cartOf(s).itemCount(),
                csrf instanceof String t ? t : null, facts(s));
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
            return new Pages.SessionFacts(keyShort, false, 0, null, Instant.ofEpochMilli(s.getCreationTime()), null, null,
                    Duration.ofSeconds(s.getMaxInactiveInterval()));
        }
        Session st = stored.get();
        return new Pages.SessionFacts(keyShort, true, st.version(), st.principal().orElse(null), st.createdAt(),
                st.previousAccessAt(), st.expiresAt(), st.maxIdle());
    }

    private static String flash(HttpServletRequest req, HttpSession s) {
        String m = req.getParameter("m");
        if (m == null) {
            return null;
        }
        return switch (m) {
            case "added" -> "Added to your cart.";
            case "removed" -> "Removed from your cart.";
            case "cleared" -> "Your cart is empty now.";
            case "welcome" -> s.getAttribute(USER) instanceof String u
                    ? "Welcome, " + u + ". Your session moved to a new id at login; the old id is dead."
                    : null;
            case "bye" -> "You are logged out: the session was deleted from the store.";
            case "everywhere" -> "Logged out everywhere: " + Math.max(0, parseInt(req.getParameter("n"), 0))
                    + " session(s) of yours deleted from the store.";
            default -> null;
        };
    }

    private static int parseInt(String s, int otherwise) {
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
