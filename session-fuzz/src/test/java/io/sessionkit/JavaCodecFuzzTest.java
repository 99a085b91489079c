package io.sessionkit;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/**
 * The opt-in Java serialization codec behind its JEP 290 allow-list (the JDK value types plus only this test's own
 * classes): {@code {"value":{"@java":"<base64 of the input>"}}}, and any attributes text (the tagged scalars
 * {@code @long}, {@code @bigdecimal}, …), loaded through a {@link SessionManager} under each policy.
 */
class JavaCodecFuzzTest {
    /** The application's own class, the only one outside the JDK the allow-list lets in. */
    record Cart(String owner, ArrayList<String> items) implements Serializable {}

    private static final List<Class<?>> TYPES = List.of(Cart.class, Long.class, Integer.class, String.class);

    private static final Map<DecodeFailurePolicy, SessionManager> MANAGERS =
            Decoding.perPolicy(b -> b.javaSerialization(JavaCodecFuzzTest.class.getName() + "$*"));

    @AfterAll
    static void close() {
        MANAGERS.values().forEach(SessionManager::close);
    }

    /** The serialized bytes of a {@code @java} value: the input is the stream, its last byte the policy. */
    @FuzzTest
    void taggedValue(FuzzedDataProvider data) {
        DecodeFailurePolicy policy = data.pickValue(DecodeFailurePolicy.values());
        String stream = Base64.getEncoder().encodeToString(data.consumeRemainingAsBytes());
        String attributes = "{\"value\":{\"@java\":\"" + stream + "\"}}";
        Decoding.tolerated(() -> Decoding.loadThrough(MANAGERS.get(policy), attributes, TYPES));
    }

    /** Any attributes text through the Java codec: the input is the text (UTF-8), its last byte the policy. */
    @FuzzTest
    void rawAttributes(FuzzedDataProvider data) {
        DecodeFailurePolicy policy = data.pickValue(DecodeFailurePolicy.values());
        String attributes = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
        Decoding.tolerated(() -> Decoding.loadThrough(MANAGERS.get(policy), attributes, TYPES));
    }
}
