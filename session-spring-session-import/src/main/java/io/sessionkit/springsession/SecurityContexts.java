package io.sessionkit.springsession;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;

/**
 * The principal in a Spring Security context, as Spring Session's {@code PrincipalNameIndexResolver} finds it. Loaded
 * only once a {@code SPRING_SECURITY_CONTEXT} value was read, so Spring Security is on the class path then.
 */
final class SecurityContexts {
    private SecurityContexts() {}

    static @Nullable String principal(Object value) {
        if (value instanceof SecurityContext context) {
            Authentication authentication = context.getAuthentication();
            if (authentication != null) {
                String name = authentication.getName();
                return name == null || name.isEmpty() ? null : name;
            }
        }
        return null;
    }
}
