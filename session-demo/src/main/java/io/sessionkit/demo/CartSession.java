package io.sessionkit.demo;

import jakarta.servlet.http.HttpSession;
import java.util.function.UnaryOperator;

/**
 * Where the cart meets the session: the one place that reads and changes the {@value Cart#ATTRIBUTE} attribute, so
 * that how a change reaches the store, and what happens when another request changed the cart at the same time, is
 * decided here once.
 */
final class CartSession {
    private CartSession() {
    }

    /** The cart of this session (empty if it has none or cannot read it). */
    static Cart of(HttpSession s) {
        return Cart.from(s.getAttribute(Cart.ATTRIBUTE));
    }

    /**
     * Changes the cart by {@code change}, which may run more than once and must have no other side effect. A change
     * that returns its argument writes nothing.
     */
    static void update(HttpSession s, UnaryOperator<Cart> change) {
        Cart before = of(s);
        Cart after = change.apply(before);
        if (after != before) {
            put(s, after);
        }
    }

    /** Empties the cart, whatever it holds by now: a blind write, which no concurrent change can make stale. */
    static void clear(HttpSession s) {
        s.removeAttribute(Cart.ATTRIBUTE);
    }

    private static void put(HttpSession s, Cart cart) {
        if (cart.isEmpty()) {
            s.removeAttribute(Cart.ATTRIBUTE);
        } else {
            s.setAttribute(Cart.ATTRIBUTE, cart.toAttribute());
        }
    }
}
