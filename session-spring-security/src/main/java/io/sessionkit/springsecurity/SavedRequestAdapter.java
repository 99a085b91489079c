package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.SessionCodecException;
import io.sessionkit.ValueContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.savedrequest.DefaultSavedRequest;
import org.springframework.security.web.util.UrlUtils;

/**
 * {@code spring-security.saved-request}: the {@link DefaultSavedRequest} that {@code HttpSessionRequestCache} keeps
 * under {@code SPRING_SECURITY_SAVED_REQUEST} while an anonymous user logs in, read back through
 * {@link DefaultSavedRequest.Builder}. Stored members: {@code method}, {@code scheme}, {@code serverName},
 * {@code serverPort}, {@code requestURI}, {@code requestURL}, {@code contextPath}, {@code servletPath},
 * {@code pathInfo}, {@code queryString}, {@code matchingRequestParameterName} (strings, absent when null; the port an
 * integer), {@code headers} (name → array of strings), {@code parameters} (name → array of strings) and
 * {@code locales} (array of BCP 47 language tags).
 *
 * <p><b>Not stored: cookies, and the headers {@code Cookie}, {@code Authorization}, {@code Proxy-Authorization} and
 * {@code X-Session-Token}.</b> A saved request copies every cookie and header of the request that was turned away,
 * which includes the session cookie itself (a live session id, which SessionKit otherwise keeps only hashed), a
 * remember-me cookie, and basic or bearer credentials. In a container's memory that was harmless; in a shared store a
 * dump would yield them. Spring Security replays saved headers through {@code SavedRequestAwareWrapper}, but never
 * saved cookies (the resumed request has its own), so {@link DefaultSavedRequest#getCookies()} reads back empty.
 *
 * <p>{@code DefaultSavedRequest} has no getter for its matching-request parameter ({@code continue} by default), so
 * it is taken from {@link DefaultSavedRequest#getRedirectUrl()}, which appends it last; the write checks that the
 * stored form gives back the same redirect URL, and refuses it otherwise.
 */
final class SavedRequestAdapter implements ObjectAdapter.Members<DefaultSavedRequest> {
    /** The part of the alias after {@code spring-security.}; the write reads its own form back under it. */
    static final String NAME = "saved-request";

    /** Lower case; compared without regard to case, as header names are. */
    static final Set<String> UNSTORED_HEADERS =
            Set.of("cookie", "authorization", "proxy-authorization", "x-session-token");

    @Override
    public void writeMembers(DefaultSavedRequest value, ObjectNode node, ValueContext context) {
        String scheme = requireStored(value.getScheme(), "scheme");
        String serverName = requireStored(value.getServerName(), "serverName");
        String requestUri = requireStored(value.getRequestURI(), "requestURI");
        String matching = matchingParameter(value, scheme, serverName, requestUri);

        node.put("method", value.getMethod());
        node.put("scheme", scheme);
        node.put("serverName", serverName);
        node.put("serverPort", value.getServerPort());
        node.put("requestURI", requestUri);
        putIfPresent(node, "requestURL", value.getRequestURL());
        putIfPresent(node, "contextPath", value.getContextPath());
        putIfPresent(node, "servletPath", value.getServletPath());
        putIfPresent(node, "pathInfo", value.getPathInfo());
        putIfPresent(node, "queryString", value.getQueryString());
        putIfPresent(node, "matchingRequestParameterName", matching);

        ObjectNode headers = node.putObject("headers");
        for (String name : value.getHeaderNames()) {
            if (!UNSTORED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                strings(headers.putArray(name), value.getHeaderValues(name));
            }
        }
        ObjectNode parameters = node.putObject("parameters");
        for (Map.Entry<String, String[]> e : value.getParameterMap().entrySet()) {
            strings(parameters.putArray(e.getKey()), List.of(e.getValue()));
        }
        ArrayNode locales = node.putArray("locales");
        for (Locale locale : value.getLocales()) {
            locales.add(locale.toLanguageTag());
        }

        DefaultSavedRequest stored = readMembers(Fields.of(ObjectAdapter.aliasOf(NAME), node), context);
        if (!stored.getRedirectUrl().equals(value.getRedirectUrl())) {
            throw new SessionCodecException("a " + DefaultSavedRequest.class.getName()
                    + " whose redirect URL its stored form would not reproduce cannot be stored");
        }
    }

    @Override
    public DefaultSavedRequest readMembers(Fields f, ValueContext context) {
        DefaultSavedRequest.Builder b = new DefaultSavedRequest.Builder()
                .setMethod(f.text("method"))
                .setScheme(f.text("scheme"))
                .setServerName(f.text("serverName"))
                .setServerPort(f.integer("serverPort"))
                .setRequestURI(f.text("requestURI"))
                .setQueryString(f.optionalText("queryString"));
        f.ifText("requestURL", b::setRequestURL);
        f.ifText("contextPath", b::setContextPath);
        f.ifText("servletPath", b::setServletPath);
        f.ifText("pathInfo", b::setPathInfo);
        f.ifText("matchingRequestParameterName", b::setMatchingRequestParameterName);

        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Fields storedHeaders = f.object("headers");
        if (storedHeaders != null) {
            for (String name : storedHeaders.names()) {
                headers.put(name, storedHeaders.texts(name));
            }
        }
        b.setHeaders(headers);

        Map<String, String[]> parameters = new TreeMap<>();
        Fields storedParameters = f.object("parameters");
        if (storedParameters != null) {
            for (String name : storedParameters.names()) {
                parameters.put(name, storedParameters.texts(name).toArray(String[]::new));
            }
        }
        b.setParameters(parameters);

        List<Locale> locales = new ArrayList<>();
        for (String tag : f.texts("locales")) {
            locales.add(Locale.forLanguageTag(tag));
        }
        b.setLocales(locales);
        return b.build();
    }

    /**
     * The matching-request parameter name, or null: {@code getRedirectUrl()} differs from the plain request URL exactly
     * when one is set, and then ends with it ({@code ?continue} or {@code ?a=1&continue}).
     */
    private static @Nullable String matchingParameter(
            DefaultSavedRequest value, String scheme, String serverName, String requestUri) {
        String redirect = value.getRedirectUrl();
        String plain = UrlUtils.buildFullRequestUrl(
                scheme, serverName, value.getServerPort(), requestUri, value.getQueryString());
        if (redirect.equals(plain)) {
            return null;
        }
        int query = redirect.indexOf('?');
        if (query < 0) {
            return null;
        }
        String last = redirect.substring(redirect.lastIndexOf('&') > query ? redirect.lastIndexOf('&') + 1 : query + 1);
        return last.isEmpty() ? null : last;
    }

    private static String requireStored(@Nullable String value, String member) {
        if (value == null) {
            throw new SessionCodecException(
                    "a " + DefaultSavedRequest.class.getName() + " without " + member + " cannot be stored");
        }
        return value;
    }

    private static void putIfPresent(ObjectNode node, String name, @Nullable String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        for (String v : values) {
            array.add(v);
        }
    }
}
