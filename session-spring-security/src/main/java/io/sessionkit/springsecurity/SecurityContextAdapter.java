package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextImpl;

/**
 * {@code spring-security.security-context}: the {@link SecurityContextImpl} that
 * {@code HttpSessionSecurityContextRepository} keeps under {@code SPRING_SECURITY_CONTEXT}, as
 * {@code {"authentication":<value>}} ({@code {}} for an empty context). The authentication is a nested registered type,
 * e.g. {@code spring-security.username-password-token}; an {@link Authentication} of a type nobody registered fails the
 * write ({@code setAttribute}) with a message naming its class, instead of coming back as a map.
 */
final class SecurityContextAdapter implements ObjectAdapter.Members<SecurityContextImpl> {
    @Override
    public void writeMembers(SecurityContextImpl value, ObjectNode node, ValueContext context) {
        if (value.getAuthentication() != null) {
            node.set("authentication", context.write(value.getAuthentication()));
        }
    }

    @Override
    public SecurityContextImpl readMembers(Fields f, ValueContext context) {
        @Nullable Object authentication = context.read(f.value("authentication"));
        if (authentication == null) {
            return new SecurityContextImpl();
        }
        if (!(authentication instanceof Authentication a)) {
            throw f.invalid("member 'authentication' is not a registered Authentication");
        }
        return new SecurityContextImpl(a);
    }
}
