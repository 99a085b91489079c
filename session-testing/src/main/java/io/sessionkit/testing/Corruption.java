package io.sessionkit.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The kinds of bad stored record a store must survive (report as undecodable, never loop, never fail a save), and
 * for stores that keep SessionKit's JSON envelope as bytes (memcached, Redis) the hostile bytes themselves:
 * {@link #of(String)} turns a good envelope, as a backdoor read it, into the corrupted one to write back.
 *
 * <p>Stores with typed columns or documents (JDBC, MongoDB) apply the kinds in their own terms (their backdoor knows
 * the layout); this type only names the kinds and, for byte stores, builds the bytes. It checks nothing by itself.
 */
public enum Corruption {
    /** The stored text is cut in the middle of the JSON. */
    TRUNCATED_JSON,
    /** A well-formed envelope with a format or version field this code cannot accept. */
    WRONG_VERSION_FIELD,
    /** Something else entirely under the key: plain text, binary, another application's value. */
    FOREIGN_DATA,
    /** A field of the wrong type, e.g. the attributes not being an object. */
    WRONG_FIELD_TYPE;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A Java-serialization stream header followed by junk: what another application's cache client might store under
     * the same key. A fresh array on every call.
     */
    public static byte[] foreignJavaSerialization() {
        return new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5, 't', 0, 3, 'f', 'o', 'o', (byte) 0xFF, 0};
    }

    /**
     * The corrupted bytes for a store that keeps the envelope {@code {"fmt":..,"v":..,"attrs":{..},...}} as bytes:
     * half of it; {@code fmt} 99; {@link #foreignJavaSerialization()}; {@code attrs} a string and {@code v} a word.
     */
    public byte[] of(String envelope) {
        try {
            return switch (this) {
                case TRUNCATED_JSON ->
                    envelope.substring(0, envelope.length() / 2).getBytes(StandardCharsets.UTF_8);
                case WRONG_VERSION_FIELD -> {
                    ObjectNode n = (ObjectNode) JSON.readTree(envelope);
                    n.put("fmt", 99);
                    yield JSON.writeValueAsBytes(n);
                }
                case FOREIGN_DATA -> foreignJavaSerialization();
                case WRONG_FIELD_TYPE -> {
                    ObjectNode n = (ObjectNode) JSON.readTree(envelope);
                    n.put("attrs", "not an object");
                    n.put("v", "three");
                    yield JSON.writeValueAsBytes(n);
                }
            };
        } catch (JsonProcessingException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON envelope: " + envelope, e);
        }
    }
}
