package io.sessionkit.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * A source of sessions made before SessionKit (another session library, an older store): the way in that keeps users
 * logged in when an application switches to SessionKit. Set one with {@link SessionFilterConfig.Builder#importer}.
 *
 * <p><b>When it is asked.</b> Only when the request presents a session cookie (the configured cookie name) whose value
 * is not a well-formed SessionKit id, the request presents no live SessionKit session, and the application asks for a
 * session ({@code getSession}, with or without {@code create}). Then {@link #find} is called once for that request,
 * with the first such cookie value. Such a value never reaches {@code SessionId} parsing or the store: the importer
 * is the only code that sees it, so the strict id checks stay on for SessionKit ids. The id header
 * ({@code X-Session-Token}) is never offered to an importer.
 *
 * <p><b>What the filter does with a found session.</b> It creates a new SessionKit session under a fresh id (the
 * legacy id is never reused: importing is a rotation), copies the principal and every attribute through the
 * manager's codec, stores it at once, sets the new cookie (same name, so it replaces the legacy one in the browser),
 * and only then calls {@link #imported}, so the source can delete its legacy record knowing the session lives on. An
 * attribute value the codec cannot encode is skipped, never failing the request: a WARNING names the attribute (never
 * its value) and the skip is counted. The import is counted too, tagged with {@link ImportedSession#source()}.
 *
 * <p><b>Failures.</b> {@link #find} returning empty gives the request the usual behaviour: no session for
 * {@code getSession(false)}, a new empty one for {@code getSession(true)}. {@link #find} or {@link #imported}
 * throwing is logged at WARNING (with the exception, never the cookie value) and the request is served without the
 * import (or, for {@link #imported}, with the import kept: the legacy record then outlives it, and a later request
 * presenting the legacy cookie again would import it again). A store failure while storing the imported session is
 * answered like any store failure ({@code 503}) and {@link #imported} is not called, so nothing is lost: the next
 * request imports again.
 *
 * <p><b>Not done here.</b> No retry of {@link #find}; no caching of misses (a client that keeps presenting an unknown
 * legacy value costs one {@code find} per request that asks for a session, so an importer should answer unknown values
 * cheaply); no locking between two concurrent requests presenting the same legacy value: an importer that does not
 * coordinate them lets both import (two sessions; {@link #imported} should delete idempotently, and only one of the
 * two new cookies survives in the browser). One that does (claims the import in its store) answers the others with
 * {@link ImportedSession#alreadyImported}: they join the session the first request made, whose id {@link #imported}
 * reads from {@code request.getSession(false).getId()}. Implementations must be thread-safe: one instance serves all
 * requests.
 */
public interface SessionImporter {
    /**
     * The legacy session named by {@code unrecognisedCookieValue}, or empty if the source has none (unknown, expired,
     * or not one of its ids).
     *
     * @param request                 the request, for context (headers, remote address); its session must not be
     *                                asked for from here
     * @param unrecognisedCookieValue the cookie's value exactly as the client sent it; untrusted input: check its
     *                                shape before using it as a key
     */
    Optional<ImportedSession> find(HttpServletRequest request, String unrecognisedCookieValue);

    /**
     * Called once the session {@link #find} returned is stored in SessionKit under its new id and the new cookie is
     * set: the place to delete the legacy record, so it cannot be presented again. The default does nothing.
     */
    default void imported(HttpServletRequest request, ImportedSession session) {}
}
