package io.sessionkit.sample;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.OverSharedStores;
import io.sessionkit.testing.RunNamespace;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;

/**
 * Two instances of the sample (two Spring Boot contexts, two embedded Tomcats on free ports) on one shared store,
 * configured by properties only, as two servers behind a load balancer: one {@link Browser} goes to either. Run on
 * the real Redis, switched with the README's properties ({@code sessionkit.store=redis}, {@code spring.data.redis.url}),
 * and on the real PostgreSQL, switched with the README's {@code postgres} profile (the app's DataSource from
 * {@code spring.datasource.*}, the table created at start-up), each in a namespace of this run's own.
 */
@OverSharedStores
class TwoInstanceTest {
    private SampleInstance a;
    private SampleInstance b;

    @Parameter
    private RunNamespace store;

    static Stream<RunNamespace> stores() {
        return Stream.of(
                RunNamespace.redis("sk-sample")
                        .with(
                                "sessionkit.store=redis",
                                "spring.data.redis.url={server}",
                                "sessionkit.redis.key-prefix={name}"),
                RunNamespace.postgres("sk_sample")
                        .with(
                                "spring.profiles.active=postgres",
                                "spring.datasource.url={server}",
                                "sessionkit.jdbc.table={name}"));
    }

    @BeforeParameterizedClassInvocation(injectArguments = false)
    void start() {
        a = SampleInstance.start("A", store.properties());
        b = SampleInstance.start("B", store.properties());
    }

    @AfterParameterizedClassInvocation(injectArguments = false)
    void stop() {
        try {
            a.close();
            b.close();
        } finally {
            store.cleanUp();
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
