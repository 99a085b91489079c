package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionEncryption;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionManager;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;

/**
 * The conformance kit with encryption on: each backend's encrypted conformance class returns
 * {@code ENCRYPTION::wrap} as the kit's {@code layer()}, and the kit hands the backdoor the backend underneath, so the
 * rules that look at what was really stored see the encrypted records. The ring has two keys and encrypts with the second, so lookups by principal
 * go through every key of a ring, as during a rotation.
 */
public final class EncryptedStores {
    /** The kit's key ring: {@code kit-old} decrypts, {@code kit-new} encrypts. Test keys, never for production. */
    public static final SessionEncryption ENCRYPTION = SessionEncryption.builder()
            .key("kit-old", key(1))
            .key("kit-new", key(101))
            .primary("kit-new")
            .build();

    private EncryptedStores() {}

    private static byte[] key(int seed) {
        byte[] k = new byte[SessionEncryption.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed + 7 * i);
        }
        return k;
    }

    /**
     * A {@code sessionkit.encryption.keys} value: one fresh random key, {@code rest1}. Test keys, never for production.
     */
    public static String randomKeySetting() {
        byte[] key = new byte[SessionEncryption.KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return "rest1=" + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Encryption at rest, checked end to end: saves a session with attribute {@code note=secret-value-123} and
     * principal {@code alice@example.com} through {@code manager} (opened with encryption on), then asserts that
     * {@code dump} (everything the backend holds, read raw, as text) names the session's hashed key but shows neither
     * value in any {@linkplain #readableForms readable form}, while the manager reads the attribute back and finds the
     * session by its principal. {@code what} names the dump in failure messages.
     */
    public static void assertSealedAtRest(SessionManager manager, String what, Supplier<String> dump) {
        Session s = manager.create();
        s.setAttribute("note", "secret-value-123");
        s.setPrincipal("alice@example.com");
        manager.save(s);

        String held = dump.get();
        assertThat(held).as(what).contains(s.id().key().value());
        for (String form : readableForms("secret-value-123")) {
            assertThat(held).as(what).doesNotContain(form);
        }
        for (String form : readableForms("alice@example.com")) {
            assertThat(held).as(what).doesNotContain(form);
        }
        assertThat(manager.find(s.id().value()).orElseThrow().getAttribute("note"))
                .isEqualTo("secret-value-123");
        assertThat(manager.findByPrincipal("alice@example.com"))
                .extracting(SessionInfo::key)
                .containsExactly(s.id().key());
    }

    /**
     * The forms in which {@code secret} would show in a dump if it were stored readable: the text itself, and its
     * UTF-8 bytes in standard and URL-safe base64 at each of the three alignments (the stable middle of each encoding,
     * so that the text being part of a longer encoded value is caught too).
     */
    public static List<String> readableForms(String secret) {
        List<String> forms = new ArrayList<>();
        forms.add(secret);
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder())) {
            for (int offset = 0; offset < 3; offset++) {
                byte[] shifted = new byte[offset + bytes.length];
                System.arraycopy(bytes, 0, shifted, offset, bytes.length);
                String encoded = encoder.encodeToString(shifted);
                String middle = encoded.substring(offset == 0 ? 0 : 4, encoded.length() - 4);
                if (middle.length() >= 8) {
                    forms.add(middle);
                }
            }
        }
        return forms;
    }
}
