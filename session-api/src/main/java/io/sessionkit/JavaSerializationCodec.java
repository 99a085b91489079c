package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Base64;

/**
 * Opt-in codec for legacy apps that keep {@link Serializable} objects in the session. Strings, numbers, booleans and
 * null stay plain JSON; anything else is Java-serialized and stored as {@code {"@java": "<base64>"}}. Reading is
 * guarded by a JEP 290 {@link ObjectInputFilter} built from an allow-list: a class outside it is refused before it
 * is instantiated.
 */
final class JavaSerializationCodec implements AttributeCodec {
    static final String FIELD = "@java";
    /**
     * Always allowed: the plain JDK value types ({@code java.lang.Object} itself only so that the {@code Object[]}
     * inside collections passes; it is not Serializable). Applications add their own classes and packages.
     */
    static final String BASE_ALLOW = "java.lang.Object;java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Short;"
            + "java.lang.Byte;java.lang.Double;java.lang.Float;java.lang.Boolean;java.lang.Character;java.lang.Enum;"
            + "java.math.BigDecimal;java.math.BigInteger;java.util.ArrayList;java.util.LinkedList;java.util.HashMap;"
            + "java.util.LinkedHashMap;java.util.TreeMap;java.util.Map$Entry;java.util.HashSet;java.util.LinkedHashSet;java.util.TreeSet;"
            + "java.util.Collections$*;java.util.ImmutableCollections$*;java.util.CollSer;java.time.Ser;java.util.UUID;"
            + "java.time.*";
    static final String LIMITS = "maxdepth=32;maxrefs=100000;maxarray=1000000;maxbytes=16777216";

    private final ObjectInputFilter filter;
    private final String pattern;

    JavaSerializationCodec(String allowList) {
        String user = allowList == null ? "" : allowList.trim();
        this.pattern = LIMITS + ";" + BASE_ALLOW + (user.isEmpty() ? "" : ";" + user) + ";!*";
        this.filter = ObjectInputFilter.Config.createFilter(pattern);
    }

    String pattern() {
        return pattern;
    }

    @Override
    public JsonNode encode(String name, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Double) {
            return JsonAttributeCodec.INSTANCE.encode(name, value);
        }
        if (!(value instanceof Serializable)) {
            throw new SessionCodecException("attribute '" + name + "': " + value.getClass().getName()
                    + " is not Serializable, so the Java serialization codec cannot store it");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new SessionCodecException("attribute '" + name + "': cannot serialize " + value.getClass().getName() + ": " + e, e);
        }
        // Refuse at write time what could not be read back, instead of failing every later request.
        decodeBytes(name, bytes.toByteArray());
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(FIELD, Base64.getEncoder().encodeToString(bytes.toByteArray()));
        return node;
    }

    @Override
    public Object decode(String name, JsonNode node) {
        if (node != null && node.isObject() && node.size() == 1 && node.has(FIELD) && node.get(FIELD).isTextual()) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.get(FIELD).textValue());
            } catch (IllegalArgumentException e) {
                throw new SessionCodecException("attribute '" + name + "': stored Java object is not valid base64", e);
            }
            return decodeBytes(name, bytes);
        }
        return Json.toPlain(node);
    }

    @Override
    public <T> T decode(String name, JsonNode node, Class<T> type) {
        Object value = decode(name, node);
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        return JsonAttributeCodec.INSTANCE.decode(name, node, type);
    }

    private Object decodeBytes(String name, byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            return in.readObject();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            throw new SessionCodecException("attribute '" + name + "': Java object refused or unreadable (allow-list: "
                    + "sessionkit.codec.java.filter): " + e.getMessage(), e);
        }
    }
}
