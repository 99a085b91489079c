package io.sessionkit;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A session id as the client holds it: 32 characters of URL-safe base64 (no padding) encoding 192 bits from
 * {@link SecureRandom}.
 *
 * <p>The raw value lives only in the cookie or header and in memory. It is never stored, never logged and never
 * handed to a backend: backends see {@link #key()}, its SHA-256. {@link #toString()} prints the key's short form,
 * so a stray log line leaks nothing usable.
 */
public final class SessionId {
    /** Length in characters of every valid id. */
    public static final int LENGTH = 32;

    private static final int RANDOM_BYTES = 24;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String value;
    private final SessionKey key;

    private SessionId(String value) {
        this.value = value;
        this.key = SessionKey.of(value);
    }

    /** A fresh id from the shared {@link SecureRandom}. */
    public static SessionId generate() {
        return generate(RANDOM);
    }

    /** A fresh id from the given source of randomness. */
    public static SessionId generate(SecureRandom random) {
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new SessionId(ENCODER.encodeToString(bytes));
    }

    /**
     * Parses an id presented by a client. Anything that is not exactly 32 characters of {@code [A-Za-z0-9_-]} is
     * empty, so malformed input never reaches a backend, a key or a log.
     *
     * @param raw the presented value, may be null
     */
    public static Optional<SessionId> parse(@Nullable String raw) {
        return raw != null && isWellFormed(raw) ? Optional.of(new SessionId(raw)) : Optional.empty();
    }

    /** Whether {@code raw} has the shape of an id; says nothing of whether it was issued. */
    public static boolean isWellFormed(@Nullable String raw) {
        if (raw == null || raw.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = raw.charAt(i);
            boolean ok =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The raw id, for the cookie or header only. */
    public String value() {
        return value;
    }

    /** The hashed key backends store it under. */
    public SessionKey key() {
        return key;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof SessionId other
                && java.security.MessageDigest.isEqual(
                        value.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        other.value.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    /** Redacted: the hashed key's short form, never the raw id. */
    @Override
    public String toString() {
        return "SessionId[" + key.shortForm() + "]";
    }
}
