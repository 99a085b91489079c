package io.sessionkit.servlet;

import io.sessionkit.SessionKey;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/**
 * What {@code HttpSessionListener.sessionDestroyed} gets for a session that expired in the store: a read-only view
 * built from the {@link io.sessionkit.SessionEvent} alone, since by then the store holds nothing else of it.
 *
 * <ul>
 *   <li>{@link #getId()} is the session's hashed key ({@link SessionKey#value()}, 43 characters of
 *       {@code base64url(SHA-256(id))}), never the raw id: stable, the same on every node, and useless as a token. An
 *       application that kept the raw id from {@code sessionCreated} finds the same value with
 *       {@code SessionId.parse(rawId).orElseThrow().key().value()}.</li>
 *   <li>No attributes: {@link #getAttribute} answers null, {@link #getAttributeNames} is empty.</li>
 *   <li>{@link #getServletContext()} is the web app's context; {@link #isNew()} is false.</li>
 *   <li>Creation, last-access time and idle timeout are not known: those getters throw
 *       {@link IllegalStateException}, as on an invalidated session.</li>
 *   <li>Every change ({@code setAttribute}, {@code removeAttribute}, {@code setMaxInactiveInterval},
 *       {@code invalidate}) throws {@link IllegalStateException}: the session has ended.</li>
 * </ul>
 */
final class ExpiredHttpSession implements HttpSession {
    private final SessionKey key;
    private final ServletContext context;

    ExpiredHttpSession(SessionKey key, ServletContext context) {
        this.key = key;
        this.context = context;
    }

    /** The hashed key, never the raw id. */
    @Override
    public String getId() {
        return key.value();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public @Nullable Object getAttribute(String name) {
        return null;
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.emptyEnumeration();
    }

    @Override
    public boolean isNew() {
        return false;
    }

    @Override
    public long getCreationTime() {
        throw unknown("its creation time");
    }

    @Override
    public long getLastAccessedTime() {
        throw unknown("its last access time");
    }

    @Override
    public int getMaxInactiveInterval() {
        throw unknown("its idle timeout");
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        throw ended();
    }

    @Override
    public void setAttribute(String name, @Nullable Object value) {
        throw ended();
    }

    @Override
    public void removeAttribute(String name) {
        throw ended();
    }

    @Override
    public void invalidate() {
        throw ended();
    }

    @Override
    public String toString() {
        return "expired session " + key.shortForm();
    }

    private static IllegalStateException unknown(String what) {
        return new IllegalStateException("the session expired in the store, which kept nothing of it but its hashed "
                + "key: " + what + " is not known");
    }

    private static IllegalStateException ended() {
        return new IllegalStateException("the session expired: its listeners may read its id, not change it");
    }
}
