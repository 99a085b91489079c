package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry backoff bound the README documents, computed rather than timed. */
class BackoffBoundTest {

    @Test
    void firstRetriesGoAtOnceThenTheCapDoublesUpToTenMilliseconds() {
        assertThat(SessionManager.backoffCapNanos(0)).isZero();
        assertThat(SessionManager.backoffCapNanos(2)).isZero();
        assertThat(SessionManager.backoffCapNanos(3)).isEqualTo(100_000L);
        assertThat(SessionManager.backoffCapNanos(4)).isEqualTo(200_000L);
        assertThat(SessionManager.backoffCapNanos(10)).isEqualTo(10_000_000L);
        assertThat(SessionManager.backoffCapNanos(1_000)).isEqualTo(10_000_000L);
    }

    @Test
    void exhaustingTheDefaultRetriesWaitsAtMostTheDocumentedBound() {
        long total = SessionManager.maxTotalBackoffNanos(SessionManager.DEFAULT_MAX_RETRIES);
        assertThat(Duration.ofNanos(total)).isEqualTo(Duration.ofMillis(112).plusNanos(700_000));
        assertThat(SessionManager.maxTotalBackoffNanos(0)).isZero();
        assertThat(SessionManager.maxTotalBackoffNanos(3)).isZero();
        assertThat(SessionManager.maxTotalBackoffNanos(21) - total).isEqualTo(10_000_000L);
    }
}
