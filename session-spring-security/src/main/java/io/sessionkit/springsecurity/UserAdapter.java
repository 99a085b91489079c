package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
final class UserAdapter implements ObjectAdapter.Members<User> {
    @Override
    public void writeMembers(User value, ObjectNode node, ValueContext context) {
        Credentials.dropped(value.getPassword(), "the password", User.class);
        node.put("username", value.getUsername());
        node.set("authorities", AuthorityAdapters.write(value.getAuthorities(), context));
        node.put("enabled", value.isEnabled());
        node.put("accountNonExpired", value.isAccountNonExpired());
        node.put("accountNonLocked", value.isAccountNonLocked());
        node.put("credentialsNonExpired", value.isCredentialsNonExpired());
    }

    @Override
    public User readMembers(Fields f, ValueContext context) {
        return new User(
                f.nonEmptyText("username"),
                null,
                f.bool("enabled"),
                f.bool("accountNonExpired"),
                f.bool("credentialsNonExpired"),
                f.bool("accountNonLocked"),
                AuthorityAdapters.read(f, "authorities", context));
    }
}
