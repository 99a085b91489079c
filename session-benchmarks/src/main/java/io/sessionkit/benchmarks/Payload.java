package io.sessionkit.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.Session;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** A small shop session's attributes padded to an exact JSON size; {@code json} is what the raw clients store. */
record Payload(Map<String, Object> attributes, String json) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Payload ofSize(int bytes) throws JsonProcessingException {
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
        char[] filler = new char[bytes - JSON.writeValueAsString(attributes).length()];
        for (int i = 0; i < filler.length; i++) {
            filler[i] = (char) ('a' + random.nextInt(26));
        }
        attributes.put("filler", new String(filler));
        String json = JSON.writeValueAsString(attributes);
        if (json.length() != bytes) {
            throw new IllegalStateException("payload is " + json.length() + " bytes, wanted " + bytes);
        }
        return new Payload(Map.copyOf(attributes), json);
    }

    void applyTo(Session session) {
        attributes.forEach(session::setAttribute);
    }
}
