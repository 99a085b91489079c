package io.sessionkit.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real HTTP client with a cookie jar, standing in for one browser. Like a browser on {@code localhost}, the jar
 * ignores ports: one browser talking to two instances on two ports sends them the same session cookie. Like a browser,
 * it sends an {@code Origin} header with every form post, naming the server the form is posted to. Redirects are
 * followed by hand so that tests see each status.
 */
final class Browser {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Pattern LINE =
            Pattern.compile("<tr class=\"line\" data-sku=\"([a-z]+)\" data-qty=\"(\\d+)\">");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** One response, body as text. */
    record Page(int status, String body, HttpResponse<String> response) {
        String csrf() {
            return csrfIfAny()
                    .orElseThrow(() -> new AssertionError("the page has no form with a CSRF token:\n" + body));
        }

        /** The forms' CSRF token; empty on a page served to a visitor without a session. */
        Optional<String> csrfIfAny() {
            Matcher m = CSRF.matcher(body);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        /** The cart lines on a cart page: sku to quantity, in page order. */
        Map<String, Integer> cart() {
            Map<String, Integer> lines = new LinkedHashMap<>();
            Matcher m = LINE.matcher(body);
            while (m.find()) {
                lines.put(m.group(1), Integer.parseInt(m.group(2)));
            }
            return lines;
        }

        Optional<String> byId(String id) {
            Matcher m =
                    Pattern.compile("id=\"" + Pattern.quote(id) + "\">([^<]*)<").matcher(body);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }

        String instance() {
            return byId("instance").orElseThrow();
        }

        Optional<String> user() {
            return byId("user");
        }

        Optional<String> header(String name) {
            return response.headers().firstValue(name);
        }
    }

    Page get(URI uri) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    /** A GET whose body is kept as bytes (images), through this browser's cookie jar. */
    HttpResponse<byte[]> getBytes(URI uri) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A GET with exactly this Cookie header and no jar: for forged cookies. */
    static Page getWithCookie(URI uri, String cookieHeader) throws IOException, InterruptedException {
        HttpClient bare = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = bare.send(
                HttpRequest.newBuilder(uri)
                        .timeout(TIMEOUT)
                        .header("Cookie", cookieHeader)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Page(r.statusCode(), r.body(), r);
    }

    /** A form post from a page of the same server ({@code Origin} is the target's scheme, host and port). */
    Page post(URI uri, Map<String, String> form) throws IOException, InterruptedException {
        return post(uri, form, originOf(uri));
    }

    /** A form post as a page of {@code origin} would send it (null: no {@code Origin} header at all). */
    Page post(URI uri, Map<String, String> form, String origin) throws IOException, InterruptedException {
        return send(formPost(uri, form, origin).build());
    }

    /** {@link #post(URI, Map)} without waiting: many posts of one browser in flight at once (several tabs, a script). */
    java.util.concurrent.CompletableFuture<Page> postAsync(URI uri, Map<String, String> form) {
        return http.sendAsync(
                        formPost(uri, form, originOf(uri)).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
                .thenApply(r -> new Page(r.statusCode(), r.body(), r));
    }

    /** A form post with exactly this Cookie header and no jar, from a page of the same server: for forged cookies. */
    static Page postWithCookie(URI uri, String cookieHeader, Map<String, String> form)
            throws IOException, InterruptedException {
        HttpClient bare = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> r = bare.send(
                formPost(uri, form, originOf(uri))
                        .header("Cookie", cookieHeader)
                        .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Page(r.statusCode(), r.body(), r);
    }

    static String originOf(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static String formBody(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static HttpRequest.Builder formPost(URI uri, Map<String, String> form, String origin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(formBody(form)));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b;
    }

    /**
     * Posts a form taken from {@code formPage} (with its CSRF token, if the page has one: a page served without a
     * session has none) and follows the redirect; asserts the 302.
     */
    Page submit(DemoProcess demo, Page formPage, String action, Map<String, String> fields)
            throws IOException, InterruptedException {
        Map<String, String> form = new LinkedHashMap<>(fields);
        formPage.csrfIfAny().ifPresent(token -> form.put("csrf", token));
        Page answer = post(demo.uri(action), form);
        assertThat(answer.status())
                .as("POST %s answers a redirect: %s", action, answer.body())
                .isEqualTo(302);
        String location = answer.header("Location").orElseThrow();
        return get(location.startsWith("/") ? demo.uri(location) : URI.create(location));
    }

    /** Opens the product list and adds a product, as a person would; returns the cart page it lands on. */
    Page addToCart(DemoProcess demo, String sku, int qty, String note) throws IOException, InterruptedException {
        Page products = get(demo.uri("/"));
        assertThat(products.status())
                .as("GET / on %s:\n%s", demo.port(), products.body())
                .isEqualTo(200);
        return submit(demo, products, "/cart/add", Map.of("sku", sku, "qty", String.valueOf(qty), "note", note));
    }

    Page logIn(DemoProcess demo, String user) throws IOException, InterruptedException {
        Page form = get(demo.uri("/login"));
        assertThat(form.status()).isEqualTo(200);
        return submit(demo, form, "/login", Map.of("user", user));
    }

    /** The session cookie's value this browser holds, if any. */
    Optional<String> sessionCookie() {
        return cookies.getCookieStore().getCookies().stream()
                .filter(c -> c.getName().equals("SESSION")
                        && !c.hasExpired()
                        && !c.getValue().isEmpty())
                .map(HttpCookie::getValue)
                .findFirst();
    }

    private Page send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Page(r.statusCode(), r.body(), r);
    }
}
