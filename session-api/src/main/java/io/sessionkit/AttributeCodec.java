package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jspecify.annotations.Nullable;

/** Turns attribute values into JSON values and back. Chosen by {@code sessionkit.codec}. */
sealed interface AttributeCodec permits JsonAttributeCodec, JavaSerializationCodec {

    /**
     * The JSON form in which {@code value} is stored.
     *
     * @throws SessionCodecException naming the attribute when the value cannot be stored
     */
    JsonNode encode(String name, Object value);

    /** The plain Java form of a stored value. @throws SessionCodecException when it cannot be decoded */
    @Nullable
    Object decode(String name, JsonNode node);

    /** The stored value as {@code type}. @throws SessionCodecException when it cannot be read as that type */
    <T> @Nullable T decode(String name, JsonNode node, Class<T> type);

    /**
     * The name of the first attribute this codec can tell at once, without instantiating anything, it will not decode
     * (a type tag naming no registered type), or null. Checked when a session loads, so that {@code DROP_SESSION}
     * treats such a session as absent instead of failing the request that reads the attribute.
     */
    default @Nullable String firstUndecodable(String attributesText, ObjectNode attributes) {
        return null;
    }
}
