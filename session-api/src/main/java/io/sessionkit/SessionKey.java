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

    public SessionKey {
        Objects.requireNonNull(value, "value");
        if (value.length() != LENGTH || !value.chars().allMatch(SessionKey::isKeyChar)) {
            throw new IllegalArgumentException("not a hashed session key: must be 43 base64url characters");
        }
    }

    /** The key for a raw id. Callers normally use {@link SessionId#key()}. */
    static SessionKey of(String rawId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(rawId.getBytes(StandardCharsets.US_ASCII));
            return new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
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
