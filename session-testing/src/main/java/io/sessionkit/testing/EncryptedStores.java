package io.sessionkit.testing;

import io.sessionkit.SessionEncryption;
import io.sessionkit.SessionStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The conformance kit with encryption on: each backend's encrypted conformance class wraps the store it made with
 * {@link #wrap} and hands its backdoor the backend underneath ({@link #inner}), so the rules that look at what was
 * really stored see the encrypted records. The ring has two keys and encrypts with the second, so lookups by principal
 * go through every key of a ring, as during a rotation.
 */
public final class EncryptedStores {
    /** The kit's key ring: {@code kit-old} decrypts, {@code kit-new} encrypts. Test keys, never for production. */
    public static final SessionEncryption ENCRYPTION = SessionEncryption.builder()
            .key("kit-old", key(1))
            .key("kit-new", key(101))
            .primary("kit-new")
            .build();

    private static final Map<SessionStore, SessionStore> INNER = Collections.synchronizedMap(new WeakHashMap<>());

    private EncryptedStores() {}

    private static byte[] key(int seed) {
        byte[] k = new byte[SessionEncryption.KEY_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (seed + 7 * i);
        }
        return k;
    }

    /** {@code backend} behind {@link #ENCRYPTION}, remembered for {@link #inner}. */
    public static SessionStore wrap(SessionStore backend) {
        SessionStore encrypted = ENCRYPTION.wrap(backend);
        INNER.put(encrypted, backend);
        return encrypted;
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

    /** The backend a store made by {@link #wrap} encrypts for, or {@code store} itself if it was not made so. */
    public static SessionStore inner(SessionStore store) {
        SessionStore backend = INNER.get(store);
        return backend == null ? store : backend;
    }
}
