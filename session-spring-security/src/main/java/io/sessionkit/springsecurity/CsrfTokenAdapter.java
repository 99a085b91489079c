package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueAdapter;
import io.sessionkit.ValueContext;
import org.springframework.security.web.csrf.DefaultCsrfToken;

/**
 * {@code spring-security.csrf-token}: the {@link DefaultCsrfToken} that {@code HttpSessionCsrfTokenRepository} keeps in
 * the session, as {@code {"token":"…","parameterName":"_csrf","headerName":"X-CSRF-TOKEN"}}. The token is the raw
 * (unmasked) value; the forms and headers carry it XOR-masked.
 */
final class CsrfTokenAdapter implements ValueAdapter<DefaultCsrfToken> {
    static final String ALIAS = SpringSecurityValueTypes.NAME + ".csrf-token";

    @Override
    public JsonNode write(DefaultCsrfToken value, ValueContext context) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("token", value.getToken());
        node.put("parameterName", value.getParameterName());
        node.put("headerName", value.getHeaderName());
        return node;
    }

    @Override
    public DefaultCsrfToken read(JsonNode json, ValueContext context) {
        Fields f = Fields.of(ALIAS, json);
        return new DefaultCsrfToken(f.text("headerName"), f.text("parameterName"), f.text("token"));
    }
}
