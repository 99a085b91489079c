package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.GrantedAuthority;

/**
 * {@code spring-security.username-password-token}: the {@link UsernamePasswordAuthenticationToken} of a form or basic
 * login, as {@code {"principal":<value>,"authorities":[…],"details":<value>,"authenticated":true}}. The principal and
 * the details are nested values (registered types such as {@code spring-security.user} and
 * {@code spring-security.web-authentication-details}, or plain JSON such as a user name string); {@code details} is
 * absent when null.
 *
 * <p>The credentials are never written: they read back as null, as after Spring Security's default credential erasure.
 * Dropping rather than refusing them is deliberate: a token whose credentials were not erased (erasure turned off, or
 * the failed login attempt Spring Security keeps in {@code AuthenticationException.getAuthenticationRequest()}) would
 * otherwise either put a clear-text password into a shared store or make the login fail; nothing reads the credentials
 * of an authenticated token from the session.
 */
final class UsernamePasswordTokenAdapter implements ObjectAdapter.Members<UsernamePasswordAuthenticationToken> {
    @Override
    public void writeMembers(UsernamePasswordAuthenticationToken value, ObjectNode node, ValueContext context) {
        Credentials.dropped(value.getCredentials(), "the credentials", UsernamePasswordAuthenticationToken.class);
        node.set("principal", context.write(value.getPrincipal()));
        node.set("authorities", AuthorityAdapters.write(value.getAuthorities(), context));
        if (value.getDetails() != null) {
            node.set("details", context.write(value.getDetails()));
        }
        node.put("authenticated", value.isAuthenticated());
    }

    @Override
    public UsernamePasswordAuthenticationToken readMembers(Fields f, ValueContext context) {
        @Nullable Object principal = context.read(f.value("principal"));
        List<GrantedAuthority> authorities = AuthorityAdapters.read(f, "authorities", context);
        @Nullable Object details = context.read(f.value("details"));
        boolean authenticated = f.bool("authenticated");
        UsernamePasswordAuthenticationToken token;
        if (!authenticated && authorities.isEmpty()) {
            token = UsernamePasswordAuthenticationToken.unauthenticated(principal, null);
        } else {
            if (principal == null) {
                throw f.invalid("a token with authorities or authenticated has no principal");
            }
            token = UsernamePasswordAuthenticationToken.authenticated(principal, null, authorities);
            if (!authenticated) {
                token.setAuthenticated(false);
            }
        }
        token.setDetails(details);
        return token;
    }
}
