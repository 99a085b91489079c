package io.sessionkit.servlet;

import io.sessionkit.SessionKitConfig;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How {@link SessionFilter} carries the session id between client and server: the cookie's name and attributes, the
 * request/response header for API clients, and which of the two are in use. Immutable; build it with
 * {@link #builder()} or read it from configuration with {@link #from(SessionKitConfig)}.
 *
 * <p>Keys read by {@link #from(SessionKitConfig)}, with their defaults:
 * <ul>
 *   <li>{@code sessionkit.servlet.transport} — {@code cookie,header}: which id transports are accepted</li>
 *   <li>{@code sessionkit.servlet.cookie-name} — {@code SESSION}</li>
 *   <li>{@code sessionkit.servlet.cookie-secure} — {@code auto}: {@code Secure} when the request is secure;
 *       {@code true} always; {@code false} never (except with {@code SameSite=None}, which requires it)</li>
 *   <li>{@code sessionkit.servlet.cookie-same-site} — {@code Lax}; {@code Strict}, {@code None} or {@code off}
 *       (no attribute)</li>
 *   <li>{@code sessionkit.servlet.cookie-domain} — unset: no {@code Domain}, the cookie goes to this host only</li>
 *   <li>{@code sessionkit.servlet.cookie-path} — unset: the context path, or {@code /} for the root context</li>
 *   <li>{@code sessionkit.servlet.cookie-max-age} — unset: a session cookie, dropped when the browser closes;
 *       a duration makes it persistent, refreshed whenever the session is written</li>
 *   <li>{@code sessionkit.servlet.header-name} — {@code X-Session-Token}</li>
 * </ul>
 * The cookie is always {@code HttpOnly}: scripts never need the token, and API clients use the header.
 */
public final class SessionFilterConfig {
    /** Ways the id travels. */
    public enum Transport {
        /** A cookie, for browsers. */
        COOKIE,
        /** A request header echoed in a response header, for API clients. */
        HEADER
    }

    /** Default {@code sessionkit.servlet.cookie-name}. */
    public static final String DEFAULT_COOKIE_NAME = "SESSION";
    /** Default {@code sessionkit.servlet.header-name}. */
    public static final String DEFAULT_HEADER_NAME = "X-Session-Token";
    /** Default {@code sessionkit.servlet.cookie-same-site}. */
    public static final String DEFAULT_SAME_SITE = "Lax";

    static final String KEY_PREFIX = "sessionkit.servlet.";
    static final String KEY_TRANSPORT = KEY_PREFIX + "transport";
    static final String KEY_COOKIE_NAME = KEY_PREFIX + "cookie-name";
    static final String KEY_COOKIE_SECURE = KEY_PREFIX + "cookie-secure";
    static final String KEY_COOKIE_SAME_SITE = KEY_PREFIX + "cookie-same-site";
    static final String KEY_COOKIE_DOMAIN = KEY_PREFIX + "cookie-domain";
    static final String KEY_COOKIE_PATH = KEY_PREFIX + "cookie-path";
    static final String KEY_COOKIE_MAX_AGE = KEY_PREFIX + "cookie-max-age";
    static final String KEY_HEADER_NAME = KEY_PREFIX + "header-name";

    private final Set<Transport> transports;
    private final String cookieName;
    private final Boolean cookieSecure;
    private final String sameSite;
    private final String cookieDomain;
    private final String cookiePath;
    private final Duration cookieMaxAge;
    private final String headerName;

    private SessionFilterConfig(Builder b) {
        if (b.transports.isEmpty()) {
            throw new IllegalArgumentException("at least one transport (cookie or header) must be enabled");
        }
        this.transports = Set.copyOf(b.transports);
        this.cookieName = b.cookieName;
        this.cookieSecure = b.cookieSecure;
        this.sameSite = b.sameSite;
        this.cookieDomain = b.cookieDomain;
        this.cookiePath = b.cookiePath;
        this.cookieMaxAge = b.cookieMaxAge;
        this.headerName = b.headerName;
    }

    /** All defaults: cookie {@code SESSION} and header {@code X-Session-Token}, both accepted. */
    public static SessionFilterConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code sessionkit.servlet.*} keys listed above; unset keys keep their defaults.
     *
     * @throws IllegalArgumentException naming the key, if a value is invalid
     */
    public static SessionFilterConfig from(SessionKitConfig config) {
        Objects.requireNonNull(config, "config");
        Builder b = builder();
        if (config.string(KEY_TRANSPORT).isPresent()) {
            Set<Transport> ts = EnumSet.noneOf(Transport.class);
            for (String t : config.list(KEY_TRANSPORT)) {
                switch (t.toLowerCase(Locale.ROOT)) {
                    case "cookie" -> ts.add(Transport.COOKIE);
                    case "header" -> ts.add(Transport.HEADER);
                    default -> throw SessionKitConfig.invalid(KEY_TRANSPORT, t, "cookie, header or cookie,header");
                }
            }
            if (ts.isEmpty()) {
                throw SessionKitConfig.invalid(
                        KEY_TRANSPORT, config.get(KEY_TRANSPORT), "cookie, header or cookie,header");
            }
            b.transports(ts);
        }
        rethrowNamingKey(KEY_COOKIE_NAME, () -> config.string(KEY_COOKIE_NAME).ifPresent(b::cookieName));
        String secure = config.string(KEY_COOKIE_SECURE, "auto").toLowerCase(Locale.ROOT);
        switch (secure) {
            case "auto" -> b.cookieSecure(null);
            case "true" -> b.cookieSecure(true);
            case "false" -> b.cookieSecure(false);
            default -> throw SessionKitConfig.invalid(KEY_COOKIE_SECURE, secure, "auto, true or false");
        }
        rethrowNamingKey(
                KEY_COOKIE_SAME_SITE, () -> config.string(KEY_COOKIE_SAME_SITE).ifPresent(b::cookieSameSite));
        rethrowNamingKey(
                KEY_COOKIE_DOMAIN, () -> config.string(KEY_COOKIE_DOMAIN).ifPresent(b::cookieDomain));
        rethrowNamingKey(KEY_COOKIE_PATH, () -> config.string(KEY_COOKIE_PATH).ifPresent(b::cookiePath));
        Duration maxAge = config.duration(KEY_COOKIE_MAX_AGE, null);
        if (maxAge != null) {
            rethrowNamingKey(KEY_COOKIE_MAX_AGE, () -> b.cookieMaxAge(maxAge));
        }
        rethrowNamingKey(KEY_HEADER_NAME, () -> config.string(KEY_HEADER_NAME).ifPresent(b::headerName));
        return b.build();
    }

    private static void rethrowNamingKey(String key, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    public Set<Transport> transports() {
        return transports;
    }

    public boolean accepts(Transport t) {
        return transports.contains(t);
    }

    public String cookieName() {
        return cookieName;
    }

    /** True or false when fixed; empty for {@code auto} (Secure when the request is secure). */
    public Optional<Boolean> cookieSecure() {
        return Optional.ofNullable(cookieSecure);
    }

    /** {@code Lax}, {@code Strict} or {@code None}; empty when no SameSite attribute is sent. */
    public Optional<String> cookieSameSite() {
        return Optional.ofNullable(sameSite);
    }

    public Optional<String> cookieDomain() {
        return Optional.ofNullable(cookieDomain);
    }

    /** Empty: the context path, or {@code /} for the root context. */
    public Optional<String> cookiePath() {
        return Optional.ofNullable(cookiePath);
    }

    /** Empty: a session cookie (no {@code Max-Age}). */
    public Optional<Duration> cookieMaxAge() {
        return Optional.ofNullable(cookieMaxAge);
    }

    public String headerName() {
        return headerName;
    }

    @Override
    public String toString() {
        return "SessionFilterConfig[transports=" + transports + ", cookieName=" + cookieName + ", cookieSecure="
                + (cookieSecure == null ? "auto" : cookieSecure) + ", sameSite=" + (sameSite == null ? "off" : sameSite)
                + ", cookieDomain=" + cookieDomain + ", cookiePath=" + cookiePath + ", cookieMaxAge=" + cookieMaxAge
                + ", headerName=" + headerName + "]";
    }

    /** Builds a {@link SessionFilterConfig}; every setting has the default documented on the class. */
    public static final class Builder {
        private Set<Transport> transports = EnumSet.allOf(Transport.class);
        private String cookieName = DEFAULT_COOKIE_NAME;
        private Boolean cookieSecure;
        private String sameSite = DEFAULT_SAME_SITE;
        private String cookieDomain;
        private String cookiePath;
        private Duration cookieMaxAge;
        private String headerName = DEFAULT_HEADER_NAME;

        private Builder() {}

        /** Which transports are accepted; default both. */
        public Builder transports(Set<Transport> transports) {
            Objects.requireNonNull(transports, "transports");
            this.transports = transports.isEmpty() ? EnumSet.noneOf(Transport.class) : EnumSet.copyOf(transports);
            return this;
        }

        /** The cookie's name: an RFC 6265 token; default {@link #DEFAULT_COOKIE_NAME}. */
        public Builder cookieName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException(
                        "cookie name must be a non-empty RFC 6265 token, was '" + name + "'");
            }
            this.cookieName = name;
            return this;
        }

        /** {@code true}: always {@code Secure}; {@code false}: never; {@code null} (default): when the request is. */
        public Builder cookieSecure(Boolean secure) {
            this.cookieSecure = secure;
            return this;
        }

        /** {@code Lax} (default), {@code Strict}, {@code None}, or {@code off} / null for no attribute. */
        public Builder cookieSameSite(String sameSite) {
            if (sameSite == null || sameSite.equalsIgnoreCase("off")) {
                this.sameSite = null;
                return this;
            }
            this.sameSite = switch (sameSite.toLowerCase(Locale.ROOT)) {
                case "lax" -> "Lax";
                case "strict" -> "Strict";
                case "none" -> "None";
                default ->
                    throw new IllegalArgumentException(
                            "SameSite must be Lax, Strict, None or off, was '" + sameSite + "'");
            };
            return this;
        }

        /** A {@code Domain} attribute (e.g. {@code example.com} to share with subdomains); default none. */
        public Builder cookieDomain(String domain) {
            if (domain != null && (domain.isBlank() || !domain.chars().allMatch(c -> isTokenChar(c) && c != ','))) {
                throw new IllegalArgumentException("cookie domain must be a host name, was '" + domain + "'");
            }
            this.cookieDomain = domain;
            return this;
        }

        /** A fixed {@code Path}; default null: the context path, or {@code /}. */
        public Builder cookiePath(String path) {
            if (path != null
                    && (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == ';'))) {
                throw new IllegalArgumentException(
                        "cookie path must start with / and hold no spaces, controls or ';', was '" + path + "'");
            }
            this.cookiePath = path;
            return this;
        }

        /** A persistent cookie's lifetime (whole seconds, at least 1 s); default null: a session cookie. */
        public Builder cookieMaxAge(Duration maxAge) {
            if (maxAge != null && (maxAge.getSeconds() < 1 || maxAge.getNano() != 0)) {
                throw new IllegalArgumentException("cookie max-age must be whole seconds >= 1s, was " + maxAge);
            }
            this.cookieMaxAge = maxAge;
            return this;
        }

        /** The header API clients send and receive the id in; default {@link #DEFAULT_HEADER_NAME}. */
        public Builder headerName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException("header name must be a non-empty HTTP token, was '" + name + "'");
            }
            this.headerName = name;
            return this;
        }

        public SessionFilterConfig build() {
            return new SessionFilterConfig(this);
        }

        /** RFC 7230 tchar, which is also what RFC 6265 allows in a cookie name. */
        private static boolean isTokenChar(int c) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
