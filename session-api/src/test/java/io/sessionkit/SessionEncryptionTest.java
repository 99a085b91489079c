package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionEncryptionTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed + i);
        }
        return k;
    }

    private static String b64(byte[] k) {
        return Base64.getEncoder().encodeToString(k);
    }

    private static SessionEncryption ring(String primary, String... ids) {
        SessionEncryption.Builder b = SessionEncryption.builder().primary(primary);
        for (String id : ids) {
            b.key(id, key(id.hashCode()));
        }
        return b.build();
    }

    private static SessionRecord record(SessionKey key, String principal, String attributes) {
        return new SessionRecord(
                key, 1, NOW, NOW, Duration.ofMinutes(30), NOW.plus(Duration.ofMinutes(30)), principal, attributes);
    }

    private static SessionKey newKey() {
        return SessionId.generate().key();
    }

    @Test
    void roundTripHidesAttributesAndPrincipal() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey key = newKey();
        SessionRecord r = record(key, "alice@example.com", "{\"secret\":\"secret-value-123\",\"n\":[1,2.50]}");
        assertThat(store.create(r)).isTrue();

        SessionRecord loaded = store.load(key).orElseThrow();
        assertThat(loaded.principal()).isEqualTo("alice@example.com");
        assertThat(loaded.attributes()).isEqualTo(r.attributes());
        assertThat(raw.storedAttributes(key))
                .startsWith("{\"$enc\":\"1.k1.")
                .doesNotContain("secret-value-123")
                .doesNotContain(b64("secret-value-123".getBytes(StandardCharsets.UTF_8)));
        SessionRecord stored = raw.load(key).orElseThrow();
        assertThat(stored.principal()).startsWith("1.k1.").doesNotContain("alice");
    }

    @Test
    void rotationOldKeyDecryptsNewKeyEncrypts() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKey key = newKey();
        ring("old", "old").wrap(raw).create(record(key, "bob", "{\"a\":1}"));

        SessionStore rotated = ring("new", "old", "new").wrap(raw);
        SessionRecord loaded = rotated.load(key).orElseThrow();
        assertThat(loaded.attributes()).isEqualTo("{\"a\":1}");
        assertThat(loaded.principal()).isEqualTo("bob");
        assertThat(rotated.replace(loaded.withVersion(2).withAttributes("{\"a\":2}"), 1))
                .isEqualTo(ReplaceResult.OK);
        assertThat(raw.storedAttributes(key)).startsWith("{\"$enc\":\"1.new.");
        assertThat(raw.load(key).orElseThrow().principal()).startsWith("1.new.");
        // Once every record was rewritten, the old key can go.
        assertThat(ring("new", "new").wrap(raw).load(key).orElseThrow().attributes())
                .isEqualTo("{\"a\":2}");
    }

    @Test
    void missingKeyIdIsUndecodableAndSaysWhich() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKey key = newKey();
        ring("gone", "gone").wrap(raw).create(record(key, null, "{\"a\":1}"));
        assertThatThrownBy(() -> ring("k1", "k1").wrap(raw).load(key))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("'gone'")
                .hasMessageContaining(key.shortForm());
    }

    @Test
    void wrongKeyUnderTheSameIdIsUndecodable() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKey key = newKey();
        SessionEncryption.builder().key("k1", key(1)).build().wrap(raw).create(record(key, null, "{\"a\":1}"));
        SessionStore other =
                SessionEncryption.builder().key("k1", key(2)).build().wrap(raw);
        assertThatThrownBy(() -> other.load(key))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("do not decrypt");
    }

    @Test
    void ciphertextMovedToAnotherSessionIsUndecodable() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey victim = newKey();
        SessionKey attacker = newKey();
        store.create(record(victim, "alice", "{\"role\":\"admin\"}"));
        SessionRecord stolen = raw.load(victim).orElseThrow();
        raw.create(stolen.withKey(attacker));
        assertThatThrownBy(() -> store.load(attacker))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("moved from another session");
    }

    @Test
    void principalCopiedFromAnotherRecordIsUndecodable() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey alice = newKey();
        SessionKey mallory = newKey();
        store.create(record(alice, "alice", "{}"));
        store.create(record(mallory, "mallory", "{}"));
        String alicePrincipal = raw.load(alice).orElseThrow().principal();
        SessionRecord forged = raw.load(mallory).orElseThrow().withVersion(2).withPrincipal(alicePrincipal);
        assertThat(raw.replace(forged, 1)).isEqualTo(ReplaceResult.OK);
        assertThatThrownBy(() -> store.load(mallory))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("principal");
    }

    @Test
    void tamperedByteIsUndecodable() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey key = newKey();
        store.create(record(key, null, "{\"a\":1}"));
        SessionRecord stored = raw.load(key).orElseThrow();
        String sealed = stored.attributes();
        int at = sealed.length() - 10;
        char flipped = sealed.charAt(at) == 'A' ? 'B' : 'A';
        String tampered = sealed.substring(0, at) + flipped + sealed.substring(at + 1);
        raw.replace(stored.withVersion(2).withAttributes(tampered), 1);
        assertThatThrownBy(() -> store.load(key)).isInstanceOf(SessionCodecException.class);
    }

    @Test
    void plaintextRecordIsUndecodableUnlessReadPlaintext() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKey key = newKey();
        raw.create(record(key, "carol", "{\"a\":1}"));
        assertThatThrownBy(() -> ring("k1", "k1").wrap(raw).load(key))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining(SessionEncryption.READ_PLAINTEXT_KEY);
        SessionStore lenient = SessionEncryption.builder()
                .key("k1", key(1))
                .readPlaintext(true)
                .build()
                .wrap(raw);
        SessionRecord old = lenient.load(key).orElseThrow();
        assertThat(old.principal()).isEqualTo("carol");
        lenient.replace(old.withVersion(2), 1);
        assertThat(raw.storedAttributes(key)).startsWith("{\"$enc\":\"1.k1.");
    }

    @Test
    void managerTreatsUndecodableAsAbsentWithTheUsualLogLine() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionManager writer = SessionManager.builder(raw)
                .clock(CLOCK)
                .encryption(ring("a", "a"))
                .build();
        Session s = writer.create();
        s.setAttribute("x", 1);
        writer.save(s);
        SessionManager reader = SessionManager.builder(raw)
                .clock(CLOCK)
                .encryption(ring("b", "b"))
                .build();
        try (LogCapture log = LogCapture.of("io.sessionkit")) {
            assertThat(reader.find(s.id().value())).isEmpty();
            assertThat(log.warnings()).anySatisfy(w -> assertThat(w).contains("undecodable record treated as absent"));
        }
        SessionManager strict = SessionManager.builder(raw)
                .clock(CLOCK)
                .encryption(ring("b", "b"))
                .decodeFailurePolicy(DecodeFailurePolicy.FAIL)
                .build();
        assertThatThrownBy(() -> strict.find(s.id().value())).isInstanceOf(SessionCodecException.class);
    }

    @Test
    void expiredSessionsReportTheirPrincipalAndRemoveTheStoredOne() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey key = newKey();
        Instant past = NOW.minus(Duration.ofHours(1));
        store.create(new SessionRecord(key, 1, past, past, Duration.ofMinutes(30), past, "ivan", "{}"));
        List<ExpiredSession> claimed = store.claimExpired(10, Duration.ofMinutes(1));
        assertThat(claimed).containsExactly(new ExpiredSession(key, "ivan", past));
        store.removeExpired(claimed);
        assertThat(raw.storedAttributes(key)).isNull();
    }

    @Test
    void configReadsKeysPrimaryAndFileAndNeverEchoesAKey(@TempDir Path dir) throws Exception {
        String k1 = b64(key(1));
        String k2 = b64(key(2));
        SessionEncryption e = SessionEncryption.fromConfig(SessionKitConfig.of(Map.of(
                        "sessionkit.encryption.keys",
                        "k1=" + k1 + ", k2=" + k2,
                        "sessionkit.encryption.primary",
                        "k2")))
                .orElseThrow();
        assertThat(e.primaryKeyId()).isEqualTo("k2");
        assertThat(e.keyIds()).containsExactlyInAnyOrder("k1", "k2");
        assertThat(e.toString()).doesNotContain(k1).doesNotContain(k2);

        Path file = Files.writeString(dir.resolve("keys"), "# ring\nold=" + k1 + "\n\nnew=" + k2 + "\n");
        SessionEncryption fromFile = SessionEncryption.fromConfig(SessionKitConfig.of(Map.of(
                        "sessionkit.encryption.keys-file", file.toString(), "sessionkit.encryption.primary", "new")))
                .orElseThrow();
        assertThat(fromFile.keyIds()).containsExactlyInAnyOrder("old", "new");

        assertThat(SessionEncryption.fromConfig(SessionKitConfig.of(Map.of()))).isEmpty();
    }

    @Test
    void badConfigNamesEveryProblemAndNoSecret() {
        String shortKey = b64(new byte[16]);
        String good = b64(key(3));
        assertThatThrownBy(() -> SessionEncryption.fromConfig(SessionKitConfig.of(Map.of(
                        "sessionkit.encryption.keys",
                        "k1=" + shortKey + ",bad.id=" + good + ",k3=" + good + ",k3=" + good + ",noequals",
                        "sessionkit.encryption.primary",
                        "k3"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k1' is 16 bytes")
                .hasMessageContaining("entry 2")
                .hasMessageContaining("'k3' appears twice")
                .hasMessageContaining("entry 5 is not id=base64-key")
                .hasMessageNotContaining(shortKey)
                .hasMessageNotContaining(good);
        assertThatThrownBy(() -> SessionEncryption.fromConfig(
                        SessionKitConfig.of(Map.of("sessionkit.encryption.keys", "a=" + good + ",b=" + good))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.encryption.primary");
        assertThatThrownBy(() -> SessionEncryption.fromConfig(SessionKitConfig.of(
                        Map.of("sessionkit.encryption.keys", "a=" + good, "sessionkit.encryption.primary", "zz"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'zz' is not among the keys");
        assertThatThrownBy(() -> SessionEncryption.fromConfig(
                        SessionKitConfig.of(Map.of("sessionkit.encryption.primary", "k1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encryption is off");
    }

    @Test
    void builderFromConfigEncryptsTheStore() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKitConfig config = SessionKitConfig.of(Map.of("sessionkit.encryption.keys", "k9=" + b64(key(9))));
        try (SessionManager m = SessionManager.builder(config).store(raw).build()) {
            Session s = m.create();
            s.setAttribute("secret", "secret-value-123");
            m.save(s);
            assertThat(raw.storedAttributes(s.id().key())).startsWith("{\"$enc\":\"1.k9.");
            assertThat(m.find(s.id().value()).orElseThrow().getAttribute("secret"))
                    .isEqualTo("secret-value-123");
        }
    }

    @Test
    void storeOpenedFromTheSameConfigIsEncryptedOnce() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionKitConfig config = SessionKitConfig.of(Map.of("sessionkit.encryption.keys", "k9=" + b64(key(9))));
        SessionStore opened = SessionEncryption.fromConfig(config).orElseThrow().wrap(raw);
        try (SessionManager m = SessionManager.builder(config).store(opened).build()) {
            Session s = m.create();
            m.save(s);
            assertThat(m.find(s.id().value())).isPresent();
            assertThat(raw.storedAttributes(s.id().key())).startsWith("{\"$enc\":\"1.k9.");
        }
        assertThatThrownBy(() -> SessionManager.builder(opened)
                        .encryption(ring("k1", "k1"))
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void principalTooLongToStoreWholeKeepsItsSivAndStillReads() {
        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        SessionStore store = ring("k1", "k1").wrap(raw);
        SessionKey key = newKey();
        String user = "x".repeat(200);
        Instant past = NOW.minus(Duration.ofHours(1));
        store.create(record(key, user, "{}"));
        String stored = raw.load(key).orElseThrow().principal();
        assertThat(stored).startsWith("1.k1.~").hasSizeLessThanOrEqualTo(256);
        assertThat(store.load(key).orElseThrow().principal()).isEqualTo(user);

        SessionKey expired = newKey();
        store.create(new SessionRecord(expired, 1, past, past, Duration.ofMinutes(30), past, user, "{}"));
        assertThat(store.claimExpired(10, Duration.ofMinutes(1)))
                .containsExactly(new ExpiredSession(expired, null, past));
    }

    // ---------------------------------------------------------------- docs/FORMAT.md, "Encrypted attributes"

    /** The inputs of the test vector in docs/FORMAT.md. */
    private static final SessionKey VECTOR_KEY = new SessionKey(SessionKey.hash("sessionkit test vector"));

    private static final String VECTOR_PLAINTEXT = "{\"p\":\"alice@example.com\",\"a\":{\"cart\":[\"apple\"]}}";
    /** Made by the Python script in docs/FORMAT.md (the `cryptography` package), not by this code. */
    private static final String VECTOR_ATTRIBUTES =
            "1.k1.oKGio6Slpqeoqaqrm1WYNa0uLsuB3GNu1EIAuBXs4VN5QSajgIVeqObeUocjs0gKRe7s17Li0T24Gp92umAjWlJ4B9K0QFgmDPOreQ";

    private static final String VECTOR_PRINCIPAL = "1.k1.cWpSMrIfqMQCj6iXLtCkukUq8Hx0CSys8uK3reqWJgHu";

    private static SessionEncryption vectorRing() {
        return SessionEncryption.builder().key("k1", key(0)).build();
    }

    private static byte[] vectorNonce() {
        byte[] nonce = new byte[12];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = (byte) (0xa0 + i);
        }
        return nonce;
    }

    @Test
    void testVectorOfFormatMd() {
        SessionEncryption e = vectorRing();
        assertThat(e.sealAttributes(VECTOR_KEY, VECTOR_PLAINTEXT.getBytes(StandardCharsets.UTF_8), vectorNonce()))
                .isEqualTo(VECTOR_ATTRIBUTES);
        assertThat(e.sealPrincipal("alice@example.com")).isEqualTo(VECTOR_PRINCIPAL);

        EnvelopeMapStore raw = new EnvelopeMapStore(CLOCK);
        raw.create(record(VECTOR_KEY, VECTOR_PRINCIPAL, "{\"$enc\":\"" + VECTOR_ATTRIBUTES + "\"}"));
        SessionRecord loaded = e.wrap(raw).load(VECTOR_KEY).orElseThrow();
        assertThat(loaded.principal()).isEqualTo("alice@example.com");
        assertThat(loaded.attributes()).isEqualTo("{\"cart\":[\"apple\"]}");
    }
}
