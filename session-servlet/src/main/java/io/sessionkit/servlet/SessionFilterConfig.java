package io.sessionkit.servlet;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.EventListener;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How {@link SessionFilter} carries the session id between client and server (the cookie's name and attributes, the
 * request/response header for API clients, and which of the two are in use), whether it takes the container's session
 * settings as defaults, and listeners to notify besides the ones the container holds. Immutable; build it with
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
 *   <li>{@code sessionkit.servlet.cookie-partitioned} — {@code false}; {@code true} adds the {@code Partitioned}
 *       attribute (CHIPS) and makes the cookie {@code Secure}</li>
 *   <li>{@code sessionkit.servlet.header-name} — {@code X-Session-Token}</li>
 *   <li>{@code sessionkit.servlet.container-defaults} — {@code true}: the container's {@code SessionCookieConfig}
 *       and {@code session-timeout} fill in what is not set here (see below); {@code false}: ignore them</li>
 *   <li>{@code sessionkit.servlet.adopt-container-sessions} — {@code false}: a request with no live SessionKit session
 *       and the container's own session ({@code JSESSIONID} cookie) is served as always, the container session
 *       ignored; {@code true}: that session's attributes are copied into a new SessionKit session, the container
 *       session is invalidated and the SessionKit cookie set (for the changeover from sticky sessions; see
 *       {@link Builder#adoptContainerSessions})</li>
 * </ul>
 * The cookie is always {@code HttpOnly}: scripts never need the token, and API clients use the header.
 *
 * <p><b>Cookie prefixes.</b> A cookie name starting with {@code __Host-} (compared ignoring case, as browsers do) is
 * always sent {@code Secure}, with {@code Path=/} and no {@code Domain}, which is what browsers require before they
 * accept it (and why a sibling subdomain cannot set one). One starting with {@code __Secure-} is always sent
 * {@code Secure}. A setting that contradicts the prefix ({@code cookie-domain}, a {@code cookie-path} other than
 * {@code /}, {@code cookie-secure=false}) is refused by {@link Builder#build()} and {@link #from}, naming the keys.
 *
 * <p><b>The container's settings as defaults.</b> With {@code container-defaults} on, {@link SessionFilter} reads the
 * servlet context's {@code SessionCookieConfig} and {@code getSessionTimeout()} when it starts (web.xml
 * {@code <session-config>}, Spring Boot's {@code server.servlet.session.cookie.*} and
 * {@code server.servlet.session.timeout} end up there) and uses each value that the container reports as set for a
 * cookie setting left unset here. A setting made here (builder or {@code sessionkit.servlet.*} key) always wins. What
 * counts as set: a cookie name other than {@code JSESSIONID} (Tomcat reports null when none is set, Jetty reports
 * {@code JSESSIONID}; that name belongs to the container's own session cookie, so it is never taken); a non-null path
 * or domain; {@code secure=true} (false is the containers' "Secure when the request is", SessionKit's {@code auto});
 * a max-age above 0; a {@code SameSite} attribute. {@code httpOnly} is not read: the cookie is always
 * {@code HttpOnly}. A {@code session-timeout} above 0 minutes becomes the idle timeout of new sessions, unless
 * {@code sessionkit.max-idle} is set or the manager was built with another idle timeout than the default 30
 * minutes (Tomcat reports 30 when none is set, Jetty 0).
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

    /** The namespace of the keys: {@code sessionkit.servlet.*}. */
    static final String NAMESPACE = "servlet";
    /** Every key {@link #from(SessionKitConfig)} reads, without the {@code sessionkit.servlet.} prefix. */
    static final Set<String> KEYS = Set.of(
            "transport",
            "cookie-name",
            "cookie-secure",
            "cookie-same-site",
            "cookie-domain",
            "cookie-path",
            "cookie-max-age",
            "cookie-partitioned",
            "header-name",
            "container-defaults",
            "adopt-container-sessions");

    private final Set<Transport> transports;
    private final Cookie cookie;
    private final String headerName;
    private final boolean containerDefaults;
    private final boolean maxIdleSet;
    /** The cookie settings made explicitly (builder or key), by key suffix: the container never overrides them. */
    private final Set<String> explicit;

    private final List<EventListener> listeners;
    private final @Nullable SessionImporter importer;
    private final boolean adoptContainerSessions;

    /** The cookie's name and attributes, as the builder checked them; null: the attribute's default. */
    private record Cookie(
            String name,
            @Nullable Boolean secure,
            @Nullable String sameSite,
            @Nullable String domain,
            @Nullable String path,
            @Nullable Duration maxAge,
            boolean partitioned) {}

    /** The cookie name prefix that binds a cookie to this host: Secure, {@code Path=/}, no Domain. */
    static final String HOST_PREFIX = "__Host-";
    /** The cookie name prefix that requires Secure. */
    static final String SECURE_PREFIX = "__Secure-";

    private SessionFilterConfig(Builder b) {
        if (b.transports.isEmpty()) {
            throw new IllegalArgumentException("at least one transport (cookie or header) must be enabled");
        }
        this.transports = Set.copyOf(b.transports);
        List<String> problems = cookieRuleProblems(b);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        boolean host = hasPrefix(b.cookieName, HOST_PREFIX);
        // A prefixed or partitioned cookie is always Secure (browsers drop it otherwise); __Host- is always Path=/.
        boolean forceSecure = host || hasPrefix(b.cookieName, SECURE_PREFIX) || b.cookiePartitioned;
        this.cookie = new Cookie(
                b.cookieName,
                forceSecure ? Boolean.TRUE : b.cookieSecure,
                b.sameSite,
                b.cookieDomain,
                host ? "/" : b.cookiePath,
                b.cookieMaxAge,
                b.cookiePartitioned);
        this.headerName = b.headerName;
        this.containerDefaults = b.containerDefaults;
        this.maxIdleSet = b.maxIdleSet;
        this.explicit = Set.copyOf(b.explicit);
        this.listeners = List.copyOf(b.listeners);
        this.importer = b.importer;
        this.adoptContainerSessions = b.adoptContainerSessions;
    }

    /**
     * What contradicts the cookie name's prefix or {@code Partitioned}, one entry per rule, each naming the setting:
     * the {@code sessionkit.servlet.*} key when it was set here, else the container's {@code SessionCookieConfig}.
     */
    private static List<String> cookieRuleProblems(Builder b) {
        List<String> problems = new ArrayList<>();
        String name = b.cookieName;
        String nameSource = source(b, "cookie-name", "name");
        if (hasPrefix(name, HOST_PREFIX)) {
            List<String> wrong = new ArrayList<>();
            if (b.cookieDomain != null) {
                wrong.add(source(b, "cookie-domain", "domain") + " must be unset, was '" + b.cookieDomain + "'");
            }
            if (b.cookiePath != null && !b.cookiePath.equals("/")) {
                wrong.add(source(b, "cookie-path", "path") + " must be / or unset, was '" + b.cookiePath + "'");
            }
            if (Boolean.FALSE.equals(b.cookieSecure)) {
                wrong.add(source(b, "cookie-secure", "secure") + " must be true or auto, was false");
            }
            if (!wrong.isEmpty()) {
                problems.add("cookie name '" + name + "' (" + nameSource + ") has the __Host- prefix, which requires "
                        + "Secure, Path=/ and no Domain: " + String.join(", ", wrong));
            }
        } else if (hasPrefix(name, SECURE_PREFIX) && Boolean.FALSE.equals(b.cookieSecure)) {
            problems.add("cookie name '" + name + "' (" + nameSource + ") has the __Secure- prefix, which requires "
                    + "Secure: " + source(b, "cookie-secure", "secure") + " must be true or auto, was false");
        }
        if (b.cookiePartitioned && Boolean.FALSE.equals(b.cookieSecure)) {
            problems.add(source(b, "cookie-partitioned", "Partitioned attribute") + "=true requires Secure: "
                    + source(b, "cookie-secure", "secure") + " must be true or auto, was false");
        }
        return problems;
    }

    /** The key of a cookie setting made here, or the container's setting it came from. */
    private static String source(Builder b, String suffix, String containerName) {
        return b.explicit.contains(suffix)
                ? "sessionkit." + NAMESPACE + "." + suffix
                : "the container's SessionCookieConfig " + containerName;
    }

    /** Whether {@code name} starts with {@code prefix}, ignoring case (RFC 6265bis; browsers compare so). */
    static boolean hasPrefix(String name, String prefix) {
        return name.regionMatches(true, 0, prefix, 0, prefix.length());
    }

    /** All defaults: cookie {@code SESSION} and header {@code X-Session-Token}, both accepted. */
    public static SessionFilterConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the {@code sessionkit.servlet.*} keys listed above; unset keys keep their defaults. Unknown keys under
     * {@code sessionkit.servlet.} are logged once, at WARNING, with the nearest known key.
     *
     * @throws IllegalArgumentException naming every key whose value is invalid, all at once
     */
    public static SessionFilterConfig from(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAMESPACE, KEYS);
        Builder b = builder();
        if (c.string("transport").isPresent()) {
            transports(c).ifPresent(b::transports);
        }
        set(c, "cookie-name", b::cookieName);
        c.string("cookie-secure").ifPresent(v -> {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "auto" -> b.cookieSecure(null);
                case "true" -> b.cookieSecure(true);
                case "false" -> b.cookieSecure(false);
                default -> c.invalid("cookie-secure", "auto, true or false");
            }
        });
        set(c, "cookie-same-site", b::cookieSameSite);
        set(c, "cookie-domain", b::cookieDomain);
        set(c, "cookie-path", b::cookiePath);
        if (c.string("cookie-max-age").isPresent()) {
            try {
                // Set, so the default is never returned; a value that does not parse throws, naming the key.
                Duration maxAge = config.duration(c.key("cookie-max-age"), Duration.ZERO);
                c.apply("cookie-max-age", maxAge, b::cookieMaxAge);
            } catch (IllegalArgumentException e) {
                c.problem(String.valueOf(e.getMessage()));
            }
        }
        if (c.string("cookie-partitioned").isPresent()) {
            b.cookiePartitioned(c.bool("cookie-partitioned", false));
        }
        set(c, "header-name", b::headerName);
        if (c.string("container-defaults").isPresent()) {
            b.containerDefaults(c.bool("container-defaults", true));
        }
        if (c.string("adopt-container-sessions").isPresent()) {
            b.adoptContainerSessions(c.bool("adopt-container-sessions", false));
        }
        // An explicit sessionkit.max-idle is the manager's idle timeout: the container's session-timeout must not win.
        b.maxIdleSet = config.string("sessionkit.max-idle").isPresent();
        cookieRuleProblems(b).forEach(c::problem);
        c.validate();
        return b.build();
    }

    /** The transports listed in {@code sessionkit.servlet.transport}, or empty (and recorded) if it is invalid. */
    private static Optional<Set<Transport>> transports(ProviderConfig c) {
        Set<Transport> ts = EnumSet.noneOf(Transport.class);
        for (String t : c.list("transport")) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "cookie" -> ts.add(Transport.COOKIE);
                case "header" -> ts.add(Transport.HEADER);
                default -> {
                    c.invalid("transport", "cookie, header or cookie,header");
                    return Optional.empty();
                }
            }
        }
        if (ts.isEmpty()) {
            c.invalid("transport", "cookie, header or cookie,header");
            return Optional.empty();
        }
        return Optional.of(ts);
    }

    /** Passes {@code suffix}'s value, if set, to {@code setter}; a value the setter refuses is recorded. */
    private static void set(ProviderConfig c, String suffix, Consumer<String> setter) {
        c.string(suffix).ifPresent(v -> c.apply(suffix, v, setter));
    }

    public Set<Transport> transports() {
        return transports;
    }

    public boolean accepts(Transport t) {
        return transports.contains(t);
    }

    public String cookieName() {
        return cookie.name();
    }

    /** True or false when fixed; empty for {@code auto} (Secure when the request is secure). */
    public Optional<Boolean> cookieSecure() {
        return Optional.ofNullable(cookie.secure());
    }

    /** {@code Lax}, {@code Strict} or {@code None}; empty when no SameSite attribute is sent. */
    public Optional<String> cookieSameSite() {
        return Optional.ofNullable(cookie.sameSite());
    }

    public Optional<String> cookieDomain() {
        return Optional.ofNullable(cookie.domain());
    }

    /** Empty: the context path, or {@code /} for the root context. */
    public Optional<String> cookiePath() {
        return Optional.ofNullable(cookie.path());
    }

    /** Empty: a session cookie (no {@code Max-Age}). */
    public Optional<Duration> cookieMaxAge() {
        return Optional.ofNullable(cookie.maxAge());
    }

    /** Whether the cookie carries the {@code Partitioned} attribute (CHIPS); default false. */
    public boolean cookiePartitioned() {
        return cookie.partitioned();
    }

    public String headerName() {
        return headerName;
    }

    /** Whether the container's {@code SessionCookieConfig} and session-timeout fill in unset settings (default). */
    public boolean containerDefaults() {
        return containerDefaults;
    }

    /** Listeners added with {@link Builder#listener}, notified besides those the container holds. */
    public List<EventListener> listeners() {
        return listeners;
    }

    /** The importer of legacy sessions set with {@link Builder#importer}, if any. */
    public Optional<SessionImporter> importer() {
        return Optional.ofNullable(importer);
    }

    /** Whether container sessions are adopted ({@code sessionkit.servlet.adopt-container-sessions}); default false. */
    public boolean adoptContainerSessions() {
        return adoptContainerSessions;
    }

    /** Whether {@code sessionkit.max-idle} was set in the configuration this was read from. */
    boolean maxIdleSet() {
        return maxIdleSet;
    }

    /**
     * This configuration with the container's cookie settings filling in every cookie setting not made explicitly
     * here; {@code this} if {@link #containerDefaults()} is off or the container set nothing.
     *
     * @throws IllegalArgumentException naming the container's setting, if SessionKit cannot use its value
     */
    SessionFilterConfig withContainerCookie(ContainerSessionConfig.Cookie container) {
        if (!containerDefaults || container.isEmpty()) {
            return this;
        }
        Builder b = toBuilder();
        List<String> problems = new ArrayList<>();
        fill(problems, "cookie-name", container.name(), b::cookieName, "name");
        // A __Host- cookie always has Path=/, so the container's path is not taken: Jetty reports the context path
        // even when none was set, which would otherwise refuse every __Host- name in a non-root context.
        if (!hasPrefix(b.cookieName, HOST_PREFIX)) {
            fill(problems, "cookie-path", container.path(), b::cookiePath, "path");
        }
        fill(problems, "cookie-domain", container.domain(), b::cookieDomain, "domain");
        fill(problems, "cookie-secure", container.secure(), b::cookieSecure, "secure");
        fill(problems, "cookie-max-age", container.maxAge(), b::cookieMaxAge, "maxAge");
        fill(problems, "cookie-same-site", container.sameSite(), b::cookieSameSite, "SameSite attribute");
        fill(
                problems,
                "cookie-partitioned",
                container.partitioned(),
                v -> b.cookiePartitioned(partitioned(v)),
                "Partitioned attribute");
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the container's SessionCookieConfig holds values SessionKit cannot use "
                    + "(set sessionkit.servlet.* to override them, or sessionkit.servlet.container-defaults=false): "
                    + String.join("; ", problems));
        }
        b.explicit.clear();
        b.explicit.addAll(explicit);
        return b.build();
    }

    /** A {@code Partitioned} attribute's value as containers hold it: empty or {@code true} is on, {@code false} off. */
    private static boolean partitioned(String value) {
        if (value.isEmpty() || value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("Partitioned must be empty, true or false, was '" + value + "'");
    }

    private <T> void fill(
            List<String> problems, String suffix, @Nullable T value, Consumer<T> setter, String containerName) {
        if (value == null || explicit.contains(suffix)) {
            return;
        }
        try {
            setter.accept(value);
        } catch (IllegalArgumentException e) {
            problems.add(containerName + ": " + e.getMessage());
        }
    }

    private Builder toBuilder() {
        Builder b = new Builder();
        b.transports = EnumSet.copyOf(transports);
        b.cookieName = cookie.name();
        b.cookieSecure = cookie.secure();
        b.sameSite = cookie.sameSite();
        b.cookieDomain = cookie.domain();
        b.cookiePath = cookie.path();
        b.cookieMaxAge = cookie.maxAge();
        b.cookiePartitioned = cookie.partitioned();
        b.headerName = headerName;
        b.containerDefaults = containerDefaults;
        b.maxIdleSet = maxIdleSet;
        b.listeners.addAll(listeners);
        b.importer = importer;
        b.adoptContainerSessions = adoptContainerSessions;
        return b;
    }

    @Override
    public String toString() {
        return "SessionFilterConfig[transports=" + transports + ", cookieName=" + cookie.name() + ", cookieSecure="
                + (cookie.secure() == null ? "auto" : cookie.secure()) + ", sameSite="
                + (cookie.sameSite() == null ? "off" : cookie.sameSite()) + ", cookieDomain=" + cookie.domain()
                + ", cookiePath=" + cookie.path() + ", cookieMaxAge=" + cookie.maxAge() + ", cookiePartitioned="
                + cookie.partitioned() + ", headerName=" + headerName
                + ", containerDefaults=" + containerDefaults + ", listeners=" + listeners.size() + ", importer="
                + (importer == null ? "none" : importer.getClass().getName()) + ", adoptContainerSessions="
                + adoptContainerSessions + "]";
    }

    /** Builds a {@link SessionFilterConfig}; every setting has the default documented on the class. */
    public static final class Builder {
        private Set<Transport> transports = EnumSet.allOf(Transport.class);
        private String cookieName = DEFAULT_COOKIE_NAME;
        private @Nullable Boolean cookieSecure;
        private @Nullable String sameSite = DEFAULT_SAME_SITE;
        private @Nullable String cookieDomain;
        private @Nullable String cookiePath;
        private @Nullable Duration cookieMaxAge;
        private boolean cookiePartitioned;
        private String headerName = DEFAULT_HEADER_NAME;
        private boolean containerDefaults = true;
        private boolean maxIdleSet;
        private final Set<String> explicit = new HashSet<>();
        private final List<EventListener> listeners = new ArrayList<>();
        private @Nullable SessionImporter importer;
        private boolean adoptContainerSessions;

        private Builder() {}

        /** Which transports are accepted; default both. */
        public Builder transports(Set<Transport> transports) {
            Objects.requireNonNull(transports, "transports");
            this.transports = transports.isEmpty() ? EnumSet.noneOf(Transport.class) : EnumSet.copyOf(transports);
            return this;
        }

        /**
         * The cookie's name: an RFC 6265 token; default {@link #DEFAULT_COOKIE_NAME}. A {@code __Host-} name (e.g.
         * {@code __Host-SESSION}, recommended) makes the cookie Secure, {@code Path=/}, without Domain; a
         * {@code __Secure-} name makes it Secure (see the class doc).
         */
        public Builder cookieName(String name) {
            this.cookieName = requireToken(name, "cookie name must be a non-empty RFC 6265 token");
            return explicitlySet("cookie-name");
        }

        /**
         * {@code true}: always {@code Secure}; {@code false}: never (refused for a {@code __Host-} or {@code __Secure-}
         * name and a partitioned cookie); {@code null} (default): when the request is.
         */
        public Builder cookieSecure(@Nullable Boolean secure) {
            this.cookieSecure = secure;
            return explicitlySet("cookie-secure");
        }

        /** {@code Lax} (default), {@code Strict}, {@code None}, or {@code off} / null for no attribute. */
        public Builder cookieSameSite(@Nullable String sameSite) {
            explicit.add("cookie-same-site");
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
        public Builder cookieDomain(@Nullable String domain) {
            if (domain != null && (domain.isBlank() || !domain.chars().allMatch(c -> isTokenChar(c) && c != ','))) {
                throw new IllegalArgumentException("cookie domain must be a host name, was '" + domain + "'");
            }
            this.cookieDomain = domain;
            return explicitlySet("cookie-domain");
        }

        /** A fixed {@code Path}; default null: the context path, or {@code /}. */
        public Builder cookiePath(@Nullable String path) {
            if (path != null
                    && (!path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c > 0x7e || c == ';'))) {
                throw new IllegalArgumentException(
                        "cookie path must start with / and hold no spaces, controls or ';', was '" + path + "'");
            }
            this.cookiePath = path;
            return explicitlySet("cookie-path");
        }

        /** A persistent cookie's lifetime (whole seconds, at least 1 s); default null: a session cookie. */
        public Builder cookieMaxAge(@Nullable Duration maxAge) {
            if (maxAge != null && (maxAge.getSeconds() < 1 || maxAge.getNano() != 0)) {
                throw new IllegalArgumentException("cookie max-age must be whole seconds >= 1s, was " + maxAge);
            }
            this.cookieMaxAge = maxAge;
            return explicitlySet("cookie-max-age");
        }

        /**
         * {@code true}: the cookie carries the {@code Partitioned} attribute (CHIPS: a browser keeps it per top-level
         * site, for an app embedded cross-site in an iframe) and is always {@code Secure}; cross-site use also needs
         * {@code SameSite=None}. Default {@code false}. Refused with {@code cookieSecure(false)}.
         */
        public Builder cookiePartitioned(boolean partitioned) {
            this.cookiePartitioned = partitioned;
            return explicitlySet("cookie-partitioned");
        }

        /** The header API clients send and receive the id in; default {@link #DEFAULT_HEADER_NAME}. */
        public Builder headerName(String name) {
            this.headerName = requireToken(name, "header name must be a non-empty HTTP token");
            return this;
        }

        /**
         * {@code true} (default): the container's {@code SessionCookieConfig} and session-timeout fill in the settings
         * not made here (see the class doc); {@code false}: only this configuration and SessionKit's defaults count.
         */
        public Builder containerDefaults(boolean use) {
            this.containerDefaults = use;
            return this;
        }

        /**
         * A listener to notify of SessionKit sessions: an {@link HttpSessionListener}, {@link HttpSessionIdListener}
         * and/or {@link HttpSessionAttributeListener}. Needed only on a container whose listener registry SessionKit
         * cannot read (it then logs a WARNING at startup); on Jetty and Tomcat, listeners registered the standard ways
         * ({@code <listener>}, {@code @WebListener}, {@code ServletContext.addListener}) are found by themselves. A
         * listener registered both ways is notified once.
         *
         * @throws IllegalArgumentException if {@code listener} is none of those three kinds
         */
        public Builder listener(EventListener listener) {
            Objects.requireNonNull(listener, "listener");
            if (!(listener instanceof HttpSessionListener
                    || listener instanceof HttpSessionIdListener
                    || listener instanceof HttpSessionAttributeListener)) {
                throw new IllegalArgumentException("listener must be an HttpSessionListener, HttpSessionIdListener or "
                        + "HttpSessionAttributeListener, was "
                        + listener.getClass().getName());
            }
            listeners.add(listener);
            return this;
        }

        /**
         * A source of sessions made before SessionKit, asked when a request presents a session cookie that is not a
         * SessionKit id (see {@link SessionImporter}); default null: such a cookie is treated as absent.
         */
        public Builder importer(@Nullable SessionImporter importer) {
            this.importer = importer;
            return this;
        }

        /**
         * {@code true}: adopt the container's own sessions, for the changeover from sticky sessions. A request whose
         * application asks for a session, that has no live SessionKit session, and that presents the container's
         * session cookie ({@code JSESSIONID}; never an id in the URL) naming a live container session gets a new
         * SessionKit session holding that session's attributes (through the codec; values it cannot encode are
         * skipped, logged by name and counted), the container session is invalidated, and the SessionKit cookie is
         * set. Counted by the {@code IMPORTED} session event with source {@code container} (metric
         * {@code sessionkit.sessions.adopted}). Default {@code false}: the container session is ignored.
         */
        public Builder adoptContainerSessions(boolean adopt) {
            this.adoptContainerSessions = adopt;
            return this;
        }

        /**
         * The configuration, checked.
         *
         * @throws IllegalArgumentException if no transport is enabled, or a setting contradicts the cookie name's
         *                                  prefix or {@code Partitioned} (naming each)
         */
        public SessionFilterConfig build() {
            return new SessionFilterConfig(this);
        }

        /** RFC 7230 tchar, which is also what RFC 6265 allows in a cookie name. */
        /** Records a cookie setting as made explicitly (the container never overrides it). */
        private Builder explicitlySet(String key) {
            explicit.add(key);
            return this;
        }

        /** {@code name} when it is a non-empty HTTP / RFC 6265 token; else {@code problem}, with the value. */
        private static String requireToken(String name, String problem) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar)) {
                throw new IllegalArgumentException(problem + ", was '" + name + "'");
            }
            return name;
        }

        private static boolean isTokenChar(int c) {
            return (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
        }
    }
}
