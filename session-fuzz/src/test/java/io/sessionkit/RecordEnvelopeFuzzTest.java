package io.sessionkit;

import static io.sessionkit.Decoding.tolerated;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/** {@link RecordEnvelope#decode}: the envelope Redis and memcached hold, as any bytes a store could return. */
class RecordEnvelopeFuzzTest {
    private static final SessionKey KEY = SessionKey.of("AbCdEfGhIjKlMnOpQrStUvWxYz012-_9");

    @FuzzTest
    void decode(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        tolerated(() -> {
            SessionRecord record = RecordEnvelope.decode(KEY, text);
            // What decodes is a record this version can write again and read back unchanged.
            SessionRecord again = RecordEnvelope.decode(KEY, RecordEnvelope.encode(record));
            assertThat(again).isEqualTo(record);
        });
    }
}
