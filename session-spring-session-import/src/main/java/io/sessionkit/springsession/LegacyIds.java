package io.sessionkit.springsession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/** Spring Session ids as its cookie carries them, and how they may appear in a log line. */
final class LegacyIds {
    /** Spring Session's default ids ({@code UuidSessionIdGenerator}): a UUID in its 36-character text form. */
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Any id a custom {@code SessionIdGenerator} could reasonably make; nothing else is looked up. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Base64 of the longest accepted id, so an oversized value is refused before decoding. */
    private static final int MAX_COOKIE_LENGTH = 4 * ((128 + 2) / 3);

    private LegacyIds() {}

    /**
     * The Spring Session id a cookie value carries: Spring Session's {@code DefaultCookieSerializer} writes the id in
     * standard Base64 (48 characters for a UUID); with {@code useBase64Encoding=false} it writes the UUID itself. Empty
     * for anything else, which is then never looked up.
     */
    static Optional<String> fromCookie(String value) {
        if (UUID.matcher(value).matches()) {
            return Optional.of(value);
        }
        if (value.isEmpty() || value.length() > MAX_COOKIE_LENGTH) {
            return Optional.empty();
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return ID.matcher(decoded).matches() ? Optional.of(decoded) : Optional.empty();
    }

    /** What a log line may show of a legacy id: the first 8 characters of its SHA-256, as for SessionKit's keys. */
    static String fingerprint(String id) {
        return hash(id).substring(0, 8);
    }

    /** The whole SHA-256 of {@code id}, URL-safe Base64: names SessionKit's own keys beside the record. */
    static String hash(String id) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }
}
