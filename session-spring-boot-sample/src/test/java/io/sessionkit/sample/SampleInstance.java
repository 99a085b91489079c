package io.sessionkit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running instance of the sample, in this JVM ({@link #start}) or in a process of its own ({@link #at}), and what a
 * user does on its pages.
 */
final class SampleInstance implements AutoCloseable {
    private static final Pattern COUNTER = Pattern.compile("id=\"counter\">(\\d+)<");
    private static final Pattern USER = Pattern.compile("id=\"user\">([^<]*)<");
    private static final Pattern INSTANCE = Pattern.compile("id=\"instance\">([^<]*)<");

    private final URI base;
    private final String name;
    private final Runnable stop;

    private SampleInstance(URI base, String name, Runnable stop) {
        this.base = base;
        this.name = name;
        this.stop = stop;
    }

    /**
     * Starts the sample in this JVM as {@code java -jar} starts it: the app's own {@code application*.properties}, then
     * {@code properties} as command-line arguments; on a free port, as instance {@code name}.
     */
    static SampleInstance start(String name, Map<String, String> properties) {
        List<String> args = new ArrayList<>(List.of("--server.port=0", "--sample.instance=" + name));
        args.add("--logging.level.root=WARN");
        properties.forEach((key, value) -> args.add("--" + key + "=" + value));
        ConfigurableApplicationContext context =
                SpringApplication.run(SampleApplication.class, args.toArray(String[]::new));
        return at(((WebServerApplicationContext) context).getWebServer().getPort(), name, context::close);
    }

    /** The sample already running on {@code port} as instance {@code name}; {@link #close()} runs {@code stop}. */
    static SampleInstance at(int port, String name, Runnable stop) {
        return new SampleInstance(URI.create("http://127.0.0.1:" + port), name, stop);
    }

    URI uri(String path) {
        return base.resolve(path);
    }

    /** GET /login, then POST the login form with its CSRF token; returns where the login redirected to. */
    URI logIn(Browser browser, String user, String password) {
        HttpResponse<String> form = browser.get(uri("/login"));
        assertThat(form.statusCode()).as(form.body()).isEqualTo(200);
        return Browser.redirect(
                browser.submit(uri("/login"), "username", user, "password", password, "_csrf", Browser.csrf(form)));
    }

    /** The counter page, checked to be this instance's and {@code user}'s; returns the counter it shows. */
    int counter(Browser browser, String user) {
        HttpResponse<String> page = counterPage(browser);
        assertThat(find(USER, page)).isEqualTo(user);
        assertThat(find(INSTANCE, page)).isEqualTo(name);
        return Integer.parseInt(find(COUNTER, page));
    }

    /** Presses "Add one" on the counter page; returns the response to the POST. */
    HttpResponse<String> addOne(Browser browser) {
        return browser.submit(uri("/count"), "_csrf", Browser.csrf(counterPage(browser)));
    }

    /** Presses "Log out" on the counter page; returns where the logout redirected to. */
    URI logOut(Browser browser) {
        return Browser.redirect(browser.submit(uri("/logout"), "_csrf", Browser.csrf(counterPage(browser))));
    }

    /** Whether the counter page sends this browser to the login page (no session, or one not logged in). */
    boolean sendsToLogin(Browser browser) {
        HttpResponse<String> page = browser.get(uri("/"));
        return page.statusCode() == 302 && Browser.redirect(page).equals(uri("/login"));
    }

    private HttpResponse<String> counterPage(Browser browser) {
        HttpResponse<String> page = browser.get(uri("/"));
        assertThat(page.statusCode()).as("GET / on %s: %s", name, page.body()).isEqualTo(200);
        return page;
    }

    private static String find(Pattern pattern, HttpResponse<String> page) {
        Matcher m = pattern.matcher(page.body());
        assertThat(m.find()).as("%s on %s", pattern, page.body()).isTrue();
        return m.group(1);
    }

    @Override
    public void close() {
        stop.run();
    }
}
