package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * The default codec: values are JSON values, or objects Jackson maps to JSON by their properties. No polymorphic
 * typing: a type name in the data is never used to instantiate anything; reads name their target type.
 */
final class JsonAttributeCodec implements AttributeCodec {
    static final JsonAttributeCodec INSTANCE = new JsonAttributeCodec();

    private JsonAttributeCodec() {}

    @Override
    public JsonNode encode(String name, Object value) {
        try {
            return Json.MAPPER.valueToTree(value);
        } catch (IllegalArgumentException | StackOverflowError e) {
            throw new SessionCodecException(
                    "attribute '" + name + "': a " + value.getClass().getName() + " cannot be stored as JSON: "
                            + rootMessage(e),
                    e);
        }
    }

    @Override
    public @Nullable Object decode(String name, JsonNode node) {
        return Json.toPlain(node);
    }

    @Override
    public <T> @Nullable T decode(String name, JsonNode node, Class<T> type) {
        try {
            return Json.MAPPER.treeToValue(node, type);
        } catch (Exception e) {
            throw new SessionCodecException(
                    "attribute '" + name + "' cannot be read as " + type.getName() + ": " + rootMessage(e), e);
        }
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
