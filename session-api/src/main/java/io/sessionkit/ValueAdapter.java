package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Writes one registered type as JSON and reads it back, for types Jackson cannot map by their properties (immutable
 * framework classes without a default constructor, such as Spring Security's tokens). Registered with
 * {@link ValueTypes.Builder#register(String, Class, ValueAdapter)}; the stored form is documented in docs/FORMAT.md.
 *
 * <p>Nested values go through {@link ValueContext}, so they are registered types or plain JSON values too: an adapter
 * never instantiates a class it found named in the data.
 *
 * @param <T> the registered type
 */
public interface ValueAdapter<T> {

    /**
     * The JSON form of {@code value}.
     *
     * @throws SessionCodecException when a part of it cannot be stored
     */
    JsonNode write(T value, ValueContext context);

    /**
     * The value back from what {@link #write} stored (or another writer stored in the documented form).
     *
     * @throws SessionCodecException or any {@link RuntimeException} when {@code json} is not a valid form; the codec
     *     reports either as a {@link SessionCodecException} and applies the decode-failure policy
     */
    T read(JsonNode json, ValueContext context);
}
