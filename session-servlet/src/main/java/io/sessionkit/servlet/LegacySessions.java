package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where a request's session may come from when it presents no live SessionKit session: the configured
 * {@link SessionImporter} (for a cookie value that is not a SessionKit id), then, with
 * {@code adopt-container-sessions}, the container's own session. The one place both paths are decided; what is done
 * with a session found here (a fresh id, the codec, the cookie) is {@code SessionRequest}'s, the same for both.
 */
final class LegacySessions {
    /** The {@link ImportedSession#source()} of an adopted container session. */
    static final String CONTAINER_SOURCE = "container";

    static final LegacySessions NONE = new LegacySessions(null, false);

    private final @Nullable SessionImporter importer;
    private final boolean adoptContainerSessions;

    /**
     * A session found, and what to do once its copy is stored and its cookie set: tell the importer, or invalidate the
     * container session.
     */
    record Found(ImportedSession session, Runnable afterStored) {}

    LegacySessions(@Nullable SessionImporter importer, boolean adoptContainerSessions) {
        this.importer = importer;
        this.adoptContainerSessions = adoptContainerSessions;
    }

    static LegacySessions of(SessionFilterConfig config) {
        return config.importer().isEmpty() && !config.adoptContainerSessions()
                ? NONE
                : new LegacySessions(config.importer().orElse(null), config.adoptContainerSessions());
    }

    /** Whether anything could be found at all: false spares a request the work. */
    boolean active() {
        return importer != null || adoptContainerSessions;
    }

    /**
     * The session to import for this request, or null. Never throws: an importer that fails is logged, and the request
     * goes on without it.
     *
     * @param request      the request the application sees (handed to the importer)
     * @param container    the container's own request, whose session may be adopted
     * @param legacyCookie the first value of the session cookie that is not a SessionKit id, or null
     */
    @Nullable
    Found find(HttpServletRequest request, HttpServletRequest container, @Nullable String legacyCookie) {
        SessionImporter i = importer;
        if (i != null && legacyCookie != null) {
            try {
                Optional<ImportedSession> found = i.find(request, legacyCookie);
                if (found.isPresent()) {
                    ImportedSession s = found.get();
                    return new Found(s, () -> i.imported(request, s));
                }
            } catch (RuntimeException e) {
                // The exception only: the cookie value is a credential and is never logged here.
                SessionFilter.LOG.log(
                        System.Logger.Level.WARNING,
                        "session importer " + i.getClass().getName()
                                + " failed; the request goes on without importing: " + e,
                        e);
            }
        }
        return adoptContainerSessions ? containerSession(container) : null;
    }

    /**
     * The container's live session named by its cookie, as an {@link ImportedSession}; null if there is none. Only a
     * cookie counts: ids in URLs leak (logs, Referer), and SessionKit never takes an id from a URL.
     */
    private static @Nullable Found containerSession(HttpServletRequest container) {
        try {
            if (container.getRequestedSessionId() == null || !container.isRequestedSessionIdFromCookie()) {
                return null;
            }
            HttpSession session = container.getSession(false);
            if (session == null) {
                return null;
            }
            Map<String, Object> attributes = new LinkedHashMap<>();
            for (String name : Collections.list(session.getAttributeNames())) {
                Object value = session.getAttribute(name);
                if (value != null) {
                    attributes.put(name, value);
                }
            }
            return new Found(new ImportedSession(CONTAINER_SOURCE, attributes, null), () -> invalidate(session));
        } catch (IllegalStateException e) {
            // Invalidated meanwhile (another request of the same user adopted it first): nothing left to adopt.
            return null;
        }
    }

    private static void invalidate(HttpSession session) {
        try {
            session.invalidate();
        } catch (IllegalStateException alreadyInvalidated) {
            // Another request adopted it at the same moment and invalidated it first.
        }
    }
}
