package io.sessionkit.servlet;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionException;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A Servlet filter that makes {@code request.getSession()} a session kept in a {@link SessionManager}'s store instead
 * of the container's memory, so that every node behind a load balancer serves the same sessions.
 *
 * <p><b>Id transport.</b> A cookie ({@code SESSION}; {@code HttpOnly}; {@code Secure} when the request is secure;
 * {@code SameSite=Lax}; {@code Path} = context path; no {@code Domain}; a session cookie) and, for API clients, a
 * header ({@code X-Session-Token}). The response answers the way the id came: header in, header out. An id that is
 * malformed never reaches the store; one that is unknown or expired is never adopted: the application gets a fresh
 * session with a fresh id. Ids are never accepted from or written into URLs. See {@link SessionFilterConfig}.
 *
 * <p><b>Saving.</b> Lazy: the store is read only when the application asks for the session, and a session is
 * created only when it asks with {@code create=true}. Changes are saved before the first byte of the body and before
 * anything else that can commit the response (see {@link SessionResponse}), so the cookie always reaches the client
 * and a redirect-after-POST sees its own data; a read-only request inside the touch interval writes nothing. Values
 * are encoded at {@code setAttribute}, so a value the codec cannot store fails there.
 *
 * <p><b>Clearing the id.</b> The client's cookie (or header) is cleared only when this request invalidated the
 * session. A presented id that is unknown, expired or gone is left alone: the client may already hold a newer id
 * (another request rotated it at login), and clearing it would log the user out.
 *
 * <p><b>Store failures and conflicts.</b> While the response is not committed yet: an unavailable store
 * ({@link SessionStoreUnavailableException}) is answered {@code 503 Service Unavailable} with {@code Retry-After: 5};
 * a {@link SessionConflictException} (another request changed an attribute this one read and then changed, or the
 * retries ran out) is answered {@code 409 Conflict}. Either way the response is reset first, so the application's own
 * answer, which would claim success, never reaches the client (its other side effects may have happened). After the
 * response has committed, the exception is logged and rethrown, so the container aborts the response instead of
 * completing it as a success. {@code SessionTooLargeException} propagates like any application exception.
 * {@link SessionKitHttpSession#updateAttribute} gives a change that is re-run instead of failing.
 *
 * <p><b>Async.</b> {@code startAsync()} starts with the SessionKit request and response, so async code sees this
 * session; it is saved before async body writes, in {@code AsyncContext.complete()}, and when the container completes.
 *
 * <p><b>Setup.</b> Programmatic: {@code new SessionFilter(manager, SessionFilterConfig.defaults())}; the caller owns
 * and closes the manager. Declarative ({@code web.xml}, no-argument constructor): a {@link SessionManager} stored in
 * the servlet context attribute {@link #MANAGER_ATTRIBUTE} is used if present; otherwise the filter opens its own
 * with {@link SessionManager#open(SessionKitConfig)} from system properties and environment variables, then the
 * filter's init-params, then the context's init-params (keys such as {@code sessionkit.store}, in that order of
 * precedence, so deployment settings override what the war ships), and closes it in {@link #destroy()}.
 *
 * <p><b>Listeners.</b> The application's {@code HttpSessionListener}s ({@code sessionCreated} when SessionKit creates
 * a session, {@code sessionDestroyed} on {@code invalidate()} and when the manager's sweep reports it expired),
 * {@code HttpSessionAttributeListener}s (added, replaced
 * with the old value, removed) and {@code HttpSessionIdListener}s ({@code changeSessionId()}, with the old id) are told
 * about SessionKit sessions, as are {@code HttpSessionBindingListener} values; the event's session is the SessionKit
 * session. On Jetty 12 and Tomcat 10.1/11 the listeners registered the standard ways ({@code <listener>},
 * {@code @WebListener}, {@code ServletContext.addListener}, so also Spring Boot's {@code ServletListenerRegistrationBean}
 * and Spring Security's {@code HttpSessionEventPublisher}) are found in the container; on another container the filter
 * logs a WARNING at startup and only those added with {@link SessionFilterConfig.Builder#listener} are told. A
 * listener that throws is logged; the request goes on. The container's own session events never fire for these
 * requests: SessionKit never creates a container session.
 *
 * <p><b>Switching in without logging anyone out.</b> A {@link SessionImporter} set in the configuration is asked
 * for the session named by a session cookie whose value is not a SessionKit id (another library's session), and with
 * {@code sessionkit.servlet.adopt-container-sessions} the container's own session ({@code JSESSIONID} cookie) of a
 * request that has no live SessionKit session is adopted, for the changeover from sticky sessions. Either way the
 * session is copied into a new SessionKit session under a fresh id, stored, its cookie set, and then the source is
 * told (the importer deletes its record; the container session is invalidated). See {@link SessionImporter} and
 * {@link SessionFilterConfig.Builder#adoptContainerSessions}.
 *
 * <p><b>The container's session settings</b> ({@code SessionCookieConfig}, {@code <session-timeout>}) are defaults
 * for what {@link SessionFilterConfig} leaves unset; see there.
 *
 * <p><b>Expired sessions.</b> On a store with {@link io.sessionkit.StoreFeature#EXPIRY_EVENTS}, a session that times
 * out is reported to {@code HttpSessionListener.sessionDestroyed} when a sweep collects it: on the sweeper's thread,
 * with the web app's class loader, once per cluster (by the node whose sweep claimed it), never for a session that was
 * invalidated. The store keeps nothing of it then, so the event's session is a read-only view whose {@code getId()} is
 * the hashed key, never the raw id, with no attributes (no {@code valueUnbound}, no {@code attributeRemoved}). The
 * filter listens only if the web app has an {@code HttpSessionListener} when it starts.
 *
 * <p><b>Not supported.</b> Container-managed login keeps its state in the container's own session, so
 * {@code request.login(...)} throws a {@link ServletException} saying so, and a web app whose
 * {@code <login-config>} uses {@code FORM} (or Jetty's OpenID, SIWE or multi-authenticator) makes the filter refuse
 * to start; stateless {@code BASIC}, {@code DIGEST} and {@code CLIENT-CERT} work. Log in in the application and call
 * {@code changeSessionId()}.
 */
public class SessionFilter implements Filter {
    /** Servlet context attribute under which a web app may put the {@link SessionManager} to use. */
    public static final String MANAGER_ATTRIBUTE = SessionManager.class.getName();

    static final System.Logger LOG = System.getLogger("io.sessionkit.servlet");
    private static final String ACTIVE_ATTRIBUTE = SessionFilter.class.getName() + ".active";

    private @Nullable SessionManager manager;
    private @Nullable SessionFilterConfig config;
    private boolean ownsManager;
    private SessionListeners listeners = SessionListeners.NONE;
    /** Tells the listeners about expired sessions, once {@link #init} found any; stopped in {@link #destroy()}. */
    private @Nullable ExpiryReporter expiryReporter;
    /** The idle timeout of new sessions, when the container's session-timeout replaces the manager's; or null. */
    private @Nullable Duration newSessionIdle;
    /** The importer and container adoption of the configuration in use. */
    private LegacySessions legacy = LegacySessions.NONE;

    /** For {@code web.xml}: the manager and configuration come from {@link #init(FilterConfig)}. */
    public SessionFilter() {}

    /** A filter over a manager the caller owns (this filter never closes it). */
    public SessionFilter(SessionManager manager, SessionFilterConfig config) {
        this.manager = Objects.requireNonNull(manager, "manager");
        this.config = Objects.requireNonNull(config, "config");
        this.listeners = new SessionListeners(java.util.List::of, config.listeners());
        this.legacy = LegacySessions.of(config);
    }

    /**
     * Opens or takes the manager (declarative setup), reads the container's session settings as defaults, and finds
     * the container's listeners.
     *
     * @throws ServletException wrapping an {@link IllegalArgumentException} that names a bad key or container setting,
     *                          a failure to open the store, or a session-based container login ({@code FORM})
     */
    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        ServletContext context = filterConfig.getServletContext();
        String filterName = filterConfig.getFilterName();
        SessionManager m = manager;
        SessionFilterConfig c = config;
        boolean opened = false;
        try {
            ContainerProbe container = ContainerProbe.of(context);
            if (container.sessionBasedLogin()) {
                throw new IllegalStateException("the web app uses container-managed " + container.authMethod()
                        + " login (<login-config>), which keeps the login in the container's own session "
                        + "(JSESSIONID), never in the SessionKit session; log in in the application instead (check the "
                        + "credentials, put the user into the session, call request.changeSessionId(); Spring Security "
                        + "does this), or remove the <login-config>");
            }
            if (m == null || c == null) {
                SessionKitConfig settings = SessionKitConfig.fromEnvironment()
                        .orElse(SessionKitConfig.of(
                                parameters(filterConfig.getInitParameterNames(), filterConfig::getInitParameter)))
                        .orElse(SessionKitConfig.of(
                                parameters(context.getInitParameterNames(), context::getInitParameter)));
                c = SessionFilterConfig.from(settings);
                Object shared = context.getAttribute(MANAGER_ATTRIBUTE);
                if (shared instanceof SessionManager sm) {
                    m = sm;
                } else {
                    m = SessionManager.open(settings);
                    opened = true;
                }
            }
            ContainerSessionConfig defaults = ContainerSessionConfig.read(context);
            SessionFilterConfig effective = c.withContainerCookie(defaults.cookie());
            Duration idle = newSessionIdle(effective, m.expiryPolicy(), defaults.sessionTimeoutMinutes());
            SessionListeners found = new SessionListeners(
                    container.known() ? Objects.requireNonNull(container.listeners()) : java.util.List::of,
                    effective.listeners());
            report(filterName, container, effective, defaults, idle, m.expiryPolicy());
            if (found.anySessionListener()) {
                // Listeners are registered before filters start (ServletContext.addListener is refused afterwards), so
                // an app without one now never gets one, and its manager is spared the event traffic.
                ExpiryReporter reporter = new ExpiryReporter(found, context, ExpiryReporter.webAppLoader(context));
                m.addListener(reporter);
                this.expiryReporter = reporter;
            }
            this.manager = m;
            this.config = effective;
            this.ownsManager = this.ownsManager || opened;
            this.newSessionIdle = idle;
            this.listeners = found;
            this.legacy = LegacySessions.of(effective);
        } catch (RuntimeException e) {
            if (opened && m != null) {
                m.close();
            }
            throw new ServletException("SessionKit filter '" + filterName + "' could not start: " + e.getMessage(), e);
        }
    }

    /**
     * The container's session-timeout as the idle timeout of new sessions, when the configuration lets it count
     * (container defaults on, {@code sessionkit.max-idle} not set, the manager at the default idle timeout) and it
     * differs from the manager's; otherwise null (the manager's applies).
     */
    private static @Nullable Duration newSessionIdle(
            SessionFilterConfig config, ExpiryPolicy policy, int containerTimeoutMinutes) {
        if (!config.containerDefaults()
                || config.maxIdleSet()
                || containerTimeoutMinutes <= 0
                || !policy.maxIdle().equals(ExpiryPolicy.DEFAULT_MAX_IDLE)) {
            return null;
        }
        Duration idle = Duration.ofMinutes(containerTimeoutMinutes);
        return idle.equals(policy.maxIdle()) ? null : idle;
    }

    private static void report(
            String filterName,
            ContainerProbe container,
            SessionFilterConfig config,
            ContainerSessionConfig defaults,
            @Nullable Duration idle,
            ExpiryPolicy policy) {
        LOG.log(
                System.Logger.Level.INFO,
                "SessionKit filter ''{0}'' started on {1}: {2}; idle timeout of new sessions {3}",
                filterName,
                container.container(),
                config,
                idle == null ? policy.maxIdle() + " (the manager's)" : idle + " (the container's session-timeout)");
        if (!container.known()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "SessionKit filter ''{0}'': SessionKit cannot read the listener registry of this servlet container "
                            + "({1}); HttpSessionListener, HttpSessionAttributeListener and HttpSessionIdListener "
                            + "registered in web.xml, with @WebListener or ServletContext.addListener are NOT called "
                            + "for SessionKit sessions: register them programmatically with "
                            + "SessionFilterConfig.builder().listener(...). Container-managed FORM login cannot be "
                            + "detected here either; it does not work with SessionKit sessions",
                    filterName,
                    container.container());
        }
        if (config.containerDefaults()) {
            for (String ignored : defaults.ignored()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "SessionKit filter ''{0}'': the container''s session setting {1}",
                        filterName,
                        ignored);
            }
        }
        if (idle != null && idle.compareTo(policy.absoluteTimeout()) > 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "SessionKit filter ''{0}'': the container''s session-timeout ({1}) is longer than "
                            + "sessionkit.absolute-timeout ({2}); sessions end at the absolute timeout",
                    filterName,
                    idle,
                    policy.absoluteTimeout());
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        SessionManager manager = this.manager;
        SessionFilterConfig config = this.config;
        if (manager == null || config == null) {
            throw new ServletException("SessionFilter was not initialised: no SessionManager");
        }
        if (!(req instanceof HttpServletRequest httpRequest)
                || !(res instanceof HttpServletResponse httpResponse)
                || req.getAttribute(ACTIVE_ATTRIBUTE) != null) {
            // Not HTTP, or a forward/include/error dispatch inside a request we already wrap.
            chain.doFilter(req, res);
            return;
        }
        SessionRequest request =
                new SessionRequest(httpRequest, httpResponse, manager, config, listeners, newSessionIdle, legacy);
        SessionResponse response = request.response();
        req.setAttribute(ACTIVE_ATTRIBUTE, true);
        try {
            try {
                chain.doFilter(request, response);
            } catch (IOException | ServletException | RuntimeException | Error e) {
                SessionException cause = saveFailureCause(e);
                if (cause != null && answeredSaveFailure(httpResponse, cause)) {
                    return;
                }
                if (!(cause instanceof SessionConflictException)) {
                    try {
                        // The application failed, but what it put in the session so far is kept, as containers do.
                        request.commitSession();
                    } catch (RuntimeException saveFailure) {
                        e.addSuppressed(saveFailure);
                    }
                }
                throw e;
            }
            if (request.isAsyncStarted()) {
                // The async code owns the session now (it may be using it on another thread at this moment): it is
                // saved before the first body write, in AsyncContext.complete(), and when the container completes.
                if (request.needsSaveOnCompletion()) {
                    // Async started on the container's request (unwrapped): save at least when it completes.
                    request.getAsyncContext().addListener(new SaveOnCompletion(request));
                    request.saveOnCompletionAdded();
                }
                return;
            }
            try {
                request.commitSession();
            } catch (SessionStoreUnavailableException | SessionConflictException e) {
                if (!answeredSaveFailure(httpResponse, e)) {
                    throw e;
                }
            }
        } finally {
            if (!request.isAsyncStarted()) {
                req.removeAttribute(ACTIVE_ATTRIBUTE);
            }
        }
    }

    /**
     * The documented answer to a session that could not be saved, while nothing was sent yet (true): {@code 503} with
     * {@code Retry-After: 5} when the store is unavailable, {@code 409 Conflict} when another request changed what this
     * one read and then changed. The response is reset first, so the application's own answer, a 2xx that would claim
     * the change was kept, never reaches the client. Once the response is committed: false, logged, and the caller
     * rethrows so the container aborts the response instead of completing it as a success.
     */
    static boolean answeredSaveFailure(HttpServletResponse response, SessionException e) throws IOException {
        boolean conflict = e instanceof SessionConflictException;
        if (response.isCommitted()) {
            LOG.log(
                    System.Logger.Level.ERROR,
                    "{0} after the response was committed; this request''s session changes "
                            + "are lost and the response is aborted: {1}",
                    conflict ? "session conflict" : "session store unavailable",
                    e.getMessage());
            return false;
        }
        response.reset();
        if (conflict) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "session changed concurrently by another request, answering 409: {0}",
                    e.getMessage());
            response.sendError(
                    HttpServletResponse.SC_CONFLICT,
                    "The session was changed by another request at the same time; nothing was kept, retry");
        } else {
            LOG.log(System.Logger.Level.WARNING, "session store unavailable, answering 503: {0}", e.getMessage());
            response.setHeader("Retry-After", "5");
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "Session store unavailable");
        }
        return true;
    }

    /** {@link SessionAsyncContext#complete()}: as {@link #answeredSaveFailure}, but nothing is left to rethrow to. */
    static void answerAsyncSaveFailure(SessionResponse response, RuntimeException e) {
        SessionException cause = saveFailureCause(e);
        try {
            if (cause != null && answeredSaveFailure((HttpServletResponse) response.getResponse(), cause)) {
                return;
            }
        } catch (IOException | RuntimeException answerFailure) {
            e.addSuppressed(answerFailure);
        }
        LOG.log(System.Logger.Level.ERROR, "saving the session of an async request failed: {0}", e.toString());
    }

    private static @Nullable SessionException saveFailureCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SessionStoreUnavailableException || c instanceof SessionConflictException) {
                return (SessionException) c;
            }
        }
        return null;
    }

    /** Stops telling listeners about expired sessions, and closes the manager if this filter opened it. */
    @Override
    public void destroy() {
        ExpiryReporter reporter = expiryReporter;
        if (reporter != null) {
            reporter.stop();
        }
        if (ownsManager && manager != null) {
            manager.close();
        }
    }

    /** The manager in use; null for a {@code web.xml} filter before {@link #init}. */
    public @Nullable SessionManager manager() {
        return manager;
    }

    /**
     * The configuration in use, the container's defaults applied once {@link #init} ran; null for a {@code web.xml}
     * filter before {@link #init}.
     */
    public @Nullable SessionFilterConfig config() {
        return config;
    }

    private static Map<String, String> parameters(Enumeration<String> names, Function<String, String> get) {
        Map<String, String> out = new HashMap<>();
        for (String name : Collections.list(names)) {
            String v = get.apply(name);
            if (v != null) {
                out.put(name, v);
            }
        }
        return out;
    }

    /**
     * An async request finishes after the filter returned: save what it changed since, as a last resort (the
     * context's {@code complete()} and every body write save earlier, while the cookie can still be sent). The
     * response is committed by then, so a new session or a new id created by async code that neither wrote nor
     * completed through the SessionKit context cannot reach the client.
     */
    record SaveOnCompletion(SessionRequest request) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            save();
        }

        @Override
        public void onError(AsyncEvent event) {
            save();
        }

        @Override
        public void onTimeout(AsyncEvent event) {}

        /** A new async cycle (startAsync after a dispatch) drops listeners: stay registered. */
        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }

        private void save() {
            if (request.hasConflicted()) {
                return; // already reported where it happened (a write, or complete()); saving again cannot succeed
            }
            try {
                request.commitSession();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "saving the session of an async request failed: {0}", e.toString());
            }
        }
    }
}
