package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * {@code spring-security.web-authentication-details}: the {@link WebAuthenticationDetails} a form login attaches to its
 * token, as {@code {"remoteAddress":"203.0.113.7"}}.
 *
 * <p>The session id it holds is never written and reads back as null: it is the id of the session the login started
 * in, a bearer token, and SessionKit keeps no usable session id in the store (ids are stored only hashed). After the
 * default session-fixation protection that id is already dead; with it turned off it would be the live one.
 */
final class WebAuthenticationDetailsAdapter implements ObjectAdapter.Members<WebAuthenticationDetails> {
    @Override
    public void writeMembers(WebAuthenticationDetails value, ObjectNode node, ValueContext context) {
        node.put("remoteAddress", value.getRemoteAddress());
    }

    @Override
    public WebAuthenticationDetails readMembers(Fields f, ValueContext context) {
        return new WebAuthenticationDetails(f.text("remoteAddress"), null);
    }
}
