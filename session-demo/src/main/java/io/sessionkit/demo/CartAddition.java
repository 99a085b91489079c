package io.sessionkit.demo;

import io.sessionkit.SessionConflictException;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * One "add to cart" as a change of the cart. How many of the asked quantity fit under the line's cap
 * ({@link Cart#MAX_QUANTITY}) is decided on the first run, and that is what the page then tells the user: "added",
 * "added n of m", or "not added". Applied again to a cart that another request changed meanwhile (a safe update re-runs
 * the change after a compare-and-set conflict), it adds the same number; if that no longer fits it refuses with
 * {@link SessionConflictException}, so that nothing is saved and the user is told to try again, rather than being told
 * something that did not happen.
 */
final class CartAddition implements UnaryOperator<Cart> {
    private final Catalog.Product product;
    private final int quantity;
    private final String note;
    /** How many this addition adds; -1 until its first run. */
    private int decided = -1;
    /** The product's line as the latest run found it (null: none), for {@link #undo()}. */
    private Cart.@Nullable Line lineBefore;

    CartAddition(Catalog.Product product, int quantity, String note) {
        this.product = product;
        this.quantity = quantity;
        this.note = note;
    }

    @Override
    public Cart apply(Cart cart) {
        lineBefore = cart.line(product);
        int fits = Math.min(quantity, cart.roomFor(product));
        if (decided < 0) {
            decided = fits;
        } else if (fits < decided) {
            throw new SessionConflictException(
                    "adding " + decided + " × " + product.sku() + ": the cart changed meanwhile and " + "only " + fits
                            + " fit under the line's maximum of " + Cart.MAX_QUANTITY + " now; nothing was added");
        }
        return decided == 0 ? cart : cart.plus(product, decided, note);
    }

    /**
     * The change that takes this addition back: it puts the product's line back as this addition found it, and leaves
     * everything else as it is. Applied right after this addition (a re-run applies both again, in order, to the fresh
     * cart), it leaves any other request's change in place: restoring a copy of the whole cart would not.
     */
    UnaryOperator<Cart> undo() {
        return cart -> cart.withLine(product, lineBefore);
    }

    /** Where the browser goes next: the cart page, with a message that says what this addition did. */
    String location() {
        if (decided < 0) {
            throw new IllegalStateException("the addition has not been applied");
        }
        if (decided == quantity) {
            return "/cart?m=added";
        }
        return "/cart?m=" + (decided == 0 ? "full" : "capped") + "&sku=" + product.sku() + "&n=" + decided + "&of="
                + quantity;
    }

    /** The message for an addition that hit the line's maximum: {@code added} of the {@code asked} quantity went in. */
    static String cappedMessage(Catalog.Product product, int added, int asked) {
        if (added == 0) {
            return "Not added: your cart already holds " + Cart.MAX_QUANTITY + " × " + product.name()
                    + ", the most one line can hold.";
        }
        return "Added " + added + " of the " + Math.max(added, asked) + " you asked for: " + product.name()
                + " is now at " + Cart.MAX_QUANTITY + ", the most one line can hold.";
    }
}
