package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/**
 * {@code spring-security.csrf-token}: the {@link DefaultCsrfToken} that {@code HttpSessionCsrfTokenRepository} keeps in
 * the session, as {@code {"token":"…","parameterName":"_csrf","headerName":"X-CSRF-TOKEN"}}. The token is the raw
 * (unmasked) value; the forms and headers carry it XOR-masked.
 */
final class CsrfTokenAdapter implements ObjectAdapter.Members<DefaultCsrfToken> {
    @Override
    public void writeMembers(DefaultCsrfToken value, ObjectNode node, ValueContext context) {
        node.put("token", value.getToken());
        node.put("parameterName", value.getParameterName());
        node.put("headerName", value.getHeaderName());
    }

    @Override
    public DefaultCsrfToken readMembers(Fields f, ValueContext context) {
        return new DefaultCsrfToken(f.text("headerName"), f.text("parameterName"), f.text("token"));
    }
}
