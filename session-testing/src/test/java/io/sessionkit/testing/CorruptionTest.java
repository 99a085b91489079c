package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CorruptionTest {
    private static final String ENVELOPE = "{\"fmt\":1,\"v\":3,\"attrs\":{\"a\":1}}";

    @Test
    void eachKindBreaksTheEnvelopeItsOwnWay() {
        assertThat(new String(Corruption.TRUNCATED_JSON.of(ENVELOPE), StandardCharsets.UTF_8))
                .isEqualTo(ENVELOPE.substring(0, ENVELOPE.length() / 2));
        assertThat(new String(Corruption.WRONG_VERSION_FIELD.of(ENVELOPE), StandardCharsets.UTF_8))
                .contains("\"fmt\":99");
        assertThat(Corruption.FOREIGN_DATA.of(ENVELOPE)).startsWith((byte) 0xAC, (byte) 0xED);
        assertThat(new String(Corruption.WRONG_FIELD_TYPE.of(ENVELOPE), StandardCharsets.UTF_8))
                .contains("\"attrs\":\"not an object\"")
                .contains("\"v\":\"three\"");
    }
}
