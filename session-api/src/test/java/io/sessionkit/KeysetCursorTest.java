package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeysetCursorTest {
    private final KeysetCursor jdbc = KeysetCursor.of("j");

    @Test
    void roundTripsAPositionAndAKey() {
        SessionKey key = SessionId.generate().key();
        String cursor = jdbc.after(key);
        assertThat(cursor).startsWith("j1:").matches("[\\x21-\\x7e]+");
        assertThat(jdbc.key(cursor)).isEqualTo(key);
        assertThat(jdbc.position(jdbc.after("élodie/ü"))).isEqualTo("élodie/ü");
        assertThat(jdbc.position(null)).isNull();
        assertThat(jdbc.key(null)).isNull();
        // A cursor is valid as a ScanPage's next.
        assertThat(new ScanPage(List.of(), cursor).next()).isEqualTo(cursor);
    }

    @Test
    void refusesAnythingElseNamingTheExpectedKind() {
        String valid = jdbc.after("abc");
        List<String> bad = List.of(
                "",
                "j1:",
                "j1",
                "j2:YWJj",
                "J1:YWJj",
                "m1:YWJj",
                "c1:" + valid.substring(3),
                valid + "=",
                valid + " ",
                " " + valid,
                valid + "\n",
                "j1:YWJ", // "abc" is YWJj: a non-canonical last character
                "j1:Y",
                "j1:YW+j",
                "j1:YW/j",
                "j1:_w", // 0xff: not UTF-8
                "j1:" + "A".repeat(2000));
        for (String cursor : bad) {
            assertThatThrownBy(() -> jdbc.position(cursor))
                    .as("'%s'", cursor)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("expected 'j1:'")
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> jdbc.key(valid))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a session key");
    }

    @Test
    void kindsAreShortLowerCaseWords() {
        for (String kind : List.of("", "J", "j1", "j:", "abcdefghi", "é")) {
            assertThatThrownBy(() -> KeysetCursor.of(kind)).as(kind).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(KeysetCursor.of("redis").prefix()).isEqualTo("redis1:");
        assertThatThrownBy(() -> jdbc.after("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> jdbc.after("x".repeat(1000))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pageSizesBelowOneAreRefused() {
        assertThat(ScanPage.requirePageSize(1)).isEqualTo(1);
        assertThatThrownBy(() -> ScanPage.requirePageSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
