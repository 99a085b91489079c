package io.sessionkit.demo;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/**
 * Server-rendered HTML. Every value that comes from a user or a store goes through {@link #esc}. Elements carry
 * {@code data-*} attributes and ids so that the end-to-end tests read the page without scraping prose.
 */
final class Pages {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * What every page shows around its content. {@code user}, {@code csrf} and {@code session} are null for a visitor
     * without a session; {@code cartCount} is -1 if unknown (a page that did not look the session up).
     */
    record Chrome(
            Instance instance,
            @Nullable String user,
            int cartCount,
            @Nullable String csrf,
            @Nullable SessionFacts session) {
        /** For pages that do not look the session up (not found, errors): no cart count, no panel facts. */
        static Chrome bare(Instance instance) {
            return new Chrome(instance, null, -1, null, null);
        }
    }

    /**
     * The session as the store holds it, for the panel; never the raw id.
     *
     * @param keyShort   first 8 characters of the hashed key
     * @param stored     false for a session created by this request and not written yet
     * @param version    the stored version (0 while unsaved)
     * @param principal  the principal in the store's index, or null
     * @param createdAt  creation time
     * @param lastAccess the access time the store holds (written lazily, so it may lag by up to the touch interval; null while unsaved)
     * @param expiresAt  absolute expiry as stored (null while unsaved)
     * @param maxIdle    idle timeout
     */
    record SessionFacts(
            String keyShort,
            boolean stored,
            long version,
            @Nullable String principal,
            Instant createdAt,
            @Nullable Instant lastAccess,
            @Nullable Instant expiresAt,
            Duration maxIdle) {}

    private Pages() {}

    static String products(Chrome c, @Nullable String flash) {
        StringBuilder b = new StringBuilder();
        b.append(
                "<h1>Products</h1><p class=\"lead\">Add something to your cart, then restart the server, or open the same "
                        + "page on a second instance: the cart follows your session, wherever it is served.</p><div class=\"grid\">");
        for (Catalog.Product p : Catalog.products()) {
            b.append("<article class=\"product\" data-sku=\"")
                    .append(esc(p.sku()))
                    .append("\"><h2>")
                    .append(esc(p.name()))
                    .append("</h2><p>")
                    .append(esc(p.description()))
                    .append("</p><p class=\"price\">")
                    .append(Catalog.price(p.priceCents()))
                    .append("</p>")
                    .append("<form method=\"post\" action=\"/cart/add\">")
                    .append(csrfField(c))
                    .append("<input type=\"hidden\" name=\"sku\" value=\"")
                    .append(esc(p.sku()))
                    .append("\">")
                    .append("<label>Qty <input type=\"number\" name=\"qty\" value=\"1\" min=\"1\" max=\"99\"></label>")
                    .append(
                            "<label class=\"note\">Gift note <input type=\"text\" name=\"note\" placeholder=\"optional\"></label>")
                    .append("<button type=\"submit\">Add to cart</button></form></article>");
        }
        b.append("</div>");
        return layout("Products", c, flash, b.toString());
    }

    static String cart(Chrome c, Cart cart, @Nullable String flash) {
        StringBuilder b = new StringBuilder("<h1>Your cart</h1>");
        if (cart.isEmpty()) {
            b.append("<p id=\"cart-empty\">Your cart is empty. <a href=\"/\">Browse the products</a>.</p>");
            return layout("Cart", c, flash, b.toString());
        }
        b.append(
                "<table class=\"cart\"><thead><tr><th>Product</th><th>Qty</th><th>Price</th><th>Note</th><th></th></tr></thead><tbody>");
        for (Cart.Line l : cart.lines()) {
            String note = l.note().length() > 120 ? l.note().substring(0, 120) + "…" : l.note();
            b.append("<tr class=\"line\" data-sku=\"")
                    .append(esc(l.product().sku()))
                    .append("\" data-qty=\"")
                    .append(l.quantity())
                    .append("\"><td>")
                    .append(esc(l.product().name()))
                    .append("</td><td>")
                    .append(l.quantity())
                    .append("</td><td>")
                    .append(Catalog.price(l.totalCents()))
                    .append("</td><td class=\"note\">")
                    .append(esc(note))
                    .append("</td><td>")
                    .append("<form method=\"post\" action=\"/cart/remove\">")
                    .append(csrfField(c))
                    .append("<input type=\"hidden\" name=\"sku\" value=\"")
                    .append(esc(l.product().sku()))
                    .append("\"><button class=\"link\" type=\"submit\">Remove</button></form></td></tr>");
        }
        b.append("</tbody><tfoot><tr><th>Total</th><th id=\"cart-items\">")
                .append(cart.itemCount())
                .append("</th><th id=\"cart-total\">")
                .append(Catalog.price(cart.totalCents()))
                .append("</th><th colspan=\"2\"></th></tr></tfoot></table>")
                .append("<form method=\"post\" action=\"/cart/clear\">")
                .append(csrfField(c))
                .append("<button class=\"secondary\" type=\"submit\">Empty the cart</button></form>");
        return layout("Cart", c, flash, b.toString());
    }

    static String login(Chrome c, @Nullable String error) {
        StringBuilder b = new StringBuilder("<h1>Log in</h1>");
        if (error != null) {
            b.append("<p class=\"flash error\">").append(esc(error)).append("</p>");
        }
        b.append("<p id=\"name-rule\">Your name: ")
                .append(esc(ShopServlet.USER_NAME_RULE))
                .append(". There is no password: " + "this is a demo of sessions, not of passwords.</p>")
                .append(
                        "<p>Logging in keeps your cart but moves the session to a new id (<code>request.changeSessionId()</code>) "
                                + "and gives it a new form token, so an id or token someone saw before login is worthless after it.</p>")
                .append("<form class=\"login\" method=\"post\" action=\"/login\">")
                .append(csrfField(c))
                .append(
                        "<label>Name <input type=\"text\" name=\"user\" required maxlength=\"40\" pattern=\"[A-Za-z0-9._@\\-]+\" title=\"")
                .append(esc(ShopServlet.USER_NAME_RULE))
                .append("\" autofocus></label>")
                .append("<button type=\"submit\">Log in</button></form>");
        return layout("Log in", c, null, b.toString());
    }

    /** A page for a refused or failed request; {@code detail} is plain text. */
    static String problem(Chrome c, String title, String message, @Nullable String detail) {
        StringBuilder b = new StringBuilder("<h1 id=\"problem\">")
                .append(esc(title))
                .append("</h1><p class=\"flash error\">")
                .append(esc(message))
                .append("</p>");
        if (detail != null && !detail.isEmpty()) {
            b.append("<p class=\"detail\">").append(esc(detail)).append("</p>");
        }
        b.append("<p><a href=\"/\">Back to the products</a> · <a href=\"/cart\">Your cart</a></p>");
        return layout(title, c, null, b.toString());
    }

    static String layout(String title, Chrome c, @Nullable String flash, String content) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>")
                .append(esc(title))
                .append(" · SessionKit Coffee</title>")
                .append("<link rel=\"stylesheet\" href=\"/style.css\">")
                .append("<link rel=\"icon\" type=\"image/svg+xml\" href=\"")
                .append(Favicon.SVG_PATH)
                .append("\"></head>")
                .append("<body style=\"--hue: ")
                .append(c.instance().hue())
                .append("\" data-instance=\"")
                .append(esc(c.instance().name()))
                .append("\" data-store=\"")
                .append(esc(c.instance().store().name()))
                .append("\">")
                .append("<header class=\"top\"><a class=\"brand\" href=\"/\">SessionKit Coffee</a><nav>")
                .append("<a href=\"/\">Products</a><a href=\"/cart\">Cart");
        if (c.cartCount() >= 0) {
            b.append(" <span class=\"count\" id=\"cart-count\">")
                    .append(c.cartCount())
                    .append("</span>");
        }
        b.append("</a>");
        if (c.user() != null) {
            b.append("<span class=\"user\">Signed in as <b id=\"user\">")
                    .append(esc(c.user()))
                    .append("</b></span>")
                    .append("<form method=\"post\" action=\"/logout\">")
                    .append(csrfField(c))
                    .append("<button class=\"link\">Log out</button></form>");
            // Only where the store keeps sessions by user (StoreFeature.PRINCIPAL_INDEX); elsewhere it could only fail.
            if (c.instance().logoutEverywhere()) {
                b.append("<form method=\"post\" action=\"/logout-everywhere\">")
                        .append(csrfField(c))
                        .append(
                                "<button class=\"link\" title=\"Deletes every session of this user, on every instance\">Log out everywhere</button></form>");
            }
        } else {
            b.append("<a href=\"/login\">Log in</a>");
        }
        b.append("</nav><span class=\"instance-badge\">")
                .append(esc(c.instance().name()))
                .append("</span></header><main><section class=\"content\">");
        if (flash != null) {
            b.append("<p class=\"flash\" id=\"flash\">").append(esc(flash)).append("</p>");
        }
        b.append(content)
                .append("</section>")
                .append(panel(c))
                .append("</main>")
                .append(
                        "<footer>SessionKit demo · the session lives in the store, not in this server's memory.</footer></body></html>");
        return b.toString();
    }

    private static String panel(Chrome c) {
        Instance i = c.instance();
        StringBuilder b = new StringBuilder("<aside class=\"panel\"><h2>Behind the scenes</h2><dl>")
                .append("<dt>Served by</dt><dd><span class=\"instance-badge\" id=\"instance\">")
                .append(esc(i.name()))
                .append("</span> port ")
                .append(i.port())
                .append(", pid ")
                .append(i.pid())
                .append("</dd>")
                .append("<dt>Store</dt><dd><b id=\"store\">")
                .append(esc(i.store().name()))
                .append("</b> · ")
                .append(esc(i.store().className()));
        if (!i.store().target().isEmpty()) {
            b.append("<br><code>").append(esc(i.store().target())).append("</code>");
        }
        b.append("</dd></dl>");
        b.append(counters(i));
        SessionFacts s = c.session();
        if (s != null) {
            b.append("<h3>This session</h3><dl>")
                    .append("<dt>Key <small>(SHA-256 of the id, first 8)</small></dt><dd><code id=\"session-key\">")
                    .append(esc(s.keyShort()))
                    .append("</code></dd>");
            b.append("<dt>Version</dt><dd id=\"session-version\">")
                    .append(s.stored() ? String.valueOf(s.version()) : "new: written when this page is sent")
                    .append("</dd>");
            if (s.stored()) {
                b.append("<dt>Principal</dt><dd id=\"session-principal\">")
                        .append(s.principal() == null ? "—" : esc(s.principal()))
                        .append("</dd>");
            }
            b.append("<dt>Created</dt><dd>").append(TIME.format(s.createdAt())).append("</dd>");
            if (s.stored()) {
                b.append("<dt>Last access stored</dt><dd>")
                        .append(TIME.format(s.lastAccess()))
                        .append("</dd><dt>Expires</dt><dd id=\"session-expires\">")
                        .append(TIME.format(s.expiresAt()))
                        .append("</dd>");
            }
            b.append("<dt>Idle timeout</dt><dd>")
                    .append(s.maxIdle().toMinutes())
                    .append(" min</dd>");
            b.append(
                    "</dl><p class=\"hint\">The raw id is only in your <code>HttpOnly</code> cookie; the store knows the session by "
                            + "its hash. The version shown is the one stored before this request's own changes.</p>");
        } else if (c.cartCount() >= 0) {
            b.append(
                    "<h3>This session</h3><p id=\"session-none\">None yet. Browsing creates no session: no cookie is set and "
                            + "nothing is written to the store until you add to the cart or open the login form.</p>");
        }
        return b.append("</aside>").toString();
    }

    /** The live counters of this instance, from the event SPI; see {@link SessionCounters}. */
    private static String counters(Instance i) {
        SessionCounters.Counts n = i.counters().counts();
        StringBuilder b = new StringBuilder("<h3>Sessions on this instance</h3><dl class=\"counters\">")
                .append("<dt>Created</dt><dd id=\"stat-created\">")
                .append(n.created())
                .append("</dd><dt>Active <small>(estimate)</small></dt><dd id=\"stat-active\">")
                .append(n.active())
                .append("</dd><dt>Logged out</dt><dd id=\"stat-invalidated\">")
                .append(n.invalidated())
                .append("</dd><dt>Expired</dt><dd id=\"stat-expired\">")
                .append(i.expiryReported() ? String.valueOf(n.expired()) : "not reported by this store")
                .append("</dd><dt>Conflicts</dt><dd id=\"stat-conflicts\">")
                .append(n.conflicts())
                .append("</dd></dl><p class=\"hint\">Counted from SessionKit's events (a listener and an observer), "
                        + "since this instance started. Active is created − logged out − expired here; other instances "
                        + "count their own");
        if (!i.expiryReported()) {
            b.append(", and sessions that time out are not subtracted: this store does not report expiry");
        }
        return b.append(
                        ". Conflicts are writes that lost a compare-and-set race with another request: retried, or answered 409.</p>")
                .toString();
    }

    private static String csrfField(Chrome c) {
        return c.csrf() == null ? "" : "<input type=\"hidden\" name=\"csrf\" value=\"" + esc(c.csrf()) + "\">";
    }

    static String esc(@Nullable String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        s.chars()
                .forEach(ch -> b.append(
                        switch (ch) {
                            case '<' -> "&lt;";
                            case '>' -> "&gt;";
                            case '&' -> "&amp;";
                            case '"' -> "&quot;";
                            case '\'' -> "&#39;";
                            default -> Character.toString(ch);
                        }));
        return b.toString();
    }
}
