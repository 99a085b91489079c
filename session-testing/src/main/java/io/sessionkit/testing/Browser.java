package io.sessionkit.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One user agent for tests of web apps: a real {@link HttpClient} with one cookie jar for every node it talks to
 * (cookies go to any port of the same host, as a browser's do), redirects not followed (tests look at them), a 10 s
 * timeout per request. Plain {@code java.net.http}: no servlet or Spring type.
 */
public final class Browser {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** The hidden field Spring Security's login form carries its CSRF token in. */
    private static final Pattern CSRF_FIELD = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    /** A fresh agent with an empty cookie jar. */
    public Browser() {}

    /** A GET. */
    public HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET());
    }

    /** A POST of {@code form}, URL-encoded. */
    public HttpResponse<String> post(URI uri, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A DELETE with {@code headers} (such as a CSRF token's). */
    public HttpResponse<String> delete(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).DELETE();
        headers.forEach(request::header);
        return send(request);
    }

    /** The {@code _csrf} hidden field of a page (Spring Security's login form); fails the test when there is none. */
    public static String csrfField(HttpResponse<String> page) {
        Matcher m = CSRF_FIELD.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no _csrf field in " + page.uri() + ": " + page.body());
        }
        return m.group(1);
    }

    /** The {@code Location} of a redirect, resolved against the request URI. */
    public static URI location(HttpResponse<String> response) {
        String location = response.headers()
                .firstValue("Location")
                .orElseThrow(() ->
                        new AssertionError("no Location from " + response.uri() + " (" + response.statusCode() + ")"));
        return response.uri().resolve(location);
    }

    /** The value of the cookie {@code name} in the jar. */
    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .findFirst();
    }

    /** Names of every cookie in the jar. */
    public List<String> cookieNames() {
        return cookies.getCookieStore().getCookies().stream()
                .map(HttpCookie::getName)
                .toList();
    }

    /** A form from names and values, in order: {@code form("username", "alice", "password", "...")}. */
    public static Map<String, String> form(String... namesAndValues) {
        Map<String, String> form = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return form;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
