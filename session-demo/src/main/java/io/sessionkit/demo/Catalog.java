package io.sessionkit.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The fixed product list. Prices are in euro cents. */
final class Catalog {
    record Product(String sku, String name, String description, int priceCents) {}

    private static final List<Product> PRODUCTS = List.of(
            new Product("espresso", "Espresso beans, 250 g", "Dark roast, chocolate and hazelnut.", 950),
            new Product("filter", "Filter roast, 1 kg", "Light roast for pour-over and batch brew.", 2400),
            new Product("mug", "Stoneware mug", "Holds 300 ml, keeps it warm.", 1400),
            new Product("kettle", "Gooseneck kettle", "For a slow, even pour.", 4900),
            new Product("grinder", "Hand grinder", "Steel burrs, 40 clicks from fine to coarse.", 8900),
            new Product("papers", "Paper filters, 100", "Unbleached, size 02.", 550));

    private static final Map<String, Product> BY_SKU = new LinkedHashMap<>();

    static {
        for (Product p : PRODUCTS) {
            BY_SKU.put(p.sku(), p);
        }
    }

    private Catalog() {}

    static List<Product> products() {
        return PRODUCTS;
    }

    static Optional<Product> find(String sku) {
        return sku == null ? Optional.empty() : Optional.ofNullable(BY_SKU.get(sku));
    }

    static String price(long cents) {
        return String.format(java.util.Locale.ROOT, "€%d.%02d", cents / 100, cents % 100);
    }
}
