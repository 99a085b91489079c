package io.sessionkit.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user agent: java.net.http with one cookie jar for every instance (a browser sends a {@code 127.0.0.1} cookie to
 * every port, as it would to every server behind a load balancer), redirects not followed so that tests see them.
 * Private to this module until session-testing has a shared one.
 */
final class Browser {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern CSRF_INPUT = Pattern.compile("<input[^>]*name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    HttpResponse<String> get(URI page) {
        return send(HttpRequest.newBuilder(page).GET());
    }

    /** POSTs an HTML form: names and values in turn, URL-encoded. */
    HttpResponse<String> submit(URI action, String... namesAndValues) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.append(body.length() == 0 ? "" : "&")
                    .append(URLEncoder.encode(namesAndValues[i], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return send(HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** The value of the first {@code _csrf} hidden field of a page. */
    static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF_INPUT.matcher(page.body());
        if (!m.find()) {
            throw new AssertionError("no _csrf field on " + page.uri() + ": " + page.body());
        }
        return m.group(1);
    }

    /** Where a redirect points, resolved against the request's URI. */
    static URI redirect(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 3) {
            throw new AssertionError(
                    response.uri() + " answered " + response.statusCode() + ", not a redirect: " + response.body());
        }
        return response.uri()
                .resolve(response.headers()
                        .firstValue("Location")
                        .orElseThrow(() -> new AssertionError("no Location from " + response.uri())));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            // As a browser navigates: Spring Security sends such a request to the login page, others get a 401.
            request.header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                    .timeout(TIMEOUT);
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
