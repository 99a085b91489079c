package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;

/**
 * The limits every attribute value must keep so that every backend can store it and read it back unchanged; checked
 * when the value is set ({@link Session#setAttribute}, {@link Session#updateAttribute}), before anything is written.
 * The strictest backend decides: MariaDB's {@code JSON_VALID} refuses documents nested 32 levels deep, PostgreSQL's
 * {@code jsonb} writes numbers in plain decimal form ({@code 1E+1001} comes back with 1002 digits) and the JSON reader
 * refuses numbers longer than 1000 characters. See {@code docs/FORMAT.md}.
 *
 * <ul>
 *   <li>Nesting: a value is at most {@link #MAX_DEPTH} lists/maps deep (a scalar is 0 deep, {@code [1]} is 1,
 *       {@code {"a":[1]}} is 2).</li>
 *   <li>Numbers: at most {@link #MAX_NUMBER_DIGITS} digits when written in plain decimal form
 *       ({@code 1E+399} has 400, {@code 1E-399} has 400: {@code 0.}, then 398 zeros and a 1). Every {@code double}
 *       fits (the longest, {@code 4.9E-324}, has 325).</li>
 * </ul>
 */
public final class ValueLimits {
    /** The deepest nesting of lists and maps in one attribute value. */
    public static final int MAX_DEPTH = 20;
    /** The most digits of one number in plain decimal form. */
    public static final int MAX_NUMBER_DIGITS = 400;

    private ValueLimits() {
    }

    /**
     * @throws SessionCodecException naming the attribute and the limit, if {@code value} exceeds one
     */
    static void check(String name, JsonNode value) {
        check(name, value, 0);
    }

    private static void check(String name, JsonNode node, int depth) {
        if (node.isContainerNode()) {
            if (depth + 1 > MAX_DEPTH) {
                throw new SessionCodecException("attribute '" + name + "' is nested more than " + MAX_DEPTH
                        + " lists/maps deep; every backend can store at most that (docs/FORMAT.md)");
            }
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                check(name, it.next(), depth + 1);
            }
        } else if (node.isNumber()) {
            int digits = plainDigits(node);
            if (digits > MAX_NUMBER_DIGITS) {
                throw new SessionCodecException("attribute '" + name + "' holds a number of " + digits
                        + " digits in plain decimal form; every backend can store at most " + MAX_NUMBER_DIGITS
                        + " (docs/FORMAT.md)");
            }
        }
    }

    /** The number of digits of the number in plain decimal notation (sign and point not counted). */
    static int plainDigits(JsonNode number) {
        if (number.isIntegralNumber() && number.canConvertToLong()) {
            return 19; // at most
        }
        if (number.isBigInteger()) {
            return number.bigIntegerValue().abs().toString().length();
        }
        BigDecimal d = number.isDouble() || number.isFloat()
                ? (Double.isFinite(number.doubleValue()) ? BigDecimal.valueOf(number.doubleValue()) : BigDecimal.ZERO)
                : number.decimalValue();
        int precision = d.precision();
        int scale = d.scale();
        // 123.45 → precision 5, scale 2: 5 digits; 0.001 → precision 1, scale 3: 4 digits; 1E+3 → scale -3: 4 digits
        return scale <= 0 ? precision - scale : Math.max(precision, scale + 1);
    }
}
