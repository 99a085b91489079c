package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.Iterator;

/**
 * The limits every attribute value must keep so that every backend can store it and read it back unchanged; checked
 * when the value is set ({@link Session#setAttribute}, {@link Session#updateAttribute}), before anything is written.
 * The strictest backend decides: MariaDB's {@code JSON_VALID} refuses documents nested 32 levels deep, PostgreSQL's
 * {@code jsonb} writes numbers in plain decimal form ({@code 1E+1001} comes back with 1002 digits) while the JSON
 * reader refuses numbers longer than 1000 characters, and MongoDB keeps exact numbers as {@code Decimal128}, 34
 * significant digits. See {@code docs/FORMAT.md}.
 *
 * <ul>
 *   <li>Nesting: a value is at most {@link #MAX_DEPTH} lists/maps deep (a scalar is 0 deep, {@code [1]} is 1,
 *       {@code {"a":[1]}} is 2).</li>
 *   <li>Numbers: at most {@link #MAX_SIGNIFICANT_DIGITS} significant digits, and at most {@link #MAX_NUMBER_DIGITS}
 *       digits when written in plain decimal form ({@code 1E+399} has 400, {@code 1E-399} has 400: {@code 0.}, then
 *       398 zeros and a 1). Every {@code long} and every {@code double} fits (a double has at most 17 significant
 *       digits; the longest plain form, {@code 4.9E-324}, has 325 digits).</li>
 * </ul>
 */
public final class ValueLimits {
    /** The deepest nesting of lists and maps in one attribute value. */
    public static final int MAX_DEPTH = 20;
    /** The most digits of one number in plain decimal form. */
    public static final int MAX_NUMBER_DIGITS = 400;
    /**
     * The most significant digits of one number, as {@link BigDecimal#precision()} counts them (a {@code BigInteger}
     * 10^39 has 40): what MongoDB's {@code Decimal128} holds, so that every backend keeps numbers as native numbers.
     */
    public static final int MAX_SIGNIFICANT_DIGITS = 34;

    private ValueLimits() {}

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
        } else if (node.isNumber()
                && !(node.isIntegralNumber() && node.canConvertToLong())
                && !node.isDouble()
                && !node.isFloat()) {
            BigDecimal d = node.decimalValue();
            if (d.precision() > MAX_SIGNIFICANT_DIGITS) {
                throw new SessionCodecException("attribute '" + name + "' holds a number of " + d.precision()
                        + " significant digits; every backend can store at most " + MAX_SIGNIFICANT_DIGITS
                        + " exactly (docs/FORMAT.md)");
            }
            int digits = plainDigits(d);
            if (digits > MAX_NUMBER_DIGITS) {
                throw new SessionCodecException("attribute '" + name + "' holds a number of " + digits
                        + " digits in plain decimal form; every backend can store at most " + MAX_NUMBER_DIGITS
                        + " (docs/FORMAT.md)");
            }
        }
    }

    /** The number of digits of {@code d} in plain decimal notation (sign and point not counted). */
    static int plainDigits(BigDecimal d) {
        int precision = d.precision();
        int scale = d.scale();
        // 123.45 → precision 5, scale 2: 5 digits; 0.001 → precision 1, scale 3: 4 digits; 1E+3 → scale -3: 4 digits
        return scale <= 0 ? precision - scale : Math.max(precision, scale + 1);
    }
}
