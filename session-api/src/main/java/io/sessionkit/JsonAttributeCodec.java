package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The default codec: values are JSON values, or objects Jackson maps to JSON by their properties; the types registered
 * in {@link ValueTypes} come back as themselves. No polymorphic typing: a type name in the data is never used to
 * instantiate anything; reads name their target type or find a registered alias.
 */
final class JsonAttributeCodec implements AttributeCodec {
    static final JsonAttributeCodec INSTANCE = new JsonAttributeCodec(ValueTypes.none());

    private final ValueTypes types;

    JsonAttributeCodec(ValueTypes types) {
        this.types = types;
    }

    ValueTypes types() {
        return types;
    }

    @Override
    public JsonNode encode(String name, Object value) {
        try {
            return types.encode(value);
        } catch (SessionCodecException e) {
            throw new SessionCodecException("attribute '" + name + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException | StackOverflowError e) {
            throw new SessionCodecException(
                    "attribute '" + name + "': a " + value.getClass().getName() + " cannot be stored as JSON: "
                            + rootMessage(e),
                    e);
        }
    }

    @Override
    public @Nullable Object decode(String name, JsonNode node) {
        try {
            return types.decode(node);
        } catch (SessionCodecException e) {
            throw new SessionCodecException("attribute '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public <T> @Nullable T decode(String name, JsonNode node, Class<T> type) {
        try {
            return types.decode(node, type);
        } catch (SessionCodecException e) {
            throw new SessionCodecException("attribute '" + name + "' " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new SessionCodecException(
                    "attribute '" + name + "' cannot be read as " + type.getName() + ": " + rootMessage(e), e);
        }
    }

    @Override
    public @Nullable String firstUndecodable(String attributesText, ObjectNode attributes) {
        // Most sessions hold no tag: one scan of the text instead of a walk of the tree. A tag written with escapes
        // (a backslash-u escape for the at sign) is still refused when read, only later.
        if (!attributesText.contains("\"" + ValueTypes.TYPE + "\"")) {
            return null;
        }
        for (Map.Entry<String, JsonNode> e : attributes.properties()) {
            if (types.unknownTag(e.getValue()) != null) {
                return e.getKey();
            }
        }
        return null;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        if (m == null) {
            return t.getClass().getSimpleName();
        }
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl) : m;
    }
}
