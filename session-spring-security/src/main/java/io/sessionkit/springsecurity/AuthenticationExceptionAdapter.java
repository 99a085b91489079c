package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueAdapter;
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
final class AuthenticationExceptionAdapter<T extends AuthenticationException> implements ValueAdapter<T> {
    private final String alias;
    private final Function<String, T> create;

    AuthenticationExceptionAdapter(String alias, Function<String, T> create) {
        this.alias = alias;
        this.create = create;
    }

    String alias() {
        return alias;
    }

    @Override
    public JsonNode write(T value, ValueContext context) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        String message = value.getMessage();
        if (message != null) {
            node.put("message", message);
        }
        return node;
    }

    @Override
    public T read(JsonNode json, ValueContext context) {
        String message = Fields.of(alias, json).optionalText("message");
        return create.apply(message == null ? "" : message);
    }
}
