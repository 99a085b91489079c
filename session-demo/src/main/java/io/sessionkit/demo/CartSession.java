package io.sessionkit.demo;

import io.sessionkit.servlet.SessionKitHttpSession;
import jakarta.servlet.http.HttpSession;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where the cart meets the session: the one place that reads and changes the {@value Cart#ATTRIBUTE} attribute, so
 * that how a change reaches the store, and what happens when another request changed the cart at the same time, is
 * decided here once.
 */
final class CartSession {
    private CartSession() {}

    /** The cart of this session (empty if it has none or cannot read it). */
    static Cart of(HttpSession s) {
        return Cart.from(s.getAttribute(Cart.ATTRIBUTE));
    }

    /**
     * Changes the cart by {@code change}, with the safe form of a read-modify-write
     * ({@link SessionKitHttpSession#updateAttribute}): it runs now, and again on the freshly stored cart if another
     * request changed the session before this one is saved, so concurrent changes of one cart all land (200 parallel
     * additions leave 200 items). {@code change} may therefore run more than once and must have no other side effect.
     * A plain {@code getAttribute}, change, {@code setAttribute} would instead fail such a request with
     * {@link io.sessionkit.SessionConflictException} (409): never a lost item, but a user told to try again.
     */
    static void update(HttpSession s, UnaryOperator<Cart> change) {
        ((SessionKitHttpSession) s).updateAttribute(Cart.ATTRIBUTE, List.class, stored -> {
            Cart next = change.apply(Cart.from(stored));
            return next.isEmpty() ? null : next.toAttribute();
        });
    }

    /** Empties the cart, whatever it holds by now: a blind write, which no concurrent change can make stale. */
    static void clear(HttpSession s) {
        s.removeAttribute(Cart.ATTRIBUTE);
    }
}
