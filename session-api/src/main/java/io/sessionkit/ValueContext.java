package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ValueAdapter} uses for the values nested in the one it writes: each is a registered type (stored
 * tagged) or a plain JSON value (null, String, Boolean, a number, a Map with String keys, a List or array of these).
 * Anything else is refused when written instead of coming back as a {@code Map} later.
 */
public interface ValueContext {

    /**
     * The stored form of a nested value.
     *
     * @throws SessionCodecException when it is neither a registered type nor a plain JSON value
     */
    JsonNode write(@Nullable Object value);

    /**
     * A nested value back: a registered type for a tagged form, else its plain Java form (as
     * {@link Session#getAttribute(String)} gives).
     *
     * @throws SessionCodecException when a tag names no registered type
     */
    @Nullable
    Object read(@Nullable JsonNode json);

    /**
     * A nested value that must be a {@code type}.
     *
     * @throws SessionCodecException when it is not
     */
    <T> @Nullable T read(@Nullable JsonNode json, Class<T> type);
}
