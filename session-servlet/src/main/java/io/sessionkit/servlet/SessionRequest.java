package io.sessionkit.servlet;

import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.servlet.SessionFilterConfig.Transport;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The request an application sees behind {@link SessionFilter}: its session methods work on {@link SessionManager},
 * and it owns the per-request state (which id the client presented and how, the session once looked up, what has
 * been sent back). The store is asked only when the application asks for the session.
 */
final class SessionRequest extends HttpServletRequestWrapper {
    /**
     * How many distinct well-formed ids from one request are looked up at most (duplicate cookies on several paths or
     * domains). A request presenting more gets no session: looking up only some would let a client that set the
     * first ones (cookie tossing) hide the others.
     */
    static final int MAX_CANDIDATES = 3;

    private static final DateTimeFormatter COOKIE_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private final SessionManager manager;
    private final SessionFilterConfig config;
    private final SessionListeners listeners;
    /** The idle timeout of new sessions when it is not the manager's (the container's session-timeout), or null. */
    private final @Nullable Duration newSessionIdle;

    private final SessionResponse response;

    /** How the client sent an id, or null if it sent none; the response answers the same way. */
    private final @Nullable Transport presentedBy;

    private final List<SessionId> candidates;
    /** More than {@link #MAX_CANDIDATES} distinct well-formed ids were presented: none is used. */
    private final boolean tooManyIds;
    /** The first session cookie value that is not a SessionKit id, for the importer only; or null. */
    private final @Nullable String legacyCookie;

    private final LegacySessions legacy;
    private boolean lookedUp;
    /** The presented ids named several live sessions (or were too many): none is used, nothing imported. */
    private boolean ambiguous;
    /** The id the client holds and that was found live, or null. */
    private @Nullable SessionId clientId;

    private @Nullable StoreHttpSession current;
    /** The id most recently sent in this response (cookie or header), or null. */
    private @Nullable SessionId sentId;

    private boolean clearSent;
    /** Something about the session may have changed since the last save: the next body write saves first. */
    private boolean unsaved;
    /** A save of this request lost a same-attribute race: every later save reports it again, never a success. */
    private @Nullable SessionConflictException conflict;

    private @Nullable SessionAsyncContext asyncContext;
    private boolean saveOnCompletionAdded;

    /** Wraps {@code request} and {@code response} (the latter as {@link #response()}). */
    SessionRequest(
            HttpServletRequest request,
            HttpServletResponse response,
            SessionManager manager,
            SessionFilterConfig config,
            SessionListeners listeners,
            @Nullable Duration newSessionIdle,
            LegacySessions legacy) {
        super(request);
        this.legacy = legacy;
        this.manager = manager;
        this.config = config;
        this.listeners = listeners;
        this.newSessionIdle = newSessionIdle;
        this.response = new SessionResponse(response, this);
        List<SessionId> found = new ArrayList<>();
        @Nullable String unrecognised = null;
        @Nullable Transport by = null;
        if (config.accepts(Transport.HEADER)) {
            String header = request.getHeader(config.headerName());
            if (header != null) {
                by = Transport.HEADER;
                // SessionId.parse refuses anything not shaped like an id: malformed values never reach the store.
                SessionId.parse(header.trim()).ifPresent(found::add);
            }
        }
        if (by == null && config.accepts(Transport.COOKIE)) {
            Cookie[] cookies = request.getCookies();
            if (cookies != null) {
                for (Cookie c : cookies) {
                    if (config.cookieName().equals(c.getName())) {
                        by = Transport.COOKIE;
                        Optional<SessionId> id = SessionId.parse(c.getValue());
                        if (id.isPresent() && !found.contains(id.get()) && found.size() <= MAX_CANDIDATES) {
                            found.add(id.get());
                        } else if (id.isEmpty() && unrecognised == null && c.getValue() != null) {
                            // Kept for the importer alone: it never reaches SessionId parsing again, nor the store.
                            unrecognised = c.getValue();
                        }
                    }
                }
            }
        }
        this.presentedBy = by;
        this.tooManyIds = found.size() > MAX_CANDIDATES;
        this.candidates = tooManyIds ? List.copyOf(found.subList(0, MAX_CANDIDATES)) : List.copyOf(found);
        this.legacyCookie = unrecognised;
    }

    SessionManager manager() {
        return manager;
    }

    SessionListeners listeners() {
        return listeners;
    }

    @Override
    public HttpSession getSession() {
        // getSession(true) returns a session or throws, never null.
        return Objects.requireNonNull(getSession(true), "session");
    }

    @Override
    public @Nullable HttpSession getSession(boolean create) {
        if (current != null && !current.isInvalidated()) {
            return current;
        }
        if (!lookedUp) {
            lookedUp = true;
            Optional<Session> live = lookUp();
            if (live.isPresent()) {
                clientId = live.get().id();
                current = new StoreHttpSession(this, live.get(), false);
                sessionChanged(); // the access may be due for a touch (and a persistent cookie for a refresh)
                return current;
            }
            if (legacy.active() && !ambiguous) {
                StoreHttpSession imported = importLegacy();
                if (imported != null) {
                    return imported;
                }
            }
        }
        if (!create) {
            return null;
        }
        if (response.isCommitted()) {
            throw new IllegalStateException("cannot create a session after the response has been committed");
        }
        Session created = manager.create();
        if (newSessionIdle != null) {
            created.setMaxIdle(newSessionIdle);
        }
        StoreHttpSession s = new StoreHttpSession(this, created, true);
        current = s;
        sessionChanged();
        // Before the application gets it, as containers do; a listener may already use it (getSession returns it).
        listeners.sessionCreated(s);
        return s;
    }

    /**
     * The live session the presented ids name, if exactly one of them names one. Several cookies of our name arrive
     * when a cookie was set for another path or for a parent domain (from a sibling subdomain: cookie tossing). One
     * live session among stale ids is the client's (an old path's cookie, a rotated id). Two or more live sessions
     * mean someone else set a cookie this client sends, and any choice could hand the client that other session
     * (session fixation): none is used, and the request goes on as without a session.
     */
    private Optional<Session> lookUp() {
        if (tooManyIds) {
            ambiguous = true;
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "a request presented more than {0} session cookies ''{1}''; none is used (cookie tossing from a "
                            + "sibling subdomain? a __Host- cookie name prevents it)",
                    MAX_CANDIDATES,
                    config.cookieName());
            return Optional.empty();
        }
        Session found = null;
        List<String> liveKeys = new ArrayList<>(candidates.size());
        for (SessionId id : candidates) {
            Optional<Session> s = manager.find(id);
            if (s.isPresent()) {
                liveKeys.add(id.key().shortForm());
                if (found == null) {
                    found = s.get();
                }
            }
        }
        if (liveKeys.size() > 1) {
            ambiguous = true;
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "a request presented session cookies ''{0}'' naming {1} live sessions ({2}); none is used (cookie "
                            + "tossing from a sibling subdomain? a __Host- cookie name prevents it)",
                    config.cookieName(),
                    liveKeys.size(),
                    String.join(", ", liveKeys));
            return Optional.empty();
        }
        return Optional.ofNullable(found);
    }

    /**
     * Looks for a session kept elsewhere ({@link LegacySessions}: the importer, then the container's own session) and,
     * if one is found, copies it into a new SessionKit session under a fresh id, stores it and sets its cookie at once,
     * and only then tells the source (which deletes or invalidates its copy). Null when there is nothing to import, the
     * response is already committed (the client could not learn the new id), the source failed, or the copy is too
     * large to store; the request then goes on as if there were no legacy session.
     *
     * @throws io.sessionkit.SessionStoreUnavailableException when the copy cannot be stored: answered 503 like any
     *                                                        store failure, and the source keeps its session
     */
    private @Nullable StoreHttpSession importLegacy() {
        if (response.isCommitted()) {
            return null;
        }
        LegacySessions.Found found = legacy.find(this, (HttpServletRequest) getRequest(), legacyCookie);
        if (found == null) {
            return null;
        }
        ImportedSession legacySession = found.session();
        String importedAs = legacySession.importedAs();
        if (importedAs != null) {
            return joinImported(legacySession.source(), importedAs);
        }
        Session created =
                manager.importSession(legacySession.source(), legacySession.attributes(), legacySession.principal());
        if (newSessionIdle != null) {
            created.setMaxIdle(newSessionIdle);
        }
        StoreHttpSession s = new StoreHttpSession(this, created, true);
        current = s;
        sessionChanged();
        try {
            commitSession();
        } catch (SessionTooLargeException e) {
            current = null;
            unsaved = false;
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "session from {0} not imported, too large to store ({1} bytes, limit {2}); the request goes on "
                            + "without it",
                    legacySession.source(),
                    e.size(),
                    e.limit());
            return null;
        } catch (RuntimeException e) {
            current = null;
            unsaved = false;
            throw e;
        }
        try {
            found.afterStored().run();
        } catch (RuntimeException e) {
            SessionFilter.LOG.log(
                    System.Logger.Level.WARNING,
                    "session from " + legacySession.source() + " imported, but telling its source failed (its copy "
                            + "may outlive the import): " + e,
                    e);
        }
        SessionFilter.LOG.log(
                System.Logger.Level.DEBUG,
                "session from {0} imported as {1}",
                legacySession.source(),
                created.id().key().shortForm());
        listeners.sessionCreated(s);
        return s;
    }

    /**
     * The session a concurrent request made from the same legacy session ({@link ImportedSession#alreadyImported}):
     * this request uses it and sends its cookie, so the user keeps one session. Null when that id names no live session.
     */
    private @Nullable StoreHttpSession joinImported(String source, String importedAs) {
        Optional<Session> s = SessionId.parse(importedAs).flatMap(manager::find);
        if (s.isEmpty()) {
            SessionFilter.LOG.log(
                    System.Logger.Level.DEBUG,
                    "session from {0} already imported by another request, but that session is gone",
                    source);
            return null;
        }
        current = new StoreHttpSession(this, s.get(), false);
        sessionChanged(); // the client does not hold this id yet: the cookie is sent
        SessionFilter.LOG.log(
                System.Logger.Level.DEBUG,
                "session from {0} already imported by another request as {1}; joined",
                source,
                s.get().id().key().shortForm());
        return current;
    }

    /**
     * Moves the session to a new id at once ({@link SessionManager#rotateId}): the old id is dead when this returns.
     *
     * @throws IllegalStateException if there is no session, or the response is committed (the client could not
     *                               learn the new id)
     */
    @Override
    public String changeSessionId() {
        if (!(getSession(false) instanceof StoreHttpSession s)) {
            throw new IllegalStateException("changeSessionId: the request has no session");
        }
        if (response.isCommitted()) {
            throw new IllegalStateException(
                    "changeSessionId: the response is committed, the client could not learn the new id");
        }
        sessionChanged();
        String oldId = s.getId();
        manager.rotateId(s.session());
        listeners.sessionIdChanged(s, oldId);
        return s.getId();
    }

    /**
     * Refused: the container would keep the login in its own session ({@code JSESSIONID}), which SessionKit sessions
     * never are, so the login would be lost on the next request (or live on one node only).
     *
     * @throws ServletException always, saying what to do instead
     */
    @Override
    public void login(String username, String password) throws ServletException {
        throw new ServletException("HttpServletRequest.login is not supported behind the SessionKit filter: the "
                + "container would keep the login in its own session (JSESSIONID), not in the SessionKit session, so "
                + "the user would not stay logged in. Log in in the application instead: check the credentials, put "
                + "the user into request.getSession() and call request.changeSessionId() (Spring Security does this)");
    }

    /** The well-formed id the client presented, or null (malformed values are not repeated to the application). */
    @Override
    public @Nullable String getRequestedSessionId() {
        if (clientId != null) {
            return clientId.value();
        }
        return candidates.isEmpty() ? null : candidates.get(0).value();
    }

    @Override
    public boolean isRequestedSessionIdValid() {
        getSession(false);
        return clientId != null
                && current != null
                && !current.isInvalidated()
                && current.session().id().equals(clientId);
    }

    @Override
    public boolean isRequestedSessionIdFromCookie() {
        return presentedBy == Transport.COOKIE && !candidates.isEmpty();
    }

    /** Always false: ids in URLs leak through logs and Referer headers, so they are never accepted. */
    @Override
    public boolean isRequestedSessionIdFromURL() {
        return false;
    }

    /** Called by the session on every change (and read of a list or map, which may be changed in place). */
    void sessionChanged() {
        unsaved = true;
    }

    /** Whether a save could write something or send an id now; false means {@link #commitSession()} has nothing to do. */
    boolean hasUnsavedSessionState() {
        return unsaved;
    }

    /**
     * Saves the session and tells the client its id, before the response commits. Safe to call more than once: a
     * second call writes only what changed since the first (usually nothing, and then no store call).
     *
     * <p>The client's cookie or header is cleared only when this request invalidated the session it holds. A
     * presented id that is unknown, expired or gone (also at save, {@link SaveResult#GONE}) is left alone: the client
     * may hold a newer id by now (another request rotated it at login), and clearing would log it out.
     *
     * @throws io.sessionkit.SessionException from the store (unavailable, conflict, too large); a conflict is
     *                                        reported again by every later call, so the request never ends as a
     *                                        success
     */
    void commitSession() {
        if (conflict != null) {
            throw conflict;
        }
        StoreHttpSession s = current;
        if (s == null) {
            unsaved = false;
            return;
        }
        if (s.isInvalidated()) {
            unsaved = false;
            if (s.invalidatedByThisRequest() && (clientId != null || sentId != null)) {
                clearId();
            }
            return;
        }
        s.writeBackChangedContainers();
        Session session = s.session();
        SaveResult result;
        try {
            result = manager.save(session);
        } catch (SessionConflictException e) {
            conflict = e;
            throw e;
        }
        unsaved = false;
        if (result == SaveResult.GONE) {
            // Invalidated (or rotated) by another request meanwhile: this request's changes were dropped, never
            // resurrected. The client's cookie may already name the newer id, so it is not touched.
            SessionFilter.LOG.log(
                    System.Logger.Level.DEBUG,
                    "session {0} was gone at save; changes dropped",
                    session.id().key().shortForm());
            s.afterSave();
            return;
        }
        s.afterSave();
        sendId(session.id(), result);
    }

    // ---- async: the container's AsyncContext must hold this request, so async code reaches SessionKit ----

    /** Starts async processing with this request and the SessionKit response, as {@code startAsync(this, response)}. */
    @Override
    public AsyncContext startAsync() {
        return startAsync(this, response);
    }

    /**
     * Starts async processing; the session is saved (and its id sent) before the returned context completes, before
     * any body write, and, as a last resort, when the container reports completion or an error.
     */
    @Override
    public AsyncContext startAsync(ServletRequest servletRequest, ServletResponse servletResponse) {
        AsyncContext container = super.startAsync(servletRequest, servletResponse);
        asyncContext = new SessionAsyncContext(container, this);
        if (!saveOnCompletionAdded) {
            container.addListener(new SessionFilter.SaveOnCompletion(this));
            saveOnCompletionAdded = true;
        }
        return asyncContext;
    }

    /** The context {@link #startAsync} returned, while it is the container's current one. */
    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext container = super.getAsyncContext();
        return asyncContext != null && asyncContext.wraps(container) ? asyncContext : container;
    }

    /** Whether a save of this request has already failed with a conflict (and reported it to its caller). */
    boolean hasConflicted() {
        return conflict != null;
    }

    /** For the filter: async processing was started (by whichever means) without our listener. */
    boolean needsSaveOnCompletion() {
        return !saveOnCompletionAdded;
    }

    void saveOnCompletionAdded() {
        saveOnCompletionAdded = true;
    }

    SessionResponse response() {
        return response;
    }

    private Transport answerBy() {
        if (presentedBy != null) {
            return presentedBy;
        }
        return config.accepts(Transport.COOKIE) ? Transport.COOKIE : Transport.HEADER;
    }

    private void sendId(SessionId id, SaveResult result) {
        if (answerBy() == Transport.HEADER) {
            // API clients get the id on every response that has a session; setHeader is idempotent.
            if (!id.equals(sentId)) {
                response.setSessionHeader(config.headerName(), id.value());
                sentId = id;
            }
            return;
        }
        SessionId clientHas = sentId != null ? sentId : clientId;
        boolean refreshPersistent = config.cookieMaxAge().isPresent()
                && (result == SaveResult.CREATED || result == SaveResult.UPDATED || result == SaveResult.TOUCHED);
        if (!id.equals(clientHas) || (refreshPersistent && !id.equals(sentId))) {
            response.setSessionCookie(cookieHeader(id.value(), false));
            sentId = id;
            clearSent = false;
        }
    }

    private void clearId() {
        if (clearSent) {
            return;
        }
        if (answerBy() == Transport.HEADER) {
            response.setSessionHeader(config.headerName(), "");
        } else {
            response.setSessionCookie(cookieHeader("", true));
        }
        sentId = null;
        clearSent = true;
    }

    /**
     * The Set-Cookie value, written by hand so that every container sends the same attributes (SameSite included),
     * whatever its cookie processor supports.
     */
    String cookieHeader(String value, boolean expire) {
        StringBuilder b =
                new StringBuilder(160).append(config.cookieName()).append('=').append(value);
        b.append("; Path=").append(config.cookiePath().orElseGet(this::contextCookiePath));
        config.cookieDomain().ifPresent(d -> b.append("; Domain=").append(d));
        if (expire) {
            b.append("; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        } else {
            config.cookieMaxAge()
                    .ifPresent(age -> b.append("; Max-Age=")
                            .append(age.toSeconds())
                            .append("; Expires=")
                            .append(COOKIE_DATE.format(
                                    ZonedDateTime.now(manager.clock().withZone(ZoneOffset.UTC))
                                            .plus(age))));
        }
        String sameSite = config.cookieSameSite().orElse(null);
        boolean secure = config.cookieSecure().orElseGet(this::isSecure) || "None".equals(sameSite);
        if (secure) {
            b.append("; Secure");
        }
        b.append("; HttpOnly");
        if (sameSite != null) {
            b.append("; SameSite=").append(sameSite);
        }
        if (config.cookiePartitioned()) {
            b.append("; Partitioned");
        }
        return b.toString();
    }

    private String contextCookiePath() {
        String path = getContextPath();
        return path == null || path.isEmpty() ? "/" : path;
    }
}
