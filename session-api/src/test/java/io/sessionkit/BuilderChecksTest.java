package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuilderChecksTest {

    @Test
    void positiveAcceptsOneMillisecondToTheIntRangeAndNamesSetterValueAndRangeOtherwise() {
        assertThat(BuilderChecks.positive("readTimeout", Duration.ofMillis(1))).isEqualTo(Duration.ofMillis(1));
        assertThat(BuilderChecks.positive("readTimeout", BuilderChecks.MAX_TIMEOUT))
                .isEqualTo(BuilderChecks.MAX_TIMEOUT);
        for (Duration bad : List.of(
                Duration.ZERO,
                Duration.ofSeconds(-1),
                Duration.ofNanos(999_999),
                BuilderChecks.MAX_TIMEOUT.plusMillis(1))) {
            assertThatThrownBy(() -> BuilderChecks.positive("readTimeout", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("readTimeout: '")
                    .hasMessageContaining("is not valid; expected a duration from 1ms to")
                    .hasMessageContaining("never infinite");
        }
        assertThatThrownBy(() -> BuilderChecks.positive("readTimeout", Duration.ofSeconds(-5)))
                .hasMessageContaining("'-5s'");
        assertThatThrownBy(() -> BuilderChecks.positive("readTimeout", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("readTimeout");
    }

    @Test
    void expiryGraceIsZeroOrMoreUpToTheLongestMaxIdle() {
        assertThat(BuilderChecks.expiryGrace("expiryGrace", Duration.ZERO)).isZero();
        assertThat(BuilderChecks.expiryGrace("expiryGrace", SessionRecord.MAX_IDLE))
                .isEqualTo(SessionRecord.MAX_IDLE);
        assertThatThrownBy(() -> BuilderChecks.expiryGrace("expiryGrace", Duration.ofMillis(-1)))
                .hasMessage("expiryGrace: '-1ms' is not valid; expected a duration from 0s to 36500d (zero or more)");
        assertThatThrownBy(() -> BuilderChecks.expiryGrace("expiryGrace", SessionRecord.MAX_IDLE.plusSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atLeastNamesTheBound() {
        assertThat(BuilderChecks.atLeast("poolMaxTotal", 1, 1)).isEqualTo(1);
        assertThatThrownBy(() -> BuilderChecks.atLeast("poolMaxTotal", 0, 1))
                .hasMessage("poolMaxTotal: '0' is not valid; expected a number >= 1");
    }

    @Test
    void keyPrefixIsPrintableAsciiWithoutSpacesWithinTheLength() {
        assertThat(BuilderChecks.keyPrefix("keyPrefix", "sk:app:", 200)).isEqualTo("sk:app:");
        assertThat(BuilderChecks.keyPrefix("keyPrefix", "", 200)).isEmpty();
        for (String bad : List.of("a b", "tab\t", "é", "x".repeat(201))) {
            assertThatThrownBy(() -> BuilderChecks.keyPrefix("keyPrefix", bad, 200))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("keyPrefix: ")
                    .hasMessageContaining("at most 200 printable ASCII characters without spaces");
        }
        assertThatThrownBy(() -> BuilderChecks.keyPrefix("keyPrefix", "a b", Integer.MAX_VALUE))
                .hasMessage("keyPrefix: 'a b' is not valid; expected printable ASCII characters without spaces");
    }

    @Test
    void hostPortsParseIpv6AndDefaultPortsAndRefuseTheRest() {
        assertThat(BuilderChecks.hostPorts("servers", List.of("a:1", " [::1]:11211 ", "", "b"), 6379))
                .containsExactly(
                        new BuilderChecks.HostPort("a", 1),
                        new BuilderChecks.HostPort("::1", 11211),
                        new BuilderChecks.HostPort("b", 6379));
        assertThat(new BuilderChecks.HostPort("::1", 11211)).hasToString("[::1]:11211");
        for (String bad : List.of("b", ":1", "h:0", "h:65536", "h:port", "[::1]")) {
            assertThatThrownBy(() -> BuilderChecks.hostPorts("servers", List.of(bad), 0))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("servers: '" + bad + "' is not valid")
                    .hasMessageContaining("port from 1 to 65535");
        }
        assertThatThrownBy(() -> BuilderChecks.hostPorts("servers", List.of(" ", ""), 0))
                .hasMessageContaining("at least one host:port");
    }

    @Test
    void clockIsRequired() {
        Clock clock = Clock.systemUTC();
        assertThat(BuilderChecks.clock(clock)).isSameAs(clock);
        assertThatThrownBy(() -> BuilderChecks.clock(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("clock");
    }
}
