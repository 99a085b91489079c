package io.sessionkit.boot;

import io.sessionkit.servlet.SessionKitHttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;

/**
 * Sets the session's principal from Spring Security's login: when the security context is stored in the session
 * ({@code SPRING_SECURITY_CONTEXT}, by {@link HttpSessionSecurityContextRepository} on every login, whatever the
 * mechanism), the authenticated user's name becomes the session's principal; when the context is removed or holds no
 * authenticated user, the principal is cleared. So the principal index ({@code SessionManager.findByPrincipal}, "log out
 * everywhere", {@link PrincipalIndexSessionRegistry}) follows the login with no code in the application.
 */
final class SecurityContextPrincipalListener implements HttpSessionAttributeListener {
    static final String ATTRIBUTE = HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY;

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        follow(event);
    }

    @Override
    public void attributeReplaced(HttpSessionBindingEvent event) {
        follow(event);
    }

    @Override
    public void attributeRemoved(HttpSessionBindingEvent event) {
        if (ATTRIBUTE.equals(event.getName()) && event.getSession() instanceof SessionKitHttpSession session) {
            session.setPrincipal(null);
        }
    }

    private static void follow(HttpSessionBindingEvent event) {
        if (!ATTRIBUTE.equals(event.getName()) || !(event.getSession() instanceof SessionKitHttpSession session)) {
            return;
        }
        // On replace the event carries the old value; the session holds the new one.
        Object value = session.getAttribute(ATTRIBUTE);
        Authentication auth = value instanceof SecurityContext context ? context.getAuthentication() : null;
        String name = auth != null && auth.isAuthenticated() && auth.getPrincipal() != null
                ? PrincipalIndexSessionRegistry.nameOf(auth.getPrincipal())
                : null;
        if (!java.util.Objects.equals(name, session.getPrincipal().orElse(null))) {
            session.setPrincipal(name);
        }
    }
}
