package io.sessionkit.servlet;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A session found by a {@link SessionImporter}, to be copied into a new SessionKit session.
 *
 * @param source     a short name of where it came from ({@code spring-session-redis}, {@code container}): the
 *                   {@code source} tag of the import metric and the log lines; non-blank
 * @param attributes the attribute values by name, as the application stored them; each is encoded by the manager's
 *                   codec, and one it cannot encode is skipped (see {@link SessionImporter}). Copied; a null value
 *                   is refused (a removed attribute is simply absent)
 * @param principal  the logged-in user's name, for the principal index, or null
 */
public record ImportedSession(
        String source,
        Map<String, Object> attributes,
        @Nullable String principal) {
    public ImportedSession {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(attributes, "attributes");
        if (source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
        for (Map.Entry<String, Object> e : attributes.entrySet()) {
            Objects.requireNonNull(e.getKey(), "attribute name");
            Objects.requireNonNull(e.getValue(), () -> "value of attribute '" + e.getKey() + "'");
        }
        // Insertion order kept, so attributes are copied in the order the source listed them.
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }
}
