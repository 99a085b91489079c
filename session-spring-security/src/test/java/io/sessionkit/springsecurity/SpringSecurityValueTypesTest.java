package io.sessionkit.springsecurity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.ValueTypes;
import io.sessionkit.caffeine.CaffeineSessionStore;
import jakarta.servlet.http.Cookie;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.authentication.AccountExpiredException;
import org.springframework.security.authentication.AuthenticationServiceException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.CredentialsExpiredException;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.ProviderNotFoundException;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.WebAuthenticationDetails;
import org.springframework.security.web.authentication.WebAuthenticationDetailsSource;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.security.web.csrf.HttpSessionCsrfTokenRepository;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;

/**
 * Every adapter through a real {@link SessionManager} on the Caffeine store: the objects are made by Spring Security's
 * own components (a {@code ProviderManager} login, {@code HttpSessionCsrfTokenRepository},
 * {@code HttpSessionRequestCache}), stored, and read back in a fresh session as Spring Security would read them.
 * Hostile records are written into the store directly.
 */
class SpringSecurityValueTypesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSRF_ATTRIBUTE = HttpSessionCsrfTokenRepository.class.getName() + ".CSRF_TOKEN";
    private static final String CONTEXT_ATTRIBUTE = HttpSessionSecurityContextRepository.SPRING_SECURITY_CONTEXT_KEY;
    private static final String SAVED_REQUEST_ATTRIBUTE = "SPRING_SECURITY_SAVED_REQUEST";
    private static final String EXCEPTION_ATTRIBUTE = "SPRING_SECURITY_LAST_EXCEPTION";

    /** How the manager gets the types: named in configuration (ServiceLoader), or from the accessor in code. */
    enum Wiring {
        CONFIG,
        CODE
    }

    private final List<SessionManager> opened = new ArrayList<>();
    private final CaffeineSessionStore store = CaffeineSessionStore.builder().build();

    @AfterEach
    void close() {
        opened.forEach(SessionManager::close);
        store.close();
    }

    private SessionManager manager(Wiring wiring) {
        SessionManager m = switch (wiring) {
            case CONFIG ->
                SessionManager.open(SessionKitConfig.of(
                        Map.of("sessionkit.store", "local", "sessionkit.codec.types", SpringSecurityValueTypes.NAME)));
            case CODE ->
                SessionManager.builder(store)
                        .jsonCodec(SpringSecurityValueTypes.valueTypes())
                        .build();
        };
        opened.add(m);
        return m;
    }

    /** A manager over {@link #store}, so that tests can read and write the stored text. */
    private SessionManager manager(DecodeFailurePolicy policy) {
        SessionManager m = SessionManager.builder(store)
                .jsonCodec(SpringSecurityValueTypes.valueTypes())
                .decodeFailurePolicy(policy)
                .build();
        opened.add(m);
        return m;
    }

    /** Stores {@code value} in a new session and reads it back from a fresh load, as the next request would. */
    private static Object roundTrip(SessionManager m, String name, Object value) {
        Session s = m.create();
        s.setAttribute(name, value);
        m.save(s);
        Object back = m.find(s.id()).orElseThrow().getAttribute(name);
        assertThat(back).as("read back").isNotNull();
        return back;
    }

    /** The stored attributes text of the session holding {@code value} under {@code name}. */
    private String storedText(String name, Object value) {
        SessionManager m = manager(DecodeFailurePolicy.FAIL);
        Session s = m.create();
        s.setAttribute(name, value);
        m.save(s);
        return store.load(s.id().key()).orElseThrow().attributes();
    }

    private static JsonNode tree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A form login as Spring Security performs it: DaoAuthenticationProvider behind a ProviderManager. */
    private static ProviderManager authenticationManager() {
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername("alice")
                .password("{noop}wonderland")
                .roles("USER")
                .build());
        return new ProviderManager(new DaoAuthenticationProvider(users));
    }

    private static MockHttpServletRequest loginRequest() {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/login");
        request.setRemoteAddr("203.0.113.7");
        request.setSession(new MockHttpSession(null, "pre-login-session-id"));
        return request;
    }

    private static Authentication login(ProviderManager manager, String password) {
        UsernamePasswordAuthenticationToken attempt =
                UsernamePasswordAuthenticationToken.unauthenticated("alice", password);
        attempt.setDetails(new WebAuthenticationDetailsSource().buildDetails(loginRequest()));
        return manager.authenticate(attempt);
    }

    @Nested
    @DisplayName("round trips")
    class RoundTrips {
        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName(
                "the CSRF token HttpSessionCsrfTokenRepository makes comes back as a CsrfToken it can load (issue 16)")
        void csrfToken(Wiring wiring) {
            HttpSessionCsrfTokenRepository repository = new HttpSessionCsrfTokenRepository();
            CsrfToken token = repository.generateToken(new MockHttpServletRequest());
            assertThat(token).isExactlyInstanceOf(DefaultCsrfToken.class);

            Object back = roundTrip(manager(wiring), CSRF_ATTRIBUTE, token);

            // What failed in issue 16: the repository casts the attribute to CsrfToken.
            MockHttpServletRequest next = new MockHttpServletRequest();
            next.getSession().setAttribute(CSRF_ATTRIBUTE, back);
            CsrfToken loaded = repository.loadToken(next);
            assertThat(loaded.getToken()).isEqualTo(token.getToken());
            assertThat(loaded.getParameterName()).isEqualTo("_csrf");
            assertThat(loaded.getHeaderName()).isEqualTo("X-CSRF-TOKEN");
        }

        @Test
        @DisplayName("without the types the token comes back as a map, and loadToken fails as in issue 16")
        void withoutTheTypesIssue16() {
            SessionManager plain =
                    SessionManager.builder(store).jsonCodec(ValueTypes.none()).build();
            opened.add(plain);
            HttpSessionCsrfTokenRepository repository = new HttpSessionCsrfTokenRepository();
            Object back = roundTrip(plain, CSRF_ATTRIBUTE, repository.generateToken(new MockHttpServletRequest()));
            assertThat(back).isInstanceOf(Map.class);
            MockHttpServletRequest next = new MockHttpServletRequest();
            next.getSession().setAttribute(CSRF_ATTRIBUTE, back);
            assertThatThrownBy(() -> repository.loadToken(next)).isInstanceOf(ClassCastException.class);
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName(
                "the security context of a real form login comes back equal, with User, FACTOR_PASSWORD and details")
        void securityContextOfALogin(Wiring wiring) {
            Authentication result = login(authenticationManager(), "wonderland");
            SecurityContext context =
                    SecurityContextHolder.getContextHolderStrategy().createEmptyContext();
            context.setAuthentication(result);
            assertThat(context).isExactlyInstanceOf(SecurityContextImpl.class);
            assertThat(result).isExactlyInstanceOf(UsernamePasswordAuthenticationToken.class);
            assertThat(result.getAuthorities())
                    .extracting(GrantedAuthority::getAuthority)
                    .containsExactly("ROLE_USER", FactorGrantedAuthority.PASSWORD_AUTHORITY);

            Object back = roundTrip(manager(wiring), CONTEXT_ATTRIBUTE, context);

            assertThat(back).isExactlyInstanceOf(SecurityContextImpl.class);
            Authentication a = ((SecurityContext) back).getAuthentication();
            assertThat(a).isExactlyInstanceOf(UsernamePasswordAuthenticationToken.class);
            assertThat(a.isAuthenticated()).isTrue();
            assertThat(a.getName()).isEqualTo("alice");
            assertThat(a.getCredentials()).isNull();
            // Equal authorities: the factor authority keeps its issuedAt to the nanosecond.
            assertThat(List.copyOf(a.getAuthorities())).isEqualTo(List.copyOf(result.getAuthorities()));
            assertThat(List.copyOf(a.getAuthorities())).element(1).isExactlyInstanceOf(FactorGrantedAuthority.class);

            User user = (User) a.getPrincipal();
            User original = (User) result.getPrincipal();
            assertThat(user).isExactlyInstanceOf(User.class);
            assertThat(user.getUsername()).isEqualTo("alice");
            assertThat(user.getPassword()).isNull();
            assertThat(List.copyOf(user.getAuthorities())).isEqualTo(List.copyOf(original.getAuthorities()));
            assertThat(user.isEnabled()).isTrue();
            assertThat(user.isAccountNonExpired()).isTrue();
            assertThat(user.isAccountNonLocked()).isTrue();
            assertThat(user.isCredentialsNonExpired()).isTrue();

            WebAuthenticationDetails details = (WebAuthenticationDetails) a.getDetails();
            assertThat(details).isExactlyInstanceOf(WebAuthenticationDetails.class);
            assertThat(details.getRemoteAddress()).isEqualTo("203.0.113.7");
            assertThat(details.getSessionId()).as("never stored").isNull();

            // The rest of the token equals the original once the (unstored) session id is left out.
            UsernamePasswordAuthenticationToken expected =
                    UsernamePasswordAuthenticationToken.authenticated(original, null, result.getAuthorities());
            expected.setDetails(new WebAuthenticationDetails("203.0.113.7", null));
            assertThat(back).isEqualTo(new SecurityContextImpl(expected));
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName("an empty security context and an unauthenticated token come back as they were")
        void emptyContextAndUnauthenticatedToken(Wiring wiring) {
            SessionManager m = manager(wiring);
            assertThat(roundTrip(m, CONTEXT_ATTRIBUTE, new SecurityContextImpl()))
                    .isEqualTo(new SecurityContextImpl());

            UsernamePasswordAuthenticationToken anonymous =
                    UsernamePasswordAuthenticationToken.unauthenticated("bob", null);
            assertThat(roundTrip(m, "token", anonymous)).isEqualTo(anonymous);

            // Authorities, then setAuthenticated(false): both survive.
            UsernamePasswordAuthenticationToken revoked = UsernamePasswordAuthenticationToken.authenticated(
                    "carol", null, List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
            revoked.setAuthenticated(false);
            Object back = roundTrip(m, "token", revoked);
            assertThat(back).isEqualTo(revoked);
            assertThat(((Authentication) back).isAuthenticated()).isFalse();
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName("authorities come back as themselves, alone and in lists")
        void authorities(Wiring wiring) {
            SessionManager m = manager(wiring);
            assertThat(roundTrip(m, "a", new SimpleGrantedAuthority("ROLE_USER")))
                    .isEqualTo(new SimpleGrantedAuthority("ROLE_USER"));
            FactorGrantedAuthority factor = FactorGrantedAuthority.withAuthority("FACTOR_OTT")
                    .issuedAt(Instant.parse("2026-12-02T04:05:06.123456789Z"))
                    .build();
            assertThat(roundTrip(m, "f", factor)).isEqualTo(factor);
            assertThat(roundTrip(m, "list", List.of(new SimpleGrantedAuthority("ROLE_A"), factor)))
                    .isEqualTo(List.of(new SimpleGrantedAuthority("ROLE_A"), factor));
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName("a User keeps its flags and authorities; a disabled, locked user stays so")
        void user(Wiring wiring) {
            User user =
                    new User("dave", null, false, true, false, false, List.of(new SimpleGrantedAuthority("ROLE_B")));
            User back = (User) roundTrip(manager(wiring), "user", user);
            assertThat(back).isExactlyInstanceOf(User.class).isEqualTo(user);
            assertThat(back.isEnabled()).isFalse();
            assertThat(back.isAccountNonExpired()).isTrue();
            assertThat(back.isCredentialsNonExpired()).isFalse();
            assertThat(back.isAccountNonLocked()).isFalse();
            assertThat(back.getAuthorities()).containsExactly(new SimpleGrantedAuthority("ROLE_B"));
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName(
                "the saved request HttpSessionRequestCache makes gives back the same redirect URL, method, parameters")
        void savedRequest(Wiring wiring) {
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/42");
            request.setServerName("shop.example");
            request.setServerPort(8443);
            request.setScheme("https");
            request.setSecure(true);
            request.setQueryString("page=2&sort=date");
            request.addParameter("page", "2");
            request.addParameter("sort", "date");
            request.addParameter("tag", "a", "b");
            request.addHeader("Accept", "text/html");
            request.addHeader("Accept-Language", "de-CH, en;q=0.5");
            request.addHeader("X-Multi", "one");
            request.addHeader("X-Multi", "two");
            request.addPreferredLocale(Locale.ENGLISH);
            request.addPreferredLocale(Locale.forLanguageTag("de-CH"));
            DefaultSavedRequest saved = save(request, "continue");

            DefaultSavedRequest back = (DefaultSavedRequest) roundTrip(manager(wiring), SAVED_REQUEST_ATTRIBUTE, saved);

            assertThat(back.getRedirectUrl())
                    .isEqualTo(saved.getRedirectUrl())
                    .isEqualTo("https://shop.example:8443/orders/42?page=2&sort=date&continue");
            assertThat(back.getMethod()).isEqualTo("GET");
            assertThat(back.getRequestURI()).isEqualTo("/orders/42");
            assertThat(back.getRequestURL()).isEqualTo(saved.getRequestURL());
            assertThat(back.getQueryString()).isEqualTo("page=2&sort=date");
            assertThat(back.getContextPath()).isEqualTo(saved.getContextPath());
            assertThat(back.getServletPath()).isEqualTo(saved.getServletPath());
            assertThat(back.getPathInfo()).isEqualTo(saved.getPathInfo());
            assertThat(back.getServerName()).isEqualTo("shop.example");
            assertThat(back.getServerPort()).isEqualTo(8443);
            assertThat(back.getScheme()).isEqualTo("https");
            assertThat(back.getParameterMap()).containsOnlyKeys("page", "sort", "tag");
            assertThat(back.getParameterValues("tag")).containsExactly("a", "b");
            assertThat(back.getHeaderNames()).containsExactlyInAnyOrderElementsOf(saved.getHeaderNames());
            assertThat(back.getHeaderValues("x-multi")).containsExactly("one", "two");
            assertThat(back.getLocales()).containsExactlyElementsOf(saved.getLocales());
            assertThat(back.getCookies()).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(Wiring.class)
        @DisplayName("the redirect URL survives with and without a query string and a matching parameter")
        void savedRequestRedirectUrls(Wiring wiring) {
            SessionManager m = manager(wiring);
            for (String query : new String[] {null, "", "a=1", "continue", "a=1&continue=x"}) {
                for (String matching : new String[] {null, "continue", "resume"}) {
                    MockHttpServletRequest request = new MockHttpServletRequest("GET", "/secret");
                    request.setQueryString(query);
                    DefaultSavedRequest saved = save(request, matching);
                    DefaultSavedRequest back = (DefaultSavedRequest) roundTrip(m, SAVED_REQUEST_ATTRIBUTE, saved);
                    assertThat(back.getRedirectUrl())
                            .as("query %s, matching %s", query, matching)
                            .isEqualTo(saved.getRedirectUrl());
                    assertThat(back.getQueryString()).isEqualTo(saved.getQueryString());
                }
            }
        }

        @ParameterizedTest
        @MethodSource("io.sessionkit.springsecurity.SpringSecurityValueTypesTest#exceptions")
        @DisplayName("a failed login's exception comes back as its class with its message")
        void authenticationExceptions(String alias, AuthenticationException exception) {
            for (Wiring wiring : Wiring.values()) {
                Object back = roundTrip(manager(wiring), EXCEPTION_ATTRIBUTE, exception);
                assertThat(back).isExactlyInstanceOf(exception.getClass());
                assertThat(((Exception) back).getMessage()).isEqualTo(exception.getMessage());
                assertThat(((Exception) back).getCause()).isNull();
            }
            assertThat(tree(storedText(EXCEPTION_ATTRIBUTE, exception)).get(EXCEPTION_ATTRIBUTE))
                    .isEqualTo(tree("{\"@type\":\"" + alias + "\",\"@value\":{\"message\":\"" + exception.getMessage()
                            + "\"}}"));
        }
    }

    static Stream<Arguments> exceptions() {
        Exception cause = new IllegalStateException("database down");
        return Stream.of(
                Arguments.of("spring-security.bad-credentials", new BadCredentialsException("Bad credentials")),
                Arguments.of("spring-security.username-not-found", UsernameNotFoundException.fromUsername("mallory")),
                Arguments.of("spring-security.locked", new LockedException("User account is locked")),
                Arguments.of("spring-security.disabled", new DisabledException("User is disabled")),
                Arguments.of("spring-security.account-expired", new AccountExpiredException("expired")),
                Arguments.of("spring-security.credentials-expired", new CredentialsExpiredException("expired")),
                Arguments.of(
                        "spring-security.authentication-service", new AuthenticationServiceException("service", cause)),
                Arguments.of(
                        "spring-security.internal-authentication-service",
                        new InternalAuthenticationServiceException("internal", cause)),
                Arguments.of("spring-security.provider-not-found", new ProviderNotFoundException("no provider")),
                Arguments.of(
                        "spring-security.session-authentication",
                        new SessionAuthenticationException("Maximum sessions exceeded")));
    }

    private static DefaultSavedRequest save(MockHttpServletRequest request, String matchingParameter) {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setMatchingRequestParameterName(matchingParameter);
        cache.saveRequest(request, new MockHttpServletResponse());
        Object saved = request.getSession().getAttribute(SAVED_REQUEST_ATTRIBUTE);
        assertThat(saved).isExactlyInstanceOf(DefaultSavedRequest.class);
        return (DefaultSavedRequest) saved;
    }

    @Nested
    @DisplayName("what is never stored")
    class NeverStored {
        @Test
        @DisplayName("with credential erasure off, neither the password nor the token's credentials reach the store")
        void credentialsOfAnUnerasedLogin() {
            ProviderManager manager = authenticationManager();
            manager.setEraseCredentialsAfterAuthentication(false);
            Authentication result = login(manager, "wonderland");
            assertThat(result.getCredentials()).isEqualTo("wonderland");
            assertThat(((User) result.getPrincipal()).getPassword()).isEqualTo("{noop}wonderland");

            String text = storedText(CONTEXT_ATTRIBUTE, new SecurityContextImpl(result));
            assertThat(text)
                    .doesNotContain("wonderland")
                    .doesNotContain("\"credentials\"")
                    .doesNotContain("\"password\"");

            SecurityContext back = (SecurityContext)
                    roundTrip(manager(Wiring.CODE), CONTEXT_ATTRIBUTE, new SecurityContextImpl(result));
            assertThat(back.getAuthentication().getCredentials()).isNull();
            assertThat(((User) back.getAuthentication().getPrincipal()).getPassword())
                    .isNull();
        }

        @Test
        @DisplayName(
                "a failed login keeps the attempt (with the typed password) in its exception: only the message is stored")
        void failedLoginAttempt() {
            AuthenticationException failure = null;
            try {
                login(authenticationManager(), "not-the-password-7f3a");
            } catch (AuthenticationException e) {
                failure = e;
            }
            assertThat(failure).isExactlyInstanceOf(BadCredentialsException.class);
            assertThat(failure.getAuthenticationRequest().getCredentials()).isEqualTo("not-the-password-7f3a");

            String text = storedText(EXCEPTION_ATTRIBUTE, failure);
            assertThat(tree(text))
                    .isEqualTo(
                            tree(
                                    "{\"" + EXCEPTION_ATTRIBUTE
                                            + "\":{\"@type\":\"spring-security.bad-credentials\",\"@value\":{\"message\":\"Bad credentials\"}}}"));
        }

        @Test
        @DisplayName("the pre-login session id in WebAuthenticationDetails is not stored")
        void detailsSessionId() {
            WebAuthenticationDetails details = new WebAuthenticationDetails("198.51.100.1", "live-session-id-123");
            String text = storedText("details", details);
            assertThat(tree(text))
                    .isEqualTo(tree("{\"details\":{\"@type\":\"spring-security.web-authentication-details\","
                            + "\"@value\":{\"remoteAddress\":\"198.51.100.1\"}}}"));
        }

        @Test
        @DisplayName(
                "a saved request keeps no cookie and no Cookie, Authorization, Proxy-Authorization or session header")
        void savedRequestCredentials() {
            String sessionId = SessionId.generate().value();
            MockHttpServletRequest request = new MockHttpServletRequest("GET", "/secret");
            request.setCookies(new Cookie("SESSION", sessionId), new Cookie("remember-me", "remember-me-token-9c1e"));
            request.addHeader("Cookie", "SESSION=" + sessionId + "; remember-me=remember-me-token-9c1e");
            request.addHeader("Authorization", "Basic YWxpY2U6d29uZGVybGFuZA==");
            request.addHeader("Proxy-Authorization", "Bearer proxy-secret-51d2");
            request.addHeader("X-Session-Token", sessionId);
            request.addHeader("Accept", "text/html");
            DefaultSavedRequest saved = save(request, "continue");
            assertThat(saved.getCookies()).hasSize(2);

            String text = storedText(SAVED_REQUEST_ATTRIBUTE, saved);
            assertThat(text)
                    .doesNotContain(sessionId)
                    .doesNotContain("remember-me-token-9c1e")
                    .doesNotContain("YWxpY2U6d29uZGVybGFuZA==")
                    .doesNotContain("proxy-secret-51d2")
                    .contains("text/html");
            DefaultSavedRequest back =
                    (DefaultSavedRequest) roundTrip(manager(Wiring.CODE), SAVED_REQUEST_ATTRIBUTE, saved);
            assertThat(back.getCookies()).isEmpty();
            assertThat(back.getHeaderNames()).containsExactly("Accept");
        }
    }

    @Nested
    @DisplayName("types nobody registered fail when set, not later as maps")
    class Unregistered {
        @Test
        @DisplayName("another Authentication inside the security context")
        void otherAuthentication() {
            Session s = manager(Wiring.CODE).create();
            SecurityContextImpl context =
                    new SecurityContextImpl(new TestingAuthenticationToken("eve", null, "ROLE_X"));
            assertThatThrownBy(() -> s.setAttribute(CONTEXT_ATTRIBUTE, context))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(TestingAuthenticationToken.class.getName())
                    .hasMessageContaining("not a registered value type");
            assertThat(s.attributeNames()).isEmpty();
        }

        /** An application's own principal type. */
        record AppUser(String name) {}

        @Test
        @DisplayName("an application's own principal or authority")
        void ownPrincipalAndAuthority() {
            Session s = manager(Wiring.CODE).create();
            UsernamePasswordAuthenticationToken own =
                    UsernamePasswordAuthenticationToken.authenticated(new AppUser("frank"), null, List.of());
            assertThatThrownBy(() -> s.setAttribute("token", own))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(AppUser.class.getName());
            GrantedAuthority custom = () -> "ROLE_CUSTOM";
            UsernamePasswordAuthenticationToken withCustom =
                    UsernamePasswordAuthenticationToken.authenticated("frank", null, List.of(custom));
            assertThatThrownBy(() -> s.setAttribute("token", withCustom))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining("not a registered value type");
        }
    }

    // ---- hostile and malformed records ----

    /** Writes {@code attributes} as a stored session and returns its id. */
    private SessionId plant(String attributes) {
        SessionId id = SessionId.generate();
        Instant now = Instant.now();
        Duration idle = Duration.ofMinutes(30);
        assertThat(store.create(new SessionRecord(id.key(), 1, now, now, idle, now.plus(idle), null, attributes)))
                .isTrue();
        return id;
    }

    private static String contextWithPrincipal(String principal) {
        return "{\"" + CONTEXT_ATTRIBUTE + "\":{\"@type\":\"spring-security.security-context\",\"@value\":"
                + "{\"authentication\":{\"@type\":\"spring-security.username-password-token\",\"@value\":"
                + "{\"principal\":" + principal + ",\"authorities\":[],\"authenticated\":true}}}}}";
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of(
                        "an alias nobody registered",
                        "{\"" + CONTEXT_ATTRIBUTE
                                + "\":{\"@type\":\"spring-security.remember-me-token\",\"@value\":{\"key\":1}}}",
                        "'spring-security.remember-me-token' names no registered type"),
                Arguments.of(
                        "a class name as the alias",
                        contextWithPrincipal("{\"@type\":\"org.springframework.security.core.userdetails.User\","
                                + "\"@value\":{\"username\":\"mallory\",\"password\":\"x\",\"enabled\":true,"
                                + "\"accountNonExpired\":true,\"accountNonLocked\":true,"
                                + "\"credentialsNonExpired\":true,\"authorities\":[]}}"),
                        "'org.springframework.security.core.userdetails.User' names no registered type"),
                Arguments.of(
                        "a class on the class path, nested as the principal",
                        contextWithPrincipal("{\"@type\":\"" + Gadget.class.getName() + "\","
                                + "\"@value\":{\"command\":\"touch /tmp/pwned\"}}"),
                        "'" + Gadget.class.getName() + "' names no registered type"),
                Arguments.of(
                        "an untagged map where an Authentication belongs",
                        "{\"" + CONTEXT_ATTRIBUTE + "\":{\"@type\":\"spring-security.security-context\",\"@value\":"
                                + "{\"authentication\":{\"principal\":\"mallory\",\"authenticated\":true}}}}",
                        "member 'authentication' is not a registered Authentication"),
                Arguments.of(
                        "a registered type where an Authentication belongs",
                        "{\"" + CONTEXT_ATTRIBUTE + "\":{\"@type\":\"spring-security.security-context\",\"@value\":"
                                + "{\"authentication\":{\"@type\":\"spring-security.authority\","
                                + "\"@value\":{\"authority\":\"ROLE_ADMIN\"}}}}}",
                        "member 'authentication' is not a registered Authentication"),
                Arguments.of(
                        "a plain string where an authority belongs",
                        contextWithPrincipal("\"mallory\"")
                                .replace("\"authorities\":[]", "\"authorities\":[\"ROLE_ADMIN\"]"),
                        "an element of 'authorities' is not a registered GrantedAuthority"));
    }

    @ParameterizedTest(name = "{0}, {3}")
    @MethodSource("hostilePerPolicy")
    @DisplayName("a hostile record is undecodable by the decode-failure policy, and nothing is instantiated")
    void hostileRecord(String what, String attributes, String message, DecodeFailurePolicy policy) {
        SessionManager m = manager(policy);
        SessionId id = plant(attributes);
        // A tag naming no registered type is seen at load: the default policy then treats the session as absent.
        // Other damage shows only when the attribute is read: dropped (both DROP policies) or thrown (FAIL).
        boolean seenAtLoad = message.contains("names no registered type");
        if (policy == DecodeFailurePolicy.DROP_SESSION && seenAtLoad) {
            assertThat(m.find(id)).isEmpty();
        } else if (policy == DecodeFailurePolicy.FAIL) {
            Session s = m.find(id).orElseThrow();
            assertThatThrownBy(() -> s.getAttribute(CONTEXT_ATTRIBUTE))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(message);
        } else {
            Session s = m.find(id).orElseThrow();
            assertThat(s.getAttribute(CONTEXT_ATTRIBUTE)).isNull();
            m.save(s);
            assertThat(store.load(id.key()).orElseThrow().attributes()).isEqualTo("{}");
        }
        assertThat(GadgetProbe.INITIALIZED).as("Gadget initialized").hasValue(0);
        assertThat(GadgetProbe.CONSTRUCTED).as("Gadget constructed").hasValue(0);
        assertThat(GadgetProbe.COMMANDS).as("Gadget setters called").isEmpty();
    }

    static Stream<Arguments> hostilePerPolicy() {
        return hostile()
                .flatMap(a -> Stream.of(DecodeFailurePolicy.values())
                        .map(p -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], p)));
    }

    @Test
    @DisplayName("a JdbcRowSetImpl gadget nested as the principal opens no connection and is refused unread")
    void jdbcRowSetGadget() throws IOException {
        try (ServerSocketChannel ldap = ServerSocketChannel.open()) {
            ldap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ldap.configureBlocking(false);
            int port = ((InetSocketAddress) ldap.getLocalAddress()).getPort();
            SessionId id = plant(contextWithPrincipal("{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\",\"@value\":"
                    + "{\"dataSourceName\":\"ldap://127.0.0.1:" + port + "/x\",\"autoCommit\":true}}"));
            Session s = manager(DecodeFailurePolicy.FAIL).find(id).orElseThrow();
            assertThatThrownBy(() -> s.getAttribute(CONTEXT_ATTRIBUTE))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining("'com.sun.rowset.JdbcRowSetImpl' names no registered type")
                    .hasMessageContaining("nothing was instantiated");
            // A JNDI lookup would have connected synchronously, inside getAttribute: its connection would be waiting.
            assertThat(ldap.accept())
                    .as("a connection to the gadget's LDAP address")
                    .isNull();
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(
                        "{\"@type\":\"spring-security.csrf-token\",\"@value\":{\"parameterName\":\"_csrf\","
                                + "\"headerName\":\"X-CSRF-TOKEN\"}}",
                        "stored 'spring-security.csrf-token' has no member 'token'"),
                Arguments.of(
                        "{\"@type\":\"spring-security.user\",\"@value\":\"alice\"}",
                        "stored 'spring-security.user' is a STRING, not an object"),
                Arguments.of(
                        "{\"@type\":\"spring-security.user\",\"@value\":{\"username\":7}}",
                        "member 'username' must be a string"),
                Arguments.of(
                        "{\"@type\":\"spring-security.factor-authority\",\"@value\":{\"authority\":\"FACTOR_X\","
                                + "\"issuedAt\":\"yesterday\"}}",
                        "member 'issuedAt' is not an ISO-8601 instant"),
                Arguments.of(
                        "{\"@type\":\"spring-security.username-password-token\",\"@value\":{\"principal\":\"a\"}}",
                        "has no member 'authenticated'"),
                Arguments.of(
                        "{\"@type\":\"spring-security.saved-request\",\"@value\":{\"method\":\"GET\",\"scheme\":\"http\","
                                + "\"serverName\":\"h\",\"serverPort\":\"80\",\"requestURI\":\"/\"}}",
                        "member 'serverPort' must be an integer"),
                Arguments.of(
                        "{\"@type\":\"spring-security.saved-request\",\"@value\":{\"method\":\"GET\",\"scheme\":\"http\","
                                + "\"serverName\":\"h\",\"serverPort\":80,\"requestURI\":\"/\",\"headers\":{\"a\":[1]}}}",
                        "member 'a' must be an array of strings"),
                Arguments.of(
                        "{\"@type\":\"spring-security.authority\",\"@value\":{\"authority\":\"\"}}",
                        "member 'authority' is empty"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    @DisplayName("a malformed stored form fails with a message naming the alias and the member")
    void malformedForm(String value, String message) {
        SessionId id = plant("{\"v\":" + value + "}");
        Session s = manager(DecodeFailurePolicy.FAIL).find(id).orElseThrow();
        assertThatThrownBy(() -> s.getAttribute("v"))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining(message);
    }

    // ---- the registration itself ----

    @Test
    @DisplayName("ServiceLoader finds the provider by the name spring-security")
    void serviceLoader() {
        List<ValueTypes.Provider> found = ServiceLoader.load(ValueTypes.Provider.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("spring-security"))
                .toList();
        assertThat(found).singleElement().isInstanceOf(SpringSecurityValueTypes.class);
        assertThat(SpringSecurityValueTypes.provider().name()).isEqualTo("spring-security");
    }

    @Test
    @DisplayName("the aliases are exactly those the README documents")
    void aliases() {
        assertThat(SpringSecurityValueTypes.valueTypes().aliases())
                .containsExactlyInAnyOrder(
                        "spring-security.csrf-token",
                        "spring-security.security-context",
                        "spring-security.username-password-token",
                        "spring-security.user",
                        "spring-security.authority",
                        "spring-security.factor-authority",
                        "spring-security.web-authentication-details",
                        "spring-security.saved-request",
                        "spring-security.bad-credentials",
                        "spring-security.username-not-found",
                        "spring-security.locked",
                        "spring-security.disabled",
                        "spring-security.account-expired",
                        "spring-security.credentials-expired",
                        "spring-security.authentication-service",
                        "spring-security.internal-authentication-service",
                        "spring-security.provider-not-found",
                        "spring-security.session-authentication");
    }

    @Test
    @DisplayName("the stored form of a logged-in security context is the README's example")
    void readmeExample() {
        UsernamePasswordAuthenticationToken token = UsernamePasswordAuthenticationToken.authenticated(
                new User("alice", null, List.of(new SimpleGrantedAuthority("ROLE_USER"))),
                null,
                List.of(
                        new SimpleGrantedAuthority("ROLE_USER"),
                        FactorGrantedAuthority.withAuthority("FACTOR_PASSWORD")
                                .issuedAt(Instant.parse("2026-12-02T04:05:06.789Z"))
                                .build()));
        token.setDetails(new WebAuthenticationDetails("203.0.113.7", "pre-login"));
        Function<String, String> a = alias -> "\"@type\":\"spring-security." + alias + "\",\"@value\":";
        String expected = "{\"SPRING_SECURITY_CONTEXT\":{" + a.apply("security-context") + "{\"authentication\":{"
                + a.apply("username-password-token") + "{\"principal\":{" + a.apply("user")
                + "{\"username\":\"alice\",\"authorities\":[{" + a.apply("authority")
                + "{\"authority\":\"ROLE_USER\"}}],\"enabled\":true,\"accountNonExpired\":true,"
                + "\"accountNonLocked\":true,\"credentialsNonExpired\":true}},\"authorities\":[{"
                + a.apply("authority") + "{\"authority\":\"ROLE_USER\"}},{" + a.apply("factor-authority")
                + "{\"authority\":\"FACTOR_PASSWORD\",\"issuedAt\":\"2026-12-02T04:05:06.789Z\"}}],"
                + "\"details\":{" + a.apply("web-authentication-details")
                + "{\"remoteAddress\":\"203.0.113.7\"}},\"authenticated\":true}}}}}";
        assertThat(storedText(CONTEXT_ATTRIBUTE, new SecurityContextImpl(token)))
                .isEqualTo(expected);
    }
}
