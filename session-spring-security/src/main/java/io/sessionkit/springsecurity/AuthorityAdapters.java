package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** The two {@link GrantedAuthority} types a form login grants, and the list form the tokens and users use. */
final class AuthorityAdapters {
    private AuthorityAdapters() {}

    /** {@code spring-security.authority}: a {@link SimpleGrantedAuthority}, {@code {"authority":"ROLE_USER"}}. */
    static final class Simple implements ObjectAdapter.Members<SimpleGrantedAuthority> {
        @Override
        public void writeMembers(SimpleGrantedAuthority value, ObjectNode node, ValueContext context) {
            node.put("authority", value.getAuthority());
        }

        @Override
        public SimpleGrantedAuthority readMembers(Fields f, ValueContext context) {
            return new SimpleGrantedAuthority(f.nonEmptyText("authority"));
        }
    }

    /**
     * {@code spring-security.factor-authority}: a {@link FactorGrantedAuthority} (Spring Security 7 grants
     * {@code FACTOR_PASSWORD} on a password login), {@code {"authority":"FACTOR_PASSWORD","issuedAt":"<ISO-8601>"}}.
     * The instant keeps its nanoseconds, so the authority reads back equal.
     */
    static final class Factor implements ObjectAdapter.Members<FactorGrantedAuthority> {
        @Override
        public void writeMembers(FactorGrantedAuthority value, ObjectNode node, ValueContext context) {
            node.put("authority", value.getAuthority());
            node.put("issuedAt", value.getIssuedAt().toString());
        }

        @Override
        public FactorGrantedAuthority readMembers(Fields f, ValueContext context) {
            String authority = f.nonBlankText("authority");
            Instant issuedAt;
            try {
                issuedAt = Instant.parse(f.text("issuedAt"));
            } catch (DateTimeParseException e) {
                throw f.invalid("member 'issuedAt' is not an ISO-8601 instant");
            }
            return FactorGrantedAuthority.withAuthority(authority)
                    .issuedAt(issuedAt)
                    .build();
        }
    }

    /** The authorities as an array of their tagged forms; one that is not a registered type fails the write. */
    static JsonNode write(Collection<? extends GrantedAuthority> authorities, ValueContext context) {
        var array = JsonNodeFactory.instance.arrayNode(authorities.size());
        for (GrantedAuthority authority : authorities) {
            array.add(context.write(authority));
        }
        return array;
    }

    /** The authorities back; each element must be a registered {@link GrantedAuthority}. */
    static List<GrantedAuthority> read(Fields f, String member, ValueContext context) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        for (JsonNode element : f.array(member)) {
            Object value = context.read(element);
            if (!(value instanceof GrantedAuthority authority)) {
                throw f.invalid("an element of '" + member + "' is not a registered GrantedAuthority");
            }
            authorities.add(authority);
        }
        return authorities;
    }
}
