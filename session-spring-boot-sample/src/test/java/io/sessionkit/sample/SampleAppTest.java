package io.sessionkit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sample as {@code ./sample} runs it, with no store configured (the in-process local store), over real HTTP:
 * Spring Security's login form with its CSRF token, the counter, logout.
 */
class SampleAppTest {
    private static SampleInstance sample;

    @BeforeAll
    static void start() {
        sample = SampleInstance.start("A", Map.of());
    }

    @AfterAll
    static void stop() {
        sample.close();
    }

    @Test
    @DisplayName("log in with the form and its CSRF token; the counter counts; logout ends the session")
    void loginCountLogout() {
        Browser browser = new Browser();
        assertThat(sample.sendsToLogin(browser)).isTrue();
        assertThat(sample.logIn(browser, "alice", SecurityConfig.DEMO_PASSWORD).getPath())
                .isEqualTo("/");
        assertThat(sample.counter(browser, "alice")).isZero();
        assertThat(Browser.redirect(sample.addOne(browser))).isEqualTo(sample.uri("/"));
        assertThat(sample.counter(browser, "alice")).isEqualTo(1);
        sample.addOne(browser);
        assertThat(sample.counter(browser, "alice")).isEqualTo(2);

        assertThat(sample.logOut(browser)).isEqualTo(sample.uri("/login?logout"));
        assertThat(sample.sendsToLogin(browser)).isTrue();
        sample.logIn(browser, "alice", SecurityConfig.DEMO_PASSWORD);
        assertThat(sample.counter(browser, "alice")).as("a new session").isZero();
    }

    @Test
    @DisplayName("every user has a session of their own")
    void oneSessionPerUser() {
        Browser alice = new Browser();
        Browser bob = new Browser();
        sample.logIn(alice, "alice", SecurityConfig.DEMO_PASSWORD);
        sample.logIn(bob, "bob", SecurityConfig.DEMO_PASSWORD);
        sample.addOne(alice);
        sample.addOne(alice);
        sample.addOne(bob);
        assertThat(sample.counter(alice, "alice")).isEqualTo(2);
        assertThat(sample.counter(bob, "bob")).isEqualTo(1);
    }

    @Test
    @DisplayName("a wrong password is refused; a POST without the CSRF token is refused and counts nothing")
    void refusals() {
        Browser browser = new Browser();
        assertThat(sample.logIn(browser, "bob", "not-" + SecurityConfig.DEMO_PASSWORD))
                .isEqualTo(sample.uri("/login?error"));
        assertThat(sample.sendsToLogin(browser)).isTrue();

        sample.logIn(browser, "bob", SecurityConfig.DEMO_PASSWORD);
        assertThat(browser.submit(sample.uri("/count")).statusCode()).isEqualTo(403);
        assertThat(browser.submit(sample.uri("/logout")).statusCode()).isEqualTo(403);
        assertThat(sample.counter(browser, "bob")).isZero();
    }
}
