package io.sessionkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** How records are shown: short key and metadata; attribute names and sizes; values only when asked. */
final class Views {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Views() {}

    /** The metadata of a record, never its attribute values; the short key only. */
    static Map<String, Object> metadata(SessionRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", r.key().shortForm());
        m.put("version", r.version());
        m.put("createdAt", r.createdAt().toString());
        m.put("lastAccessedAt", r.lastAccessedAt().toString());
        m.put("expiresAt", r.expiresAt().toString());
        m.put("maxIdleSeconds", r.maxIdle().toSeconds());
        m.put("principal", r.principal());
        m.put("attributeBytes", r.attributes().getBytes(StandardCharsets.UTF_8).length);
        return m;
    }

    /** One line of metadata. */
    static String line(SessionRecord r) {
        return r.key().shortForm() + "  v" + r.version() + "  created " + r.createdAt() + "  accessed "
                + r.lastAccessedAt() + "  expires " + r.expiresAt() + "  idle " + human(r.maxIdle()) + "  "
                + r.attributes().getBytes(StandardCharsets.UTF_8).length + " B";
    }

    /** Attribute name → its JSON value (as stored); insertion order. Undecodable text gives one entry. */
    static Map<String, JsonNode> attributes(SessionRecord r) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        try {
            JsonNode node = JSON.readTree(r.attributes());
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                out.put(e.getKey(), e.getValue());
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored attributes are not a JSON object", e);
        }
        return out;
    }

    /** The size of one attribute's value: the UTF-8 bytes of its JSON text. */
    static int size(JsonNode value) {
        return value.toString().getBytes(StandardCharsets.UTF_8).length;
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s % 86_400 == 0) {
            return s / 86_400 + "d";
        }
        if (s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
