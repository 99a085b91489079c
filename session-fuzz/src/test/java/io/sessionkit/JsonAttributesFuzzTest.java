package io.sessionkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sessionkit.springsecurity.SpringSecurityValueTypes;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.savedrequest.SavedRequest;

/**
 * The attributes text of a stored record, loaded through a {@link SessionManager} with the JSON codec and typed values
 * (Spring Security's and a record type of the application), under each {@link DecodeFailurePolicy}; every attribute is
 * read plain and as each registered type. The last input byte picks the policy, the others are the text (UTF-8).
 */
class JsonAttributesFuzzTest {
    /** An application type registered by alias, mapped by its properties. */
    record Cart(String owner, List<Line> lines) {}

    record Line(String sku, int quantity) {}

    private static final List<Class<?>> TYPES = List.of(
            Cart.class,
            String.class,
            Map.class,
            SecurityContext.class,
            Authentication.class,
            User.class,
            GrantedAuthority.class,
            CsrfToken.class,
            SavedRequest.class,
            RuntimeException.class);

    private static final ValueTypes VALUE_TYPES = ValueTypes.builder()
            .add(SpringSecurityValueTypes.provider())
            .register("fuzz.cart", Cart.class)
            .build();

    private static final Map<DecodeFailurePolicy, SessionManager> MANAGERS =
            Decoding.perPolicy(b -> b.jsonCodec(VALUE_TYPES));

    @AfterAll
    static void close() {
        MANAGERS.values().forEach(SessionManager::close);
    }

    @FuzzTest
    void load(FuzzedDataProvider data) {
        DecodeFailurePolicy policy = data.pickValue(DecodeFailurePolicy.values());
        String attributes = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        Decoding.tolerated(() -> Decoding.loadThrough(MANAGERS.get(policy), attributes, TYPES));
    }
}
