package io.sessionkit.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What goes into the {@code data} column: the attributes' JSON object text, with two PostgreSQL JSONB exceptions.
 * <ul>
 *   <li>JSONB cannot hold the character U+0000 (it refuses the {@code \u0000} escape), so for attributes that contain
 *       it {@code data} holds a JSON <em>string</em> whose content is the attributes' JSON text. Attributes are always
 *       an object, so a string in {@code data} is never ambiguous.</li>
 *   <li>JSONB keeps numbers exactly but not their spelling: {@code 1.0E20} comes back as the integer
 *       {@code 100000000000000000000}, which a reader would take for an integer. Such numbers are written in plain
 *       decimal form with a fraction ({@code 100000000000000000000.0}), which JSONB keeps as a decimal.</li>
 * </ul>
 */
final class StoredData {
    private static final JsonFactory JSON = new JsonFactory();
    private static final String NUL_ESCAPE = "\\u0000";
    private static final Pattern EXPONENT = Pattern.compile("[0-9][eE]");
    private static final int MAX_PLAIN_DIGITS = 400;

    private StoredData() {}

    static String encode(Dialect dialect, String attributes) {
        if (dialect != Dialect.POSTGRESQL) {
            return attributes;
        }
        if (attributes.contains(NUL_ESCAPE)) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(attributes)) + '"';
        }
        return EXPONENT.matcher(attributes).find() ? plainExponents(attributes) : attributes;
    }

    /** Rewrites decimals in exponent form whose value is integral as plain decimals with a fraction. */
    private static String plainExponents(String attributes) {
        StringWriter out = new StringWriter(attributes.length() + 16);
        try (JsonParser p = JSON.createParser(attributes);
                JsonGenerator g = JSON.createGenerator(out)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                    g.writeNumber(plainIfIntegral(p.getText()));
                } else {
                    g.copyCurrentEvent(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not JSON after all: store it as given and let the column type refuse it.
            return attributes;
        }
        return out.toString();
    }

    private static String plainIfIntegral(String number) {
        if (number.indexOf('e') < 0 && number.indexOf('E') < 0) {
            return number;
        }
        BigDecimal value = new BigDecimal(number);
        // Only integral values lose their decimal point in JSONB; a bound keeps 1E+100000 from becoming 100000 digits.
        if (value.scale() > 0 || value.precision() - value.scale() > MAX_PLAIN_DIGITS) {
            return number;
        }
        return value.toPlainString() + ".0";
    }

    /**
     * The attributes text of a stored {@code data} value, or null if it holds neither an object nor a string. Only
     * the shape is checked: the JSON column types already refuse malformed JSON, and parsing the attributes is the
     * SessionManager's job.
     */
    static @Nullable String decode(@Nullable String data) {
        if (data == null) {
            return null;
        }
        String s = data.strip();
        if (s.length() >= 2 && s.charAt(0) == '{' && s.charAt(s.length() - 1) == '}') {
            return data;
        }
        if (s.length() >= 2 && s.charAt(0) == '"') {
            try (JsonParser p = JSON.createParser(s)) {
                if (p.nextToken() == JsonToken.VALUE_STRING) {
                    String inner = p.getText();
                    if (p.nextToken() == null) {
                        String t = inner.strip();
                        return t.startsWith("{") && t.endsWith("}") ? inner : null;
                    }
                }
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }
}
