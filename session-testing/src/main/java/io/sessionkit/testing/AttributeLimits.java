package io.sessionkit.testing;

import io.sessionkit.Session;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Attribute values at the limits {@code Session.setAttribute} accepts (34 significant digits, 400 digits in plain
 * form, 20 levels of nesting, map keys a document store must escape), for the check every backend makes: that they
 * come back through the {@code SessionManager} unchanged. The values are the same on every backend; what a backend
 * stores for them is its own test's business. Asserts with plain {@link AssertionError}s.
 */
public final class AttributeLimits {
    private AttributeLimits() {}

    /** The values by attribute name, in a fixed order; a fresh mutable map on every call. */
    public static Map<String, Object> values() {
        return values(Map.of());
    }

    /** {@link #values()}, with {@code moreKeys} added to the map of awkward keys (attribute {@code keys}). */
    public static Map<String, Object> values(Map<String, Object> moreKeys) {
        Map<String, Object> oddKeys = new LinkedHashMap<>();
        oddKeys.put("a.b", 1);
        oddKeys.put("$x", 2);
        oddKeys.put("nul\u0000", 3);
        oddKeys.put("%2E", 4);
        oddKeys.putAll(moreKeys);
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("deep", nested(20));
        values.put("nines", new BigInteger("9".repeat(34)));
        values.put("widest", new BigDecimal("9".repeat(34) + "E+366"));
        values.put("finest", new BigDecimal("0." + "0".repeat(365) + "1".repeat(34)));
        values.put("huge", new BigDecimal("1E+399"));
        values.put("tiny", new BigDecimal("1E-399"));
        values.put("keys", oddKeys);
        return values;
    }

    /**
     * Checks that {@code back} holds every one of {@code values} (decimals compared by value, as a store may change
     * their scale; everything else by {@code equals}).
     *
     * @throws AssertionError naming the first attribute that differs
     */
    public static void assertHeldBy(Session back, Map<String, Object> values) {
        values.forEach((name, expected) -> {
            Object actual = back.getAttribute(name);
            boolean same = (expected instanceof BigDecimal e && actual instanceof BigDecimal a)
                    ? e.compareTo(a) == 0
                    : Objects.equals(expected, actual);
            if (!same) {
                throw new AssertionError("attribute " + name + ": expected " + expected + ", was " + actual);
            }
        });
    }

    /** Maps and lists nested {@code depth} levels deep, the innermost holding a string. */
    public static Object nested(int depth) {
        Object value = "leaf";
        for (int level = depth; level >= 1; level--) {
            if (level % 2 == 0) {
                value = new ArrayList<>(List.of(level, value));
            } else {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("level" + level, value);
                value = map;
            }
        }
        return value;
    }
}
