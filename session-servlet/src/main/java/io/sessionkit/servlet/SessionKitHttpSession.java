package io.sessionkit.servlet;

import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The {@link HttpSession} that {@link SessionFilter} hands out, with the one operation plain {@code HttpSession} lacks:
 * a change expressed as a function of the current value, which concurrent requests can never lose.
 *
 * <pre>{@code
 * SessionKitHttpSession session = (SessionKitHttpSession) request.getSession();
 * session.updateAttribute("cart", List.class, cart -> {
 *     List<Object> next = cart == null ? new ArrayList<>() : new ArrayList<>(cart);
 *     next.add(item);
 *     return next;
 * });
 * }</pre>
 *
 * <p>Why: the classic read-modify-write ({@code getAttribute}, change, {@code setAttribute}) computes the new value
 * from what this request read. If another request changed the same attribute meanwhile, SessionKit refuses to save
 * it over the other change ({@link io.sessionkit.SessionConflictException}, answered {@code 409 Conflict} by the
 * filter): correct, but the user has to retry. {@code updateAttribute} instead re-runs the function on the fresh value,
 * so N parallel "add to cart" requests leave N items, and each request answers success.
 */
public interface SessionKitHttpSession extends HttpSession {

    /**
     * Changes an attribute as a function of its current value: {@code fn} gets the current value read as {@code type}
     * (null when absent) and returns the new one (null removes the attribute). It runs now, and runs again on the
     * freshly loaded value if another request wrote the session before this one is saved, so it may run more than once
     * and must have no other side effects. Delegates to {@link io.sessionkit.Session#updateAttribute}.
     *
     * <p>The returned value is a snapshot: to change the attribute again, call {@code updateAttribute} again (changing
     * the returned object in place is not saved). A later {@link #getAttribute} returns the value as saved, which after
     * a conflict includes the other request's change.
     *
     * @return the new value, as {@code fn} returned it (null if it removed the attribute)
     * @throws IllegalStateException                if the session was invalidated
     * @throws io.sessionkit.SessionCodecException if the current value cannot be read as {@code type}, or the new one
     *                                             cannot be stored
     */
    <T> @Nullable T updateAttribute(String name, Class<T> type, UnaryOperator<@Nullable T> fn);

    /**
     * The authenticated user of this session, as stored (the principal index: {@code SessionManager.findByPrincipal},
     * "log out everywhere"); empty when none is set. Readable while the session is being invalidated (by its listeners),
     * as the attributes are.
     *
     * @throws IllegalStateException if the session was invalidated
     */
    Optional<String> getPrincipal();

    /**
     * Sets the authenticated user (null clears it), saved with this request's other changes. Delegates to
     * {@link io.sessionkit.Session#setPrincipal}; rotate the id on login too ({@code request.changeSessionId()}).
     * Clearing it while the session is being invalidated (a listener told {@code attributeRemoved} for the login state
     * it follows) does nothing: the session, and its place in the principal index, are already gone from the store.
     *
     * @throws IllegalStateException    if the session was invalidated, or is being invalidated and a name is given
     * @throws IllegalArgumentException if the name is empty or too long
     */
    void setPrincipal(@Nullable String principal);
}
