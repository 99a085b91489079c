package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CodecTest {
    /** A legacy value for the opt-in codec. */
    static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<String> items = new ArrayList<>();
    }

    /** Counts instantiations: a refused class must never be constructed. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }
    }

    @Test
    void javaCodecRoundTripsAllowedClasses() {
        JavaSerializationCodec codec = new JavaSerializationCodec(Cart.class.getName());
        Cart cart = new Cart();
        cart.items.add("apple");
        Object back = codec.decode("cart", codec.encode("cart", cart));
        assertThat(back).isInstanceOf(Cart.class);
        assertThat(((Cart) back).items).containsExactly("apple");
        assertThat(codec.decode("n", codec.encode("n", 5))).isEqualTo(5);
        HashMap<String, Integer> map = new HashMap<>(Map.of("a", 1));
        assertThat(codec.decode("m", codec.encode("m", map))).isEqualTo(map);
    }

    @Test
    void javaCodecRefusesClassesOutsideTheAllowList() {
        JavaSerializationCodec permissive = new JavaSerializationCodec(Gadget.class.getName());
        var stored = permissive.encode("g", new Gadget());
        int before = Gadget.READS.get();
        JavaSerializationCodec strict = new JavaSerializationCodec("");
        assertThatThrownBy(() -> strict.decode("g", stored))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("refused");
        assertThat(Gadget.READS.get()).isEqualTo(before);
        assertThatThrownBy(() -> strict.encode("f", new File("/etc/passwd"))).isInstanceOf(SessionCodecException.class);
    }

    @Test
    void javaCodecRefusesNonSerializable() {
        assertThatThrownBy(() -> new JavaSerializationCodec("").encode("x", new Object()))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("not Serializable");
    }

    @Test
    void jsonCodecNeverInstantiatesNamedTypes() throws Exception {
        var node = Json.parseObject("{\"@class\":\"java.io.File\",\"path\":\"/tmp\"}");
        Object back = JsonAttributeCodec.INSTANCE.decode("x", node);
        assertThat(back).isInstanceOf(Map.class);
        assertThat(JsonAttributeCodec.INSTANCE.decode("x", node, Object.class)).isInstanceOf(Map.class);
    }

    @Test
    void envelopeRoundTripsAndRefusesGarbage() {
        Instant now = Instant.ofEpochMilli(1_732_800_000_123L);
        SessionKey key = SessionId.generate().key();
        SessionRecord r = new SessionRecord(
                key, 7, now, now, Duration.ofMinutes(30), now.plusSeconds(1800), "alice", "{\"cart\":[1,2]}");
        String text = RecordEnvelope.encode(r);
        assertThat(text).startsWith("{\"fmt\":1,\"v\":7,");
        assertThat(RecordEnvelope.decode(key, text)).isEqualTo(r);
        for (String bad : List.of(
                "",
                "{",
                "[]",
                "{\"fmt\":2}",
                "{\"fmt\":1,\"v\":\"x\"}",
                "{\"fmt\":1,\"v\":1,\"c\":1,\"a\":1,\"e\":1,\"mi\":1,\"attrs\":[]}")) {
            assertThatThrownBy(() -> RecordEnvelope.decode(key, bad))
                    .as(bad)
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(key.shortForm());
        }
    }

    @Test
    void envelopeDecodeKeepsTheAttributeTextAsStoredInAnyFieldOrder() {
        SessionKey key = SessionId.generate().key();
        String attrs = "{ \"cart\" : [1, 2.50, {\"sku\":\"A\\u00e9\"}], \"n\": null }";
        String text = "{\n  \"attrs\": " + attrs + ",\n  \"x-unknown\": {\"deep\": [1]},\n  \"p\": null, \"mi\": 60,"
                + " \"e\": 3000, \"a\": 2000, \"c\": 1000, \"v\": 4, \"fmt\": 1\n}";
        SessionRecord r = RecordEnvelope.decode(key, text);
        assertThat(r.attributes()).isEqualTo(attrs);
        assertThat(r.version()).isEqualTo(4);
        assertThat(r.principal()).isNull();
        assertThat(r.expiresAt()).isEqualTo(Instant.ofEpochMilli(3000));
        // Duplicate fields: the last wins, as it did when the envelope was read as a tree.
        String dup = "{\"fmt\":1,\"v\":1,\"c\":1,\"a\":1,\"e\":1,\"mi\":1,\"attrs\":{\"a\":1},\"attrs\":{\"b\":2}}";
        assertThat(RecordEnvelope.decode(key, dup).attributes()).isEqualTo("{\"b\":2}");
    }

    @Test
    void envelopeDecodeRefusesBrokenAttributes() {
        SessionKey key = SessionId.generate().key();
        String head = "{\"fmt\":1,\"v\":1,\"c\":1,\"a\":1,\"e\":1,\"mi\":1,\"attrs\":";
        for (String attrs : List.of(
                "{\"a\":}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\q\"}", "{\"a\":[1,}", "\"text\"", "null", "{\"a\":1")) {
            assertThatThrownBy(() -> RecordEnvelope.decode(key, head + attrs + "}"))
                    .as(attrs)
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(key.shortForm());
        }
    }

    @Test
    void idsParseStrictly() {
        SessionId id = SessionId.generate();
        assertThat(SessionId.parse(id.value())).contains(id);
        assertThat(SessionId.parse(id.value() + " ")).isEmpty();
        assertThat(SessionId.parse(null)).isEmpty();
        assertThat(id.key().value()).hasSize(43);
        assertThat(id.toString()).doesNotContain(id.value());
    }

    @Test
    void learningModeReadsWhatTheAllowListWouldRefuseAndNamesEachClassOnce() {
        JavaSerializationCodec permissive = new JavaSerializationCodec(Cart.class.getName());
        Cart cart = new Cart();
        cart.items.add("apple");
        var stored = permissive.encode("cart", cart);
        try (LogCapture log = LogCapture.of("io.sessionkit.codec")) {
            JavaSerializationCodec learning = JavaSerializationCodec.learning("");
            assertThat(learning.decode("cart", stored)).isInstanceOf(Cart.class);
            assertThat(learning.decode("cart", stored)).isInstanceOf(Cart.class);
            assertThat(log.warnings()).anySatisfy(w -> assertThat(w).contains("never in production"));
            assertThat(log.warnings().stream().filter(w -> w.contains("would refuse " + Cart.class.getName())))
                    .hasSize(1)
                    .allSatisfy(w -> assertThat(w).contains("io.sessionkit.*").doesNotContain("apple"));
        }
        // The limits still refuse in learning mode: nesting deeper than maxdepth.
        Object deep = new Object[] {};
        for (int i = 0; i < 40; i++) {
            deep = new Object[] {deep};
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(deep);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        var tooDeep = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("@java", java.util.Base64.getEncoder().encodeToString(bytes.toByteArray()));
        assertThatThrownBy(() -> JavaSerializationCodec.learning("").decode("d", tooDeep))
                .isInstanceOf(SessionCodecException.class);
    }

    @Test
    void javaCodecModeIsEnforceOrLearn() {
        assertThatThrownBy(() -> SessionManager.policyFrom(SessionKitConfig.of(
                        Map.of("sessionkit.codec", "java", "sessionkit.codec.java.mode", "permissive"))))
                .hasMessageContaining(
                        "sessionkit.codec.java.mode: 'permissive' is not valid; expected enforce or learn");
    }
}
