package io.sessionkit.servlet;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.util.Objects;

/**
 * The container's {@link AsyncContext} as {@link SessionRequest#startAsync} hands it out: everything is the
 * container's, except that {@link #complete()} saves the session (and sends its id) first, while the response can
 * still carry the cookie. The container only reports completion to listeners after the response is finished, which
 * is too late for a session created or rotated by async code that wrote no body.
 */
final class SessionAsyncContext implements AsyncContext {
    private final AsyncContext delegate;
    private final SessionRequest request;

    SessionAsyncContext(AsyncContext delegate, SessionRequest request) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.request = request;
    }

    boolean wraps(AsyncContext context) {
        return delegate == context;
    }

    @Override
    public ServletRequest getRequest() {
        return delegate.getRequest();
    }

    @Override
    public ServletResponse getResponse() {
        return delegate.getResponse();
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return delegate.hasOriginalRequestAndResponse();
    }

    @Override
    public void dispatch() {
        delegate.dispatch();
    }

    @Override
    public void dispatch(String path) {
        delegate.dispatch(path);
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        delegate.dispatch(context, path);
    }

    /**
     * Saves the session, then completes. A store failure while the response is not committed yet answers the
     * documented status (503, or 409 for a conflict) instead of the application's response; after the commit it is
     * logged, and the response completes as sent (the container cannot abort it any more).
     */
    @Override
    public void complete() {
        try {
            request.commitSession();
        } catch (RuntimeException e) {
            SessionFilter.answerAsyncSaveFailure(request.response(), e);
        }
        delegate.complete();
    }

    @Override
    public void start(Runnable run) {
        delegate.start(run);
    }

    @Override
    public void addListener(AsyncListener listener) {
        delegate.addListener(listener);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest servletRequest, ServletResponse servletResponse) {
        delegate.addListener(listener, servletRequest, servletResponse);
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> clazz) throws ServletException {
        return delegate.createListener(clazz);
    }

    @Override
    public void setTimeout(long timeout) {
        delegate.setTimeout(timeout);
    }

    @Override
    public long getTimeout() {
        return delegate.getTimeout();
    }
}
