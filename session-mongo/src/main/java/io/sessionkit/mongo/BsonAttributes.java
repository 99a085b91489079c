package io.sessionkit.mongo;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.sessionkit.SessionCodecException;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.jspecify.annotations.Nullable;

/**
 * Converts the attributes of a record between their JSON text and a native BSON document, so that they read
 * naturally in the mongo shell and another driver can query them.
 *
 * <p>Numbers keep their value and their kind: JSON integers become Int32 or Int64 when they fit and Decimal128
 * otherwise; JSON decimals become Double when the shortest decimal form of the nearest double equals the written
 * value (so {@code 0.1} and {@code 1e308} stay doubles) and Decimal128 otherwise (a 30-digit decimal stays exact).
 * A number that not even Decimal128 holds exactly (more than 34 significant digits, or an exponent beyond its range)
 * is stored as its JSON text in a one-field sub-document {@code {"%num": "<text>"}}, so it reads back exactly and is
 * never rounded; the name cannot come from an attribute, since {@code %} in a name is always escaped.
 *
 * <p>Field names: BSON cannot hold a NUL character in a name, and MongoDB treats {@code .} and a leading {@code $}
 * specially, so those characters and {@code %} itself are percent-escaped ({@code %00 %2E %24 %25}). Every other name
 * is stored as it is.
 */
final class BsonAttributes {
    /**
     * How deep the attributes sub-document may nest, {@code attrs} itself counting as one level. MongoDB refuses
     * documents nested more than 100 levels; the session document takes one and one is kept in reserve.
     */
    static final int MAX_DEPTH = 98;

    /**
     * The only field of the sub-document that holds a number Decimal128 cannot hold exactly, as JSON number text.
     * Every {@code %} of an attribute name is escaped to {@code %25}, so no attribute name is ever stored like this.
     */
    static final String NUMBER_TEXT = "%num";

    /** Significant digits Decimal128 holds. */
    private static final int DECIMAL128_DIGITS = 34;

    /** A JSON number, as RFC 8259 writes it; checked on read, since a document may have been edited by hand. */
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(200)
                    .maxNumberLength(1000)
                    .build())
            .build();

    private BsonAttributes() {}

    /** The BSON form of a JSON object text. */
    static BsonDocument toBson(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SessionCodecException("attributes are not a JSON object");
            }
            BsonDocument doc = readObject(p, 1);
            if (p.nextToken() != null) {
                throw new SessionCodecException("attributes have trailing content after the JSON object");
            }
            return doc;
        } catch (IOException e) {
            throw new SessionCodecException(
                    "attributes are not valid JSON: "
                            + (e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage()),
                    e);
        }
    }

    /** The JSON text of a BSON document written by {@link #toBson}, or by hand in the shell. */
    static String toJson(BsonDocument doc) {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            writeValue(g, doc, "attrs");
        } catch (IOException e) {
            throw new SessionCodecException("cannot write attributes as JSON", e);
        }
        return w.toString();
    }

    private static BsonDocument readObject(JsonParser p, int depth) throws IOException {
        checkDepth(depth);
        BsonDocument doc = new BsonDocument();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            doc.put(escape(name), readValue(p, depth));
        }
        return doc;
    }

    private static BsonValue readValue(JsonParser p, int depth) throws IOException {
        JsonToken t = p.currentToken();
        return switch (t) {
            case START_OBJECT -> readObject(p, depth + 1);
            case START_ARRAY -> {
                checkDepth(depth + 1);
                BsonArray array = new BsonArray();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(p, depth + 1));
                }
                yield array;
            }
            case VALUE_STRING -> new BsonString(p.getText());
            case VALUE_TRUE -> BsonBoolean.TRUE;
            case VALUE_FALSE -> BsonBoolean.FALSE;
            case VALUE_NULL -> BsonNull.VALUE;
            case VALUE_NUMBER_INT ->
                switch (p.getNumberType()) {
                    case INT -> new BsonInt32(p.getIntValue());
                    case LONG -> new BsonInt64(p.getLongValue());
                    default -> {
                        BigDecimal integer = new BigDecimal(p.getBigIntegerValue());
                        // Decimal128 would keep 10^40 as 1E+40, which reads back as a decimal: an integer it cannot
                        // hold with exponent 0 keeps its text instead.
                        yield integer.precision() <= DECIMAL128_DIGITS
                                ? decimal128(integer, p.getText(), depth)
                                : numberText(p.getText(), depth);
                    }
                };
            case VALUE_NUMBER_FLOAT -> {
                BigDecimal exact;
                try {
                    exact = p.getDecimalValue();
                } catch (NumberFormatException beyondBigDecimal) {
                    // An exponent beyond an int (366666666e66666666666, found by fuzzing) is valid JSON that not even
                    // BigDecimal holds: like any number Decimal128 cannot hold, it keeps its text.
                    yield numberText(p.getText(), depth);
                }
                double d = exact.doubleValue();
                yield Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(exact) == 0
                        ? new BsonDouble(d)
                        : decimal128(exact, p.getText(), depth);
            }
            default -> throw new SessionCodecException("unexpected JSON token " + t + " in attributes");
        };
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw new SessionCodecException("attributes nest deeper than MongoDB stores (at most " + MAX_DEPTH
                    + " levels of objects and lists under attrs)");
        }
    }

    private static BsonValue decimal128(BigDecimal value, String text, int depth) {
        try {
            return new BsonDecimal128(new Decimal128(value));
        } catch (NumberFormatException inexact) {
            // Decimal128 holds 34 significant digits and exponents within about +-6144; rounding a session value
            // silently is not an option, so the number keeps its JSON text.
            return numberText(text, depth);
        }
    }

    private static BsonDocument numberText(String text, int depth) {
        checkDepth(depth + 1);
        return new BsonDocument(NUMBER_TEXT, new BsonString(text));
    }

    /** The JSON number text of a {@link #NUMBER_TEXT} sub-document, or null if {@code doc} is not one. */
    private static @Nullable String numberText(BsonDocument doc, String where) {
        if (doc.size() != 1 || !doc.containsKey(NUMBER_TEXT)) {
            return null;
        }
        BsonValue text = doc.get(NUMBER_TEXT);
        if (!text.isString() || !JSON_NUMBER.matcher(text.asString().getValue()).matches()) {
            throw new SessionCodecException("attribute '" + where + "' holds a " + NUMBER_TEXT
                    + " sub-document that is not a JSON number text");
        }
        return text.asString().getValue();
    }

    private static void writeValue(JsonGenerator g, BsonValue v, String where) throws IOException {
        switch (v.getBsonType()) {
            case DOCUMENT -> writeDocument(g, v.asDocument(), where);
            case ARRAY -> {
                g.writeStartArray();
                for (BsonValue item : v.asArray()) {
                    writeValue(g, item, where);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(v.asString().getValue());
            case BOOLEAN -> g.writeBoolean(v.asBoolean().getValue());
            case NULL -> g.writeNull();
            case INT32 -> g.writeNumber(v.asInt32().getValue());
            case INT64 -> g.writeNumber(v.asInt64().getValue());
            case DOUBLE -> {
                double d = v.asDouble().getValue();
                if (!Double.isFinite(d)) {
                    throw new SessionCodecException(
                            "attribute '" + where + "' holds " + d + ", which JSON cannot express");
                }
                g.writeNumber(d);
            }
            case DECIMAL128 -> {
                Decimal128 d = v.asDecimal128().getValue();
                if (d.isNaN() || d.isInfinite()) {
                    throw new SessionCodecException(
                            "attribute '" + where + "' holds " + d + ", which JSON cannot express");
                }
                BigDecimal exact;
                try {
                    exact = d.bigDecimalValue();
                } catch (ArithmeticException negativeZero) {
                    // Decimal128 has a negative zero that BigDecimal refuses; in JSON -0 and 0 are the same number.
                    exact = BigDecimal.ZERO;
                }
                if (exact.scale() == 0 && exact.unscaledValue().bitLength() < 64) {
                    // Within a long, an integer token becomes Int64: this Decimal128 came from a decimal token with an
                    // integral value that no double holds (56789030102444710E0, found by fuzzing). Written with its
                    // exponent, it reads back as the same Decimal128, not as an Int64.
                    g.writeNumber(exact.toPlainString() + "E0");
                } else if (exact.scale() == 0) {
                    // Written as an integer so that a big integer reads back as an integer.
                    g.writeNumber(exact.toBigInteger());
                } else {
                    g.writeNumber(exact);
                }
            }
            default ->
                throw new SessionCodecException(
                        "attribute '" + where + "' holds BSON type " + v.getBsonType() + ", which has no JSON form");
        }
    }

    /** A sub-document: a number kept as its text, or an object whose field names are unescaped. */
    private static void writeDocument(JsonGenerator g, BsonDocument doc, String where) throws IOException {
        String number = numberText(doc, where);
        if (number != null) {
            g.writeNumber(number);
            return;
        }
        g.writeStartObject();
        for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
            String name = unescape(e.getKey());
            g.writeFieldName(name);
            writeValue(g, e.getValue(), name);
        }
        g.writeEndObject();
    }

    static String escape(String name) {
        boolean plain = !name.startsWith("$");
        for (int i = 0; plain && i < name.length(); i++) {
            char c = name.charAt(i);
            plain = c != '\0' && c != '.' && c != '%';
        }
        if (plain) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\0' -> sb.append("%00");
                case '.' -> sb.append("%2E");
                case '%' -> sb.append("%25");
                case '$' -> sb.append(i == 0 ? "%24" : "$");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    static String unescape(String name) {
        int pct = name.indexOf('%');
        if (pct < 0) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        sb.append(name, 0, pct);
        for (int i = pct; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '%' && i + 2 < name.length()) {
                String code = name.substring(i + 1, i + 3);
                switch (code) {
                    case "00" -> sb.append('\0');
                    case "2E" -> sb.append('.');
                    case "24" -> sb.append('$');
                    case "25" -> sb.append('%');
                    default -> throw new SessionCodecException("attribute name has an unknown escape %" + code);
                }
                i += 2;
            } else if (c == '%') {
                throw new SessionCodecException("attribute name ends in an incomplete escape");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
