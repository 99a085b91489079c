package io.sessionkit.demo;

import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionTooLargeException;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's error dispatch lands here: the {@code 503} that {@code SessionFilter} answers when the store is unavailable,
 * a change that lost a race with another request ({@code 409}), and any exception an action did not handle. It never touches the session (the store may be the thing that is
 * down), and it never shows a stack trace.
 */
final class ErrorPageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Instance instance;

    ErrorPageServlet(Instance instance) {
        this.instance = instance;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Pages.Chrome chrome = Pages.Chrome.bare(instance);
        Object code = req.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Throwable error = req.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable t ? t : null;
        if (!(code instanceof Integer status)) {
            ShopServlet.send(
                    resp,
                    HttpServletResponse.SC_NOT_FOUND,
                    Pages.problem(chrome, "Not found", "There is no page at this address.", null));
            return;
        }
        if (status == HttpServletResponse.SC_SERVICE_UNAVAILABLE
                || find(error, SessionStoreUnavailableException.class) != null) {
            resp.setHeader("Retry-After", "5");
            ShopServlet.send(
                    resp,
                    HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    Pages.problem(
                            chrome,
                            "Session store unavailable",
                            "The session store (" + instance.store().name()
                                    + ") is not answering, so this request could not read or "
                                    + "keep your session. Nothing of your session lives in this server: try again in a few seconds.",
                            "Instance " + instance.name()
                                    + " is still running and serves you again as soon as the store is back."));
            return;
        }
        if (status == HttpServletResponse.SC_CONFLICT || find(error, SessionConflictException.class) != null) {
            // A change that could not be applied to what another request saved at the same moment; nothing was saved.
            ShopServlet.send(
                    resp,
                    HttpServletResponse.SC_CONFLICT,
                    Pages.problem(
                            chrome,
                            "Changed at the same moment",
                            "Another request changed your session at the same moment, so this change was not saved. Look at your "
                                    + "cart and try again.",
                            null));
            return;
        }
        SessionTooLargeException tooLarge = find(error, SessionTooLargeException.class);
        if (tooLarge != null) {
            ShopServlet.send(
                    resp,
                    HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    Pages.problem(
                            chrome,
                            "Your session is too large",
                            "This change would make your session larger than the store allows; nothing was saved.",
                            "Encoded size " + tooLarge.size() + " bytes, limit " + tooLarge.limit() + " bytes."));
            return;
        }
        String title = status == HttpServletResponse.SC_BAD_REQUEST
                ? "Bad request"
                : status == HttpServletResponse.SC_NOT_FOUND
                        ? "Not found"
                        : status == HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE
                                ? "Request too large"
                                : "Something went wrong";
        ShopServlet.send(
                resp,
                status,
                Pages.problem(chrome, title, "The request could not be completed (HTTP " + status + ").", null));
    }

    private static <T extends Throwable> @Nullable T find(@Nullable Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }
}
