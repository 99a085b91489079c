package io.sessionkit.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** A client with its own cookie jar, as a browser tab would have; every call is bounded by a timeout. */
final class Browser {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    HttpResponse<String> get(URI uri, String... headers) {
        return send(request(uri, headers).GET().build());
    }

    HttpResponse<String> post(URI uri, String... headers) {
        return send(
                request(uri, headers).POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    /** Returns as soon as the response headers arrive; the body streams on. */
    HttpResponse<InputStream> getStreaming(URI uri) {
        try {
            return client.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the cookie named {@code name} in this browser's jar. */
    Optional<String> cookie(String name) {
        List<HttpCookie> all = cookies.getCookieStore().getCookies();
        return all.stream()
                .filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue)
                .findFirst();
    }

    private static HttpRequest.Builder request(URI uri, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The Set-Cookie headers of a response for the cookie {@code name}. */
    static List<String> setCookies(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(name + "="))
                .toList();
    }
}
