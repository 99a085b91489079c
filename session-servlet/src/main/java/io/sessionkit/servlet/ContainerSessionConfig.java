package io.sessionkit.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.SessionCookieConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The session settings the container holds for the application, read through the Servlet API when the filter starts:
 * the {@link SessionCookieConfig} and {@link ServletContext#getSessionTimeout()}. Only values the container reports
 * as set are kept; what each container reports when nothing was set is documented on {@link SessionFilterConfig}.
 *
 * @param cookie                the cookie settings that were set (each null when not)
 * @param sessionTimeoutMinutes the session-timeout in minutes; 0 or less: none (Jetty reports 0 when unset)
 * @param ignored               settings that were set but are not used, each with the reason, for the startup log
 */
record ContainerSessionConfig(Cookie cookie, int sessionTimeoutMinutes, List<String> ignored) {
    /** The name of the containers' own session cookie (the Servlet default): never taken for SessionKit's. */
    static final String CONTAINER_COOKIE_NAME = "JSESSIONID";

    /** Attributes with their own meaning in {@link SessionCookieConfig} (lower case), not reported as ignored. */
    private static final Set<String> KNOWN_ATTRIBUTES =
            Set.of("name", "path", "domain", "secure", "httponly", "max-age", "comment", "samesite", "partitioned");

    ContainerSessionConfig {
        ignored = List.copyOf(ignored);
    }

    /** Cookie settings the container reports as set; null: not set there. */
    record Cookie(
            @Nullable String name,
            @Nullable String path,
            @Nullable String domain,
            @Nullable Boolean secure,
            @Nullable Duration maxAge,
            @Nullable String sameSite,
            @Nullable String partitioned) {
        static final Cookie NONE = new Cookie(null, null, null, null, null, null, null);

        boolean isEmpty() {
            return equals(NONE);
        }
    }

    /** Reads {@code context}'s settings; a container that has none (Jetty without a session handler) sets nothing. */
    static ContainerSessionConfig read(ServletContext context) {
        List<String> ignored = new ArrayList<>();
        Cookie cookie = Cookie.NONE;
        SessionCookieConfig scc;
        try {
            scc = context.getSessionCookieConfig();
        } catch (RuntimeException e) {
            scc = null; // e.g. UnsupportedOperationException: the container offers no session settings here
        }
        if (scc != null) {
            cookie = cookie(scc, ignored);
        }
        int timeout;
        try {
            timeout = context.getSessionTimeout();
        } catch (RuntimeException e) {
            timeout = 0;
        }
        return new ContainerSessionConfig(cookie, timeout, ignored);
    }

    private static Cookie cookie(SessionCookieConfig scc, List<String> ignored) {
        String name = blankToNull(scc.getName());
        if (name != null && name.equalsIgnoreCase(CONTAINER_COOKIE_NAME)) {
            name = null; // Jetty's default, and the container's own session cookie: SessionKit keeps SESSION
        }
        // false is "Secure when the request is" in both containers, which is SessionKit's auto (the default).
        Boolean secure = scc.isSecure() ? Boolean.TRUE : null;
        Duration maxAge = null;
        int age = scc.getMaxAge();
        if (age > 0) {
            maxAge = Duration.ofSeconds(age);
        } else if (age == 0) {
            ignored.add("maxAge=0 (the cookie would be deleted at once): a session cookie is sent");
        }
        // httpOnly is not read: Jetty reports false when nothing was set, and the SessionKit cookie is always HttpOnly.
        String sameSite = null;
        String partitioned = null;
        for (Map.Entry<String, String> a : scc.getAttributes().entrySet()) {
            String key = a.getKey().toLowerCase(Locale.ROOT);
            String value = a.getValue();
            if (value == null) {
                continue;
            }
            if (key.equals("samesite")) {
                sameSite = value;
            } else if (key.equals("partitioned")) {
                partitioned = value; // Tomcat: "" means present; Jetty: "true"
            } else if (!KNOWN_ATTRIBUTES.contains(key)) {
                ignored.add("cookie attribute " + a.getKey() + "=" + value + " is not sent on the SessionKit cookie");
            }
        }
        return new Cookie(
                name, blankToNull(scc.getPath()), blankToNull(scc.getDomain()), secure, maxAge, sameSite, partitioned);
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
