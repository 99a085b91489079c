package io.sessionkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Objects;

/**
 * The key a backend stores a session under: {@code base64url(SHA-256(id))} without padding, always 43 characters of
 * {@code [A-Za-z0-9_-]}. A dump of the store never yields a usable token, and the key is safe in any key space
 * (memcached, Redis, SQL) without escaping.
 *
 * @param value the 43-character hashed key
 */
public record SessionKey(String value) {
    /** Length of every key in characters. */
    public static final int LENGTH = 43;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final MessageDigest SHA256;

    static {
        try {
            SHA256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ExceptionInInitializerError(
                    new IllegalStateException("SHA-256 is required of every Java platform", e));
        }
    }

    public SessionKey {
        Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException("not a hashed session key: must be 43 base64url characters");
        }
    }

    /** The key for a raw id. Callers normally use {@link SessionId#key()}. */
    static SessionKey of(String rawId) {
        // Ids are ASCII, so their UTF-8 bytes are their ASCII bytes.
        return new SessionKey(hash(rawId));
    }

    /**
     * {@code base64url(SHA-256(UTF-8 text))} without padding, the hashing of session keys applied to any text. For
     * backend authors who key something else by a hashed name (a principal index), so no name is stored in clear.
     */
    public static String hash(String text) {
        return ENCODER.encodeToString(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A fresh SHA-256 digest, cloned from a prototype that is never used itself: {@code MessageDigest.getInstance}
     * looks the algorithm up among the security providers and constructs the implementation reflectively on every
     * call, on the path of every request.
     */
    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA256.clone();
        } catch (CloneNotSupportedException e) {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException impossible) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", impossible);
            }
        }
    }

    private static boolean isWellFormed(String value) {
        if (value.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            if (!isKeyChar(value.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The first 8 characters: enough to find a session in logs, useless as a token. */
    public String shortForm() {
        return value.substring(0, 8);
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    @Override
    public String toString() {
        return value;
    }
}
