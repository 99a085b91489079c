package io.sessionkit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances of the sample (two Spring Boot contexts, two embedded Tomcats on free ports) on one shared store,
 * configured by properties only, as two servers behind a load balancer: one {@link Browser} goes to either.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoInstanceContract {
    private SampleInstance a;
    private SampleInstance b;

    /** What the command line would say to put the sessions in the shared store. */
    abstract Map<String, String> storeProperties();

    /** Removes what the instances wrote into the shared server. */
    abstract void cleanUp() throws Exception;

    @BeforeAll
    void start() {
        a = SampleInstance.start("A", storeProperties());
        b = SampleInstance.start("B", storeProperties());
    }

    @AfterAll
    void stop() throws Exception {
        try {
            a.close();
            b.close();
        } finally {
            cleanUp();
        }
    }

    @Test
    @DisplayName("log in on A: the counter is visible and counts on B; logout on B logs out A")
    void oneSessionOnBothInstances() {
        Browser browser = new Browser();
        assertThat(a.logIn(browser, "alice", SecurityConfig.DEMO_PASSWORD).getPath())
                .isEqualTo("/");
        assertThat(b.counter(browser, "alice")).isZero();
        a.addOne(browser);
        assertThat(b.counter(browser, "alice")).isEqualTo(1);
        b.addOne(browser);
        assertThat(a.counter(browser, "alice")).isEqualTo(2);

        Browser bob = new Browser();
        b.logIn(bob, "bob", SecurityConfig.DEMO_PASSWORD);
        assertThat(a.counter(bob, "bob")).as("bob's own session").isZero();

        assertThat(b.logOut(browser)).isEqualTo(b.uri("/login?logout"));
        assertThat(a.sendsToLogin(browser)).isTrue();
        assertThat(b.sendsToLogin(browser)).isTrue();
        assertThat(a.counter(bob, "bob")).as("bob still logged in").isZero();
    }
}
