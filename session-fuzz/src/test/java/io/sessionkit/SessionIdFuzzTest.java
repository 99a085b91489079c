package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@link SessionId#parse}: any presented cookie or header value, one byte per character as HTTP headers carry it. */
class SessionIdFuzzTest {
    private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9_-]{32}");

    @FuzzTest
    void parse(byte[] data) {
        String raw = new String(data, StandardCharsets.ISO_8859_1);
        Optional<SessionId> id = SessionId.parse(raw);
        assertThat(id.isPresent())
                .as("parsed iff well-formed")
                .isEqualTo(WELL_FORMED.matcher(raw).matches());
        assertThat(SessionId.isWellFormed(raw)).isEqualTo(id.isPresent());
        id.ifPresent(parsed -> {
            assertThat(parsed.value()).isEqualTo(raw);
            assertThat(SessionId.parse(parsed.value())).contains(parsed);
            assertThat(parsed.key()).isEqualTo(SessionKey.of(raw));
            assertThat(parsed.key().value()).hasSize(43);
            assertThat(parsed.toString()).as("redacted").doesNotContain(raw);
        });
    }
}
