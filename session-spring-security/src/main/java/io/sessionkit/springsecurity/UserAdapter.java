package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueAdapter;
import io.sessionkit.ValueContext;
import org.springframework.security.core.userdetails.User;

/**
 * {@code spring-security.user}: the {@link User} a {@code UserDetailsService} such as {@code InMemoryUserDetailsManager}
 * or {@code JdbcUserDetailsManager} returns, as
 * {@code {"username":"alice","authorities":[…],"enabled":true,"accountNonExpired":true,"accountNonLocked":true,
 * "credentialsNonExpired":true}}.
 *
 * <p>The password is never written, whether or not Spring Security erased it: it reads back as null, as after
 * {@link User#eraseCredentials()}, which Spring Security does after every successful login by default.
 */
final class UserAdapter implements ValueAdapter<User> {
    static final String ALIAS = SpringSecurityValueTypes.NAME + ".user";

    @Override
    public JsonNode write(User value, ValueContext context) {
        if (value.getPassword() != null) {
            Credentials.dropped("the password of a " + User.class.getName());
        }
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("username", value.getUsername());
        node.set("authorities", AuthorityAdapters.write(value.getAuthorities(), context));
        node.put("enabled", value.isEnabled());
        node.put("accountNonExpired", value.isAccountNonExpired());
        node.put("accountNonLocked", value.isAccountNonLocked());
        node.put("credentialsNonExpired", value.isCredentialsNonExpired());
        return node;
    }

    @Override
    public User read(JsonNode json, ValueContext context) {
        Fields f = Fields.of(ALIAS, json);
        String username = f.text("username");
        if (username.isEmpty()) {
            throw f.invalid("member 'username' is empty");
        }
        return new User(
                username,
                null,
                f.bool("enabled"),
                f.bool("accountNonExpired"),
                f.bool("credentialsNonExpired"),
                f.bool("accountNonLocked"),
                AuthorityAdapters.read(f, "authorities", context));
    }
}
