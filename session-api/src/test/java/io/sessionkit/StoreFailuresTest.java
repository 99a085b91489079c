package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class StoreFailuresTest {
    private static final SessionKey KEY = SessionId.generate().key();

    @Test
    void unavailableNamesServerOperationAndShortKeyNeverTheKey() {
        IOException cause = new IOException("Connection refused");
        SessionStoreUnavailableException e =
                StoreFailures.unavailable("redis 127.0.0.1:6379", "load", KEY, "Connection refused", cause);
        assertThat(e)
                .hasMessage("redis 127.0.0.1:6379: load of session " + KEY.shortForm() + " failed: Connection refused")
                .hasMessageNotContaining(KEY.value())
                .hasCause(cause);
        assertThat(KEY.shortForm()).hasSize(8).isEqualTo(KEY.value().substring(0, 8));
        assertThat(StoreFailures.unavailable("s", "purgeExpired", null, "timed out", null))
                .hasMessage("s: purgeExpired failed: timed out")
                .hasNoCause();
    }

    @Test
    void failedIsAPlainSessionExceptionInTheSameWords() {
        SessionException e = StoreFailures.failed("H2 at mem", "replace", KEY, "SQLState 42000: syntax", null);
        assertThat(e)
                .isNotInstanceOf(SessionStoreUnavailableException.class)
                .hasMessage("H2 at mem: replace of session " + KEY.shortForm() + " failed: SQLState 42000: syntax");
    }

    @Test
    void skippedLogsOneWarningWithTheShortKey() {
        try (LogCapture log = LogCapture.of("io.sessionkit.test.skipped")) {
            StoreFailures.skipped(
                    System.getLogger("io.sessionkit.test.skipped"),
                    "mongo at h:1",
                    "findByPrincipal",
                    KEY,
                    new SessionCodecException("bad envelope"));
            StoreFailures.skipped(
                    System.getLogger("io.sessionkit.test.skipped"),
                    "mongo at h:1",
                    "findByPrincipal",
                    null,
                    new SessionCodecException("bad id"));
            List<String> lines = log.warnings();
            assertThat(lines)
                    .containsExactly(
                            "mongo at h:1: findByPrincipal skipped an undecodable record of session " + KEY.shortForm()
                                    + ": bad envelope",
                            "mongo at h:1: findByPrincipal skipped an undecodable record of session (malformed key): bad id");
            assertThat(String.join("\n", lines)).doesNotContain(KEY.value());
        }
    }
}
