package io.sessionkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;

/**
 * The versioned JSON envelope that key-value backends (Redis, memcached) store as the value of a session key, and
 * that {@code docs/FORMAT.md} documents for readers in other languages:
 *
 * <pre>{"fmt":1,"v":3,"c":1732800000000,"a":1732800060000,"e":1732801860000,"mi":1800,"p":"alice","attrs":{"cart":[1,2]}}</pre>
 *
 * {@code c}, {@code a}, {@code e} are epoch milliseconds (created, last access, expires), {@code mi} the idle timeout
 * in seconds, {@code p} the principal or null, {@code attrs} the attribute object. Readers must ignore unknown fields
 * and refuse an {@code fmt} they do not know.
 */
public final class RecordEnvelope {
    /** The format version this code writes and reads. */
    public static final int FORMAT = 1;

    private RecordEnvelope() {}

    /** The envelope text of a record (its key is not part of it). */
    public static String encode(SessionRecord r) {
        StringWriter w = new StringWriter(r.attributes().length() + 128);
        try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeNumberField("fmt", FORMAT);
            g.writeNumberField("v", r.version());
            g.writeNumberField("c", r.createdAt().toEpochMilli());
            g.writeNumberField("a", r.lastAccessedAt().toEpochMilli());
            g.writeNumberField("e", r.expiresAt().toEpochMilli());
            g.writeNumberField("mi", r.maxIdle().toSeconds());
            g.writeStringField("p", r.principal());
            g.writeFieldName("attrs");
            g.writeRawValue(r.attributes());
            g.writeEndObject();
        } catch (IOException e) {
            throw new SessionCodecException("cannot encode record " + r.key().shortForm(), e);
        }
        return w.toString();
    }

    /**
     * Reads an envelope stored under {@code key}.
     *
     * @throws SessionCodecException if the text is not an envelope this version can read
     */
    public static SessionRecord decode(SessionKey key, String text) {
        // One streaming pass: the small fields are read as values, and the attribute object is validated and cut out
        // of the text as it stands instead of being built into a tree and written out again (which doubled the cost
        // of every load on Redis and memcached). Duplicate fields: the last one wins, as in a tree.
        ObjectNode fields = Json.MAPPER.getNodeFactory().objectNode();
        String attributes = null;
        try (JsonParser p = Json.MAPPER.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SessionCodecException("record " + key.shortForm() + " is not a JSON envelope");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("attrs".equals(name)) {
                    if (value == JsonToken.START_OBJECT) {
                        int start = Math.toIntExact(p.currentTokenLocation().getCharOffset());
                        p.skipChildren();
                        int end = Math.toIntExact(p.currentTokenLocation().getCharOffset()) + 1;
                        attributes = text.substring(start, end);
                    } else {
                        p.skipChildren();
                        attributes = null;
                    }
                } else {
                    fields.set(name, p.readValueAsTree());
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            if (e instanceof SessionCodecException codec) {
                throw codec;
            }
            throw new SessionCodecException("record " + key.shortForm() + " is not a JSON envelope", e);
        } catch (IOException e) {
            throw new SessionCodecException("record " + key.shortForm() + " is not a JSON envelope", e);
        }
        int fmt = fields.path("fmt").asInt(-1);
        if (fmt != FORMAT) {
            throw new SessionCodecException("record " + key.shortForm() + " has unknown format " + fields.path("fmt"));
        }
        try {
            if (attributes == null) {
                throw new SessionCodecException("record " + key.shortForm() + " has no attrs object");
            }
            JsonNode p = fields.get("p");
            return new SessionRecord(
                    key,
                    requireLong(fields, "v", key),
                    Instant.ofEpochMilli(requireLong(fields, "c", key)),
                    Instant.ofEpochMilli(requireLong(fields, "a", key)),
                    Duration.ofSeconds(requireLong(fields, "mi", key)),
                    Instant.ofEpochMilli(requireLong(fields, "e", key)),
                    p == null || p.isNull() ? null : p.asText(),
                    attributes);
        } catch (IllegalArgumentException | java.time.DateTimeException | ArithmeticException e) {
            throw new SessionCodecException("record " + key.shortForm() + " is invalid: " + e.getMessage(), e);
        }
    }

    private static long requireLong(ObjectNode n, String field, SessionKey key) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
            throw new SessionCodecException("record " + key.shortForm() + " has no integer field '" + field + "'");
        }
        return v.longValue();
    }
}
