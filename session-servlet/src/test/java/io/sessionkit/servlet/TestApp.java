package io.sessionkit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The application under test: one servlet whose path selects what it does with the session. Answers are plain text
 * so tests can compare them exactly.
 */
final class TestApp extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /**
     * What {@code /post-redirect*} and {@code /error-after-set} saw right after their commit call, before returning:
     * whether the session cookie was already on the response (so it was saved then, not at the end of the request).
     * A latch, because a container may send the response before the servlet returns (Jetty does on a redirect).
     */
    static final class Probe {
        private final CountDownLatch set = new CountDownLatch(1);
        private volatile String value;

        void record(String v) {
            value = v;
            set.countDown();
        }

        String await() throws InterruptedException {
            return set.await(10, TimeUnit.SECONDS) ? value : "probe not recorded within 10 s";
        }
    }

    static volatile Probe probe = new Probe();

    static Probe newProbe() {
        probe = new Probe();
        return probe;
    }

    /** Held open by {@code /stream} after it committed its response, until the test has checked the store. */
    static volatile CountDownLatch streamGate = new CountDownLatch(0);

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain;charset=UTF-8");
        String name = req.getParameter("name");
        String value = req.getParameter("value");
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        switch (path) {
            case "/none" -> resp.getWriter().print("none");
            case "/get" -> {
                HttpSession s = req.getSession(false);
                resp.getWriter().print(s == null ? "no-session" : String.valueOf(s.getAttribute(name)));
            }
            case "/set" -> {
                req.getSession().setAttribute(name, value);
                resp.getWriter().print("ok");
            }
            case "/throwing-binding" -> {
                HttpSession s = req.getSession();
                s.setAttribute(name, new ThrowingBinding());
                s.removeAttribute(name);
                s.setAttribute(name, value);
                resp.getWriter().print("ok");
            }
            case "/remove" -> {
                req.getSession().removeAttribute(name);
                resp.getWriter().print("removed");
            }
            case "/container-login" -> {
                try {
                    req.login("alice", "secret");
                    resp.getWriter().print("logged in " + req.getRemoteUser());
                } catch (jakarta.servlet.ServletException e) {
                    resp.getWriter().print("refused " + e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            case "/names" -> {
                HttpSession s = req.getSession(false);
                resp.getWriter()
                        .print(
                                s == null
                                        ? "no-session"
                                        : String.join(",", new TreeSet<>(Collections.list(s.getAttributeNames()))));
            }
            case "/id" -> {
                HttpSession s = req.getSession(false);
                resp.getWriter().print(s == null ? "no-session" : s.getId());
            }
            case "/login" -> {
                req.getSession();
                String newId = req.changeSessionId();
                req.getSession().setAttribute("user", req.getParameter("user"));
                resp.getWriter().print(newId);
            }
            case "/post-redirect" -> {
                req.getSession().setAttribute(name, value);
                resp.sendRedirect(req.getContextPath() + "/get?name=" + name);
                probe.record(probe(resp));
            }
            case "/post-redirect-303" -> {
                // Servlet 6.1 only (Tomcat 11): reaches the filter's response wrapper through the 6.1 interface.
                req.getSession().setAttribute(name, value);
                resp.sendRedirect(req.getContextPath() + "/get?name=" + name, 303, true);
                probe.record(probe(resp));
            }
            case "/error-after-set" -> {
                req.getSession().setAttribute(name, value);
                resp.sendError(409, "conflict for the test");
                probe.record(probe(resp));
            }
            case "/invalidate" -> {
                HttpSession s = req.getSession(false);
                if (s != null) {
                    s.invalidate();
                }
                resp.getWriter().print(req.getSession(false) == null ? "invalidated" : "still-there");
            }
            case "/logout-and-restart" -> {
                req.getSession().invalidate();
                req.getSession().setAttribute("fresh", "yes");
                resp.getWriter().print(req.getSession().getId());
            }
            case "/stream" -> {
                req.getSession().setAttribute(name, value);
                resp.getWriter().print("committed");
                resp.flushBuffer();
                try {
                    // Bounded: the test releases the gate after it has checked what the store holds.
                    if (!streamGate.await(10, TimeUnit.SECONDS)) {
                        resp.getWriter().print(" gate-timeout");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                resp.getWriter().print(" done");
            }
            case "/big" -> {
                req.getSession().setAttribute(name, value);
                PrintWriter w = resp.getWriter();
                String line = "x".repeat(1023) + "\n";
                for (int i = 0; i < 256; i++) {
                    w.print(line);
                }
            }
            case "/big-stream" -> {
                req.getSession().setAttribute(name, value);
                byte[] chunk = new byte[1000];
                for (int i = 0; i < 300; i++) {
                    resp.getOutputStream().write(chunk);
                }
            }
            case "/cart-add" -> {
                HttpSession s = req.getSession();
                @SuppressWarnings("unchecked")
                List<Object> cart = (List<Object>) s.getAttribute("cart");
                if (cart == null) {
                    cart = new ArrayList<>();
                    s.setAttribute("cart", cart);
                }
                // Changed in place after setAttribute or after reading: written back at save.
                cart.add(req.getParameter("item"));
                resp.getWriter().print(s.getAttribute("cart") == cart ? "same" : "different");
            }
            case "/set-unstorable" -> {
                HttpSession s = req.getSession();
                try {
                    s.setAttribute(name, new Object());
                    resp.getWriter().print("stored");
                } catch (RuntimeException e) {
                    resp.getWriter().print("refused " + e.getClass().getSimpleName());
                }
            }
            case "/set-cart-object" -> {
                HttpSession s = req.getSession();
                try {
                    s.setAttribute(name, new Cart(List.of(value)));
                    resp.getWriter().print("stored");
                } catch (RuntimeException e) {
                    resp.getWriter().print("refused " + e.getClass().getSimpleName());
                }
            }
            case "/get-cart-object" -> {
                HttpSession s = req.getSession(false);
                Object v = s == null ? null : s.getAttribute(name);
                resp.getWriter().print(v instanceof Cart c ? "Cart" + c.items() : String.valueOf(v));
            }
            case "/listener" -> {
                HttpSession s = req.getSession();
                List<String> events = new ArrayList<>();
                s.setAttribute("watched", new Listener(events));
                s.removeAttribute("watched");
                resp.getWriter().print(String.join(",", events));
            }
            case "/info" -> {
                HttpSession s = req.getSession();
                if (req.getParameter("maxInactive") != null) {
                    s.setMaxInactiveInterval(Integer.parseInt(req.getParameter("maxInactive")));
                }
                resp.getWriter()
                        .print("new=" + s.isNew() + ";maxInactive=" + s.getMaxInactiveInterval()
                                + ";created=" + s.getCreationTime() + ";requestedValid="
                                + req.isRequestedSessionIdValid()
                                + ";fromCookie=" + req.isRequestedSessionIdFromCookie());
            }
            case "/one-shot" -> oneShot(req, resp);
            case "/late-session" -> {
                // A few bytes first (buffered, nothing committed), then the session, then one large write.
                jakarta.servlet.ServletOutputStream out = resp.getOutputStream();
                out.write('<');
                HttpSession s = req.getSession();
                s.setAttribute(name, value);
                byte[] bytes = new byte[Integer.parseInt(req.getParameter("size")) - 1];
                java.util.Arrays.fill(bytes, (byte) 'x');
                out.write(bytes);
            }
            case "/slow-get" -> {
                awaitSlowGate();
                HttpSession s = req.getSession(false);
                resp.getWriter().print(s == null ? "no-session" : String.valueOf(s.getAttribute(name)));
            }
            case "/slow-set" -> {
                HttpSession s = req.getSession(false);
                awaitSlowGate();
                if (s == null) {
                    resp.getWriter().print("no-session");
                    return;
                }
                s.setAttribute(name, value);
                resp.getWriter().print("ok");
            }
            case "/async", "/async-quiet" -> {
                AsyncContext ac = req.startAsync();
                ac.setTimeout(10_000);
                boolean same = ac.getRequest() == req && req.getAsyncContext().getRequest() == req;
                boolean quiet = path.equals("/async-quiet");
                ac.start(() -> {
                    try {
                        HttpServletRequest r = (HttpServletRequest) ac.getRequest();
                        HttpSession s = r.getSession();
                        Object before = s.getAttribute(name);
                        s.setAttribute(name, value);
                        if (!quiet) {
                            ac.getResponse().getWriter().print("wrapped=" + same + ";before=" + before);
                        }
                    } catch (RuntimeException | IOException e) {
                        try {
                            ((HttpServletResponse) ac.getResponse()).sendError(500, e.toString());
                        } catch (IOException | RuntimeException ignored) {
                            // the container answers when the context completes
                        }
                    } finally {
                        ac.complete();
                    }
                });
            }
            case "/async-container-complete" -> {
                // Completes through the container's own context, bypassing SessionKit's complete(): only the
                // completion listener can save what the async code changed.
                HttpSession s = req.getSession();
                AsyncContext ac = req.startAsync();
                ac.setTimeout(10_000);
                AsyncContext container = ((HttpServletRequest)
                                ((jakarta.servlet.ServletRequestWrapper) req).getRequest())
                        .getAsyncContext();
                ac.start(() -> {
                    try {
                        s.setAttribute(name, value);
                    } finally {
                        container.complete();
                    }
                });
            }
            case "/invalidate-tolerant" -> {
                HttpSession s = req.getSession(false);
                try {
                    s.invalidate();
                    resp.getWriter().print("invalidated");
                } catch (RuntimeException e) {
                    resp.getWriter().print("kept " + s.getAttribute(name));
                }
            }
            case "/set-cached" -> {
                resp.setHeader("Cache-Control", "private, max-age=60");
                req.getSession().setAttribute(name, value);
                resp.getWriter().print("ok");
            }
            case "/cart-rmw" -> {
                HttpSession s = req.getSession();
                @SuppressWarnings("unchecked")
                List<Object> cart = (List<Object>) s.getAttribute("cart");
                List<Object> next = cart == null ? new ArrayList<>() : new ArrayList<>(cart);
                next.add(req.getParameter("item"));
                s.setAttribute("cart", next);
                resp.getWriter().print("added");
            }
            case "/cart-update" -> {
                // The safe form: re-run on the fresh cart if another request added meanwhile.
                SessionKitHttpSession s = (SessionKitHttpSession) req.getSession();
                String item = req.getParameter("item");
                @SuppressWarnings("unchecked")
                List<Object> next = s.updateAttribute("cart", List.class, cart -> {
                    List<Object> copy = cart == null ? new ArrayList<>() : new ArrayList<>(cart);
                    copy.add(item);
                    return copy;
                });
                resp.getWriter().print("added " + next.size());
            }
            case "/flush-then-set" -> {
                HttpSession s = req.getSession();
                resp.getWriter().print("committed");
                resp.flushBuffer();
                s.setAttribute(name, value);
                resp.getWriter().print(" then set");
            }
            default -> resp.sendError(404);
        }
    }

    /** Held by {@code /slow-get} and {@code /slow-set} until the test has done what must happen meanwhile. */
    static volatile CountDownLatch slowGate = new CountDownLatch(0);
    /** Counted down when a slow request has arrived and is waiting at {@link #slowGate}. */
    static volatile CountDownLatch slowArrived = new CountDownLatch(0);

    private static void awaitSlowGate() {
        slowArrived.countDown();
        try {
            // Bounded: the test opens the gate when the interleaved request is done.
            if (!slowGate.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("slow gate not opened within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Creates a session ({@code rotate=true}: rotates the existing one) and sets {@code name=value}, then writes
     * {@code size} bytes of body in one call of the kind named by {@code via}. Answers the session id in a header set
     * before the body, so the test can check the cookie carries it.
     */
    private static void oneShot(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        int size = Integer.parseInt(req.getParameter("size"));
        String via = req.getParameter("via");
        req.getSession(); // creates the session, so that rotate=true has one to rotate
        if (Boolean.parseBoolean(req.getParameter("rotate"))) {
            req.changeSessionId();
        }
        HttpSession s = req.getSession();
        s.setAttribute(req.getParameter("name"), req.getParameter("value"));
        resp.setHeader("X-Test-Session", s.getId());
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) 'x');
        String text = new String(bytes, java.nio.charset.StandardCharsets.US_ASCII);
        switch (via) {
            case "stream" -> resp.getOutputStream().write(bytes);
            case "stream-offset" -> resp.getOutputStream().write(bytes, 0, size);
            case "stream-int" -> {
                jakarta.servlet.ServletOutputStream out = resp.getOutputStream();
                for (byte b : bytes) {
                    out.write(b);
                }
            }
            case "stream-bytebuffer" -> resp.getOutputStream().write(java.nio.ByteBuffer.wrap(bytes));
            case "stream-print" -> resp.getOutputStream().print(text);
            case "stream-println" -> resp.getOutputStream().println(text.substring(2));
            case "stream-transfer" -> new java.io.ByteArrayInputStream(bytes).transferTo(resp.getOutputStream());
            case "stream-flush" -> {
                resp.getOutputStream().write(bytes, 0, 1);
                resp.getOutputStream().flush();
                resp.getOutputStream().write(bytes, 1, size - 1);
            }
            case "content-length" -> {
                resp.setContentLength(size);
                resp.getOutputStream().write(bytes);
            }
            case "writer" -> resp.getWriter().write(text);
            case "writer-chars" -> resp.getWriter().write(text.toCharArray());
            case "writer-print" -> resp.getWriter().print(text);
            case "writer-println" -> resp.getWriter().println(text.substring(1));
            case "writer-append" -> resp.getWriter().append(text);
            case "writer-int" -> {
                PrintWriter w = resp.getWriter();
                for (int i = 0; i < size; i++) {
                    w.write('x');
                }
            }
            default -> throw new IllegalArgumentException("via=" + via);
        }
    }

    private static String probe(HttpServletResponse resp) {
        return "cookie-before-return=" + resp.getHeaders("Set-Cookie").stream().anyMatch(h -> h.startsWith("SESSION="));
    }

    /** A legacy-style session value: Serializable, not a JSON value. */
    record Cart(List<String> items) implements Serializable {}

    /** A session value whose binding callbacks throw. */
    static final class ThrowingBinding implements HttpSessionBindingListener {
        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            throw new IllegalStateException("binding failure for the test");
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            throw new IllegalStateException("binding failure for the test");
        }

        /** So that the JSON codec can store it. */
        public String getKind() {
            return "throwing";
        }
    }

    /** Records what the session tells it. */
    static final class Listener implements HttpSessionBindingListener {
        private final transient List<String> events;

        Listener(List<String> events) {
            this.events = events;
        }

        @Override
        public void valueBound(HttpSessionBindingEvent event) {
            events.add("bound:" + event.getName());
        }

        @Override
        public void valueUnbound(HttpSessionBindingEvent event) {
            events.add("unbound:" + event.getName());
        }

        /** So that the JSON codec can store it: a listener with no properties would be refused. */
        public String getKind() {
            return "listener";
        }
    }
}
