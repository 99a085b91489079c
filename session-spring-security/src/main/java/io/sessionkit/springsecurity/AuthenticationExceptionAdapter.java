package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import java.util.function.Function;
import org.springframework.security.core.AuthenticationException;

/**
 * The {@link AuthenticationException} of a failed login, which {@code SimpleUrlAuthenticationFailureHandler} (form
 * login's default) keeps under {@code SPRING_SECURITY_LAST_EXCEPTION} for the login page, as
 * {@code {"message":"Bad credentials"}}: one alias per exception class ({@code spring-security.bad-credentials}, …),
 * the message only.
 *
 * <p>Why it is registered at all: without it Jackson would map the exception by its properties, and since Spring
 * Security 6.5 {@link AuthenticationException#getAuthenticationRequest()} holds the failed attempt, with the password
 * the user typed. Not stored: that request, the cause and the stack trace (the exception read back has the stack of
 * the request that read it).
 *
 * @param <T> the exception class
 */
final class AuthenticationExceptionAdapter<T extends AuthenticationException> implements ObjectAdapter.Members<T> {
    private final Function<String, T> create;

    /** {@code create} makes the exception from the stored message. */
    AuthenticationExceptionAdapter(Function<String, T> create) {
        this.create = create;
    }

    @Override
    public void writeMembers(T value, ObjectNode node, ValueContext context) {
        String message = value.getMessage();
        if (message != null) {
            node.put("message", message);
        }
    }

    @Override
    public T readMembers(Fields f, ValueContext context) {
        String message = f.optionalText("message");
        return create.apply(message == null ? "" : message);
    }
}
