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
 * @param importedAs null for a session to copy; else the SessionKit id (the raw cookie value) the same legacy session
 *                   was already imported as by another request (see {@link #alreadyImported}): the request joins that
 *                   session instead of making a second one, and {@code attributes} and {@code principal} are empty
 */
public record ImportedSession(
        String source,
        Map<String, Object> attributes,
        @Nullable String principal,
        @Nullable String importedAs) {
    /** A session to copy into a new SessionKit session. */
    public ImportedSession(String source, Map<String, Object> attributes, @Nullable String principal) {
        this(source, attributes, principal, null);
    }

    /**
     * The legacy session was imported a moment ago by a concurrent request (on this node or another) as the SessionKit
     * session {@code sessionKitId}: the filter gives this request that session and its cookie, so the user ends up
     * with one session. If that id names no live session, the request goes on without a session from the importer.
     */
    public static ImportedSession alreadyImported(String source, String sessionKitId) {
        return new ImportedSession(source, Map.of(), null, Objects.requireNonNull(sessionKitId, "sessionKitId"));
    }

    /** Never shows {@code importedAs}: it is a live session id. */
    @Override
    public String toString() {
        return "ImportedSession[source=" + source + ", attributes=" + attributes.keySet() + ", principal="
                + (principal != null) + ", alreadyImported=" + (importedAs != null) + "]";
    }

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
