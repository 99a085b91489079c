package io.sessionkit.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The attributes of one benchmark session, shaped like a small shop session (user, locale, a cart) and padded with
 * incompressible text so that their JSON is exactly {@code bytes} long. The raw baselines store that same JSON text,
 * so both sides move the same number of bytes.
 *
 * @param json the attributes as one JSON object text, ASCII only, as the raw clients store it
 */
record Payload(Map<String, Object> attributes, String json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Attributes whose JSON object text is exactly {@code bytes} bytes (at least 256). */
    static Payload ofSize(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("sessions below 256 bytes are not modelled, was " + bytes);
        }
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("user", "user-0001234");
        attributes.put("locale", "en-GB");
        attributes.put("cart", List.of(Map.of("sku", "A-1001", "qty", 2), Map.of("sku", "B-2002", "qty", 1)));
        attributes.put("filler", "");
        // Random letters: a JSON-aware or compressing server gets no unfair shortcut over the raw bytes.
        SplittableRandom random = new SplittableRandom(42);
        char[] filler = new char[bytes - write(attributes).length()];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = (char) ('a' + random.nextInt(26));
        }
        attributes.put("filler", new String(filler));
        String json = write(attributes);
        if (json.length() != bytes) {
            throw new IllegalStateException("payload is " + json.length() + " bytes, wanted " + bytes);
        }
        return new Payload(Map.copyOf(attributes), json);
    }

    /** Sets every attribute on a session. */
    void applyTo(Session session) {
        attributes.forEach(session::setAttribute);
    }

    private static String write(Map<String, Object> attributes) {
        try {
            return JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
