package io.sessionkit.springsecurity;

import io.sessionkit.ValueTypes;
import java.util.function.Function;
import org.springframework.security.authentication.AccountExpiredException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;

/**
 * The Spring Security 7 objects that a servlet app with form login, CSRF protection and the request cache keeps in
 * its {@code HttpSession}, registered as {@link ValueTypes} so that they come back from SessionKit's JSON codec as
 * themselves instead of as maps (issue 16: {@code ClassCastException: LinkedHashMap cannot be cast to CsrfToken}).
 *
 * <p>Switch it on with {@code sessionkit.codec.types=spring-security} (this class is registered for
 * {@link java.util.ServiceLoader}), or in code:
 *
 * <pre>{@code
 * SessionManager.builder(store).jsonCodec(SpringSecurityValueTypes.valueTypes()).build();
 * // together with the application's own types:
 * ValueTypes types = ValueTypes.builder().add(SpringSecurityValueTypes.provider()).register("shop.cart", Cart.class).build();
 * }</pre>
 *
 * <p>Every type is written and read by a hand-written adapter with explicit members; no Spring Security Jackson module
 * and no polymorphic typing is used, and a stored form never names a class. The aliases and their JSON are listed in
 * this module's README. What is deliberately not stored: passwords and token credentials (they read back null, as
 * after Spring Security's default credential erasure), the session id inside {@link WebAuthenticationDetails}, and a
 * saved request's cookies and credential-bearing headers; see the adapters and the README for why.
 *
 * <p>Types that are not registered here, such as an application's own {@code UserDetails}, another
 * {@code Authentication} (remember-me, OAuth 2, SAML) or {@code GrantedAuthority}, fail when set into the session with
 * a {@link io.sessionkit.SessionCodecException} naming the class: register an adapter for them next to these.
 */
public final class SpringSecurityValueTypes implements ValueTypes.Provider {
    /** The provider name for {@code sessionkit.codec.types}, and the prefix of every alias. */
    public static final String NAME = "spring-security";

    private static final SpringSecurityValueTypes INSTANCE = new SpringSecurityValueTypes();
    private static final ValueTypes VALUE_TYPES =
            ValueTypes.builder().add(INSTANCE).build();

    /** For {@link java.util.ServiceLoader}; in code use {@link #provider()}. */
    public SpringSecurityValueTypes() {}

    /** This provider, to add to a {@link ValueTypes.Builder} next to the application's own types. */
    public static ValueTypes.Provider provider() {
        return INSTANCE;
    }

    /** Exactly these types, for {@code SessionManager.Builder.jsonCodec(ValueTypes)}. */
    public static ValueTypes valueTypes() {
        return VALUE_TYPES;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void register(ValueTypes.Builder builder) {
        register(builder, DefaultCsrfToken.class, "csrf-token", new CsrfTokenAdapter());
        register(builder, SecurityContextImpl.class, "security-context", new SecurityContextAdapter());
        register(
                builder,
                UsernamePasswordAuthenticationToken.class,
                "username-password-token",
                new UsernamePasswordTokenAdapter());
        register(builder, User.class, "user", new UserAdapter());
        register(builder, SimpleGrantedAuthority.class, "authority", new AuthorityAdapters.Simple());
        register(builder, FactorGrantedAuthority.class, "factor-authority", new AuthorityAdapters.Factor());
        register(
                builder,
                WebAuthenticationDetails.class,
                "web-authentication-details",
                new WebAuthenticationDetailsAdapter());
        register(builder, DefaultSavedRequest.class, SavedRequestAdapter.NAME, new SavedRequestAdapter());
        exception(builder, "bad-credentials", BadCredentialsException.class, BadCredentialsException::new);
        exception(builder, "username-not-found", UsernameNotFoundException.class, UsernameNotFoundException::new);
        exception(builder, "locked", LockedException.class, LockedException::new);
        exception(builder, "disabled", DisabledException.class, DisabledException::new);
        exception(builder, "account-expired", AccountExpiredException.class, AccountExpiredException::new);
        exception(builder, "credentials-expired", CredentialsExpiredException.class, CredentialsExpiredException::new);
        exception(
                builder,
                "authentication-service",
                AuthenticationServiceException.class,
                AuthenticationServiceException::new);
        exception(
                builder,
                "internal-authentication-service",
                InternalAuthenticationServiceException.class,
                InternalAuthenticationServiceException::new);
        exception(builder, "provider-not-found", ProviderNotFoundException.class, ProviderNotFoundException::new);
        exception(
                builder,
                "session-authentication",
                SessionAuthenticationException.class,
                SessionAuthenticationException::new);
    }

    private static <T extends AuthenticationException> void exception(
            ValueTypes.Builder builder, String name, Class<T> type, Function<String, T> create) {
        register(builder, type, name, new AuthenticationExceptionAdapter<>(create));
    }

    /** {@code type} under the alias {@code spring-security.<name>}, stored as the object of its {@code members}. */
    private static <T> void register(
            ValueTypes.Builder builder, Class<T> type, String name, ObjectAdapter.Members<T> members) {
        ObjectAdapter<T> adapter = new ObjectAdapter<>(name, members);
        builder.register(adapter.alias(), type, adapter);
    }

    @Override
    public String toString() {
        return "SpringSecurityValueTypes[" + NAME + "]";
    }
}
