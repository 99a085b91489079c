package io.sessionkit.springsession;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;

/** The legacy sessions the tests write, and the little they need around them. */
final class Fixtures {
    private Fixtures() {}

    /** An application class nobody put on the allow-list: counts how often it is deserialized (must stay 0). */
    static final class UnlistedCart implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();
        final String item;

        UnlistedCart(String item) {
            this.item = item;
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    /** A Spring Security context as form login leaves it (a User with one role). */
    static SecurityContextImpl loggedIn(String user) {
        User principal = new User(user, "", List.of(new SimpleGrantedAuthority("ROLE_USER")));
        return new SecurityContextImpl(
                UsernamePasswordAuthenticationToken.authenticated(principal, null, principal.getAuthorities()));
    }

    /** A String, an Integer, a list and a Spring Security context. */
    static Map<String, Object> typical(String user) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("greeting", "hello");
        attributes.put("count", 42);
        attributes.put("items", new ArrayList<>(List.of("apple", "pear")));
        attributes.put(SpringSessionImporter.SPRING_SECURITY_CONTEXT, loggedIn(user));
        return attributes;
    }

    /** The {@code SESSION} cookie Spring Session's {@code DefaultCookieSerializer} sends for {@code id}. */
    static String cookie(String id) {
        return Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.UTF_8));
    }

    /** A request that only holds attributes: all the importer touches. */
    static HttpServletRequest request() {
        Map<String, Object> attributes = new HashMap<>();
        return (HttpServletRequest) Proxy.newProxyInstance(
                Fixtures.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "getAttribute" -> attributes.get((String) args[0]);
                        case "setAttribute" -> attributes.put((String) args[0], args[1]);
                        case "removeAttribute" -> attributes.remove((String) args[0]);
                        case "getSession" -> null; // no SessionKit session: the importer records no forward
                        default -> throw new UnsupportedOperationException(method.getName());
                    };
                });
    }
}
