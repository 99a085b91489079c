package io.sessionkit.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The cart as it lives in the session attribute {@code cart}: a JSON list of {@code {sku, qty, note}} objects, which
 * any SessionKit backend stores as plain JSON. Immutable; every change returns a new cart that the caller sets back
 * on the session.
 */
final class Cart {
    static final String ATTRIBUTE = "cart";
    static final int MAX_QUANTITY = 999;

    record Line(Catalog.Product product, int quantity, String note) {
        long totalCents() {
            return (long) product.priceCents() * quantity;
        }
    }

    private final List<Line> lines;

    private Cart(List<Line> lines) {
        this.lines = List.copyOf(lines);
    }

    static Cart empty() {
        return new Cart(List.of());
    }

    /**
     * Reads the attribute as the session codec returns it (lists and maps). Lines that do not make sense (an unknown
     * product, e.g. after the catalog changed) are skipped rather than failing the page.
     */
    static Cart from(Object attribute) {
        if (!(attribute instanceof List<?> list)) {
            return empty();
        }
        List<Line> lines = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof Map<?, ?> m && m.get("sku") instanceof String sku && m.get("qty") instanceof Number qty) {
                int q = qty.intValue();
                Object note = m.get("note");
                Catalog.find(sku)
                        .filter(p -> q > 0)
                        .ifPresent(p ->
                                lines.add(new Line(p, Math.min(q, MAX_QUANTITY), note instanceof String s ? s : "")));
            }
        }
        return new Cart(lines);
    }

    /** How many more of a product its line can take before it reaches {@link #MAX_QUANTITY}. */
    int roomFor(Catalog.Product product) {
        return MAX_QUANTITY
                - lines.stream()
                        .filter(l -> l.product().sku().equals(product.sku()))
                        .mapToInt(Line::quantity)
                        .findFirst()
                        .orElse(0);
    }

    /**
     * The cart with {@code quantity} more of a product, but never more than {@link #MAX_QUANTITY} on one line (check
     * {@link #roomFor} to tell the user); a non-empty note replaces the line's note.
     */
    Cart plus(Catalog.Product product, int quantity, String note) {
        List<Line> next = new ArrayList<>();
        boolean found = false;
        for (Line l : lines) {
            if (l.product().sku().equals(product.sku())) {
                next.add(new Line(
                        product, Math.min(MAX_QUANTITY, l.quantity() + quantity), note.isEmpty() ? l.note() : note));
                found = true;
            } else {
                next.add(l);
            }
        }
        if (!found) {
            next.add(new Line(product, Math.min(MAX_QUANTITY, quantity), note));
        }
        return new Cart(next);
    }

    /** The line of a product, or null if the cart has none. */
    @Nullable
    Line line(Catalog.Product product) {
        return lines.stream()
                .filter(l -> l.product().sku().equals(product.sku()))
                .findFirst()
                .orElse(null);
    }

    /** The cart with the product's line put back as {@code line} (in its place), or removed if {@code line} is null. */
    Cart withLine(Catalog.Product product, @Nullable Line line) {
        List<Line> next = new ArrayList<>();
        boolean found = false;
        for (Line l : lines) {
            if (!l.product().sku().equals(product.sku())) {
                next.add(l);
            } else if (line != null) {
                next.add(line);
                found = true;
            }
        }
        if (!found && line != null) {
            next.add(line);
        }
        return new Cart(next);
    }

    Cart without(String sku) {
        return new Cart(
                lines.stream().filter(l -> !l.product().sku().equals(sku)).toList());
    }

    List<Line> lines() {
        return lines;
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    int itemCount() {
        return lines.stream().mapToInt(Line::quantity).sum();
    }

    long totalCents() {
        return lines.stream().mapToLong(Line::totalCents).sum();
    }

    /** The JSON-friendly form to store in the session. */
    List<Map<String, Object>> toAttribute() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Line l : lines) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sku", l.product().sku());
            m.put("qty", l.quantity());
            if (!l.note().isEmpty()) {
                m.put("note", l.note());
            }
            out.add(m);
        }
        return out;
    }
}
