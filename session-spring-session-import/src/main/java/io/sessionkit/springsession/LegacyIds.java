package io.sessionkit.springsession;

import io.sessionkit.SessionId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/** Spring Session ids as its cookie carries them, and how they may appear in a log line. */
final class LegacyIds {
    /** Spring Session's default ids ({@code UuidSessionIdGenerator}): a UUID in its 36-character text form. */
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Any id a custom {@code SessionIdGenerator} could reasonably make; nothing else is looked up. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    /** Base64 of the longest accepted id, so an oversized value is refused before decoding. */
    private static final int MAX_COOKIE_LENGTH = 4 * ((128 + 2) / 3);

    private static final int IV_BYTES = 12;
    private static final int TAG_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /**
     * The SessionKit id a legacy record was imported as, sealed for the forward that SessionKit keeps beside the legacy
     * records for a few seconds: AES-256-GCM under a key derived from the legacy id (SHA-256 of a label and the id),
     * random 96-bit IV, URL-safe Base64 of IV and ciphertext (80 characters for a 32-character id). Only a request
     * presenting the legacy id can open it, so someone who can read the legacy store after the legacy record is gone
     * finds no usable session id there.
     */
    static String seal(String legacyId, String sessionKitId) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, legacyId, iv, sessionKitId.getBytes(StandardCharsets.UTF_8));
        byte[] out = new byte[IV_BYTES + sealed.length];
        System.arraycopy(iv, 0, out, 0, IV_BYTES);
        System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }

    /**
     * The id {@link #seal} sealed for {@code legacyId}; null when {@code sealed} was not sealed for it (or altered).
     * A value as long as a SessionKit id is such an id, as earlier versions wrote it.
     */
    static @Nullable String unseal(String legacyId, String sealed) {
        if (sealed.length() == SessionId.LENGTH) {
            // Written unsealed by a node of an earlier version, during a rolling upgrade (a sealed id is 80 long).
            return sealed;
        }
        byte[] in;
        try {
            in = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (in.length <= IV_BYTES + TAG_BYTES) {
            return null;
        }
        try {
            byte[] plain = crypt(
                    Cipher.DECRYPT_MODE,
                    legacyId,
                    Arrays.copyOf(in, IV_BYTES),
                    Arrays.copyOfRange(in, IV_BYTES, in.length));
            return new String(plain, StandardCharsets.UTF_8);
        } catch (IllegalStateException e) {
            return null;
        }
    }

    private static byte[] crypt(int mode, String legacyId, byte[] iv, byte[] input) {
        try {
            byte[] key = MessageDigest.getInstance("SHA-256")
                    .digest(("sessionkit-import-forward\0" + legacyId).getBytes(StandardCharsets.UTF_8));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BYTES * 8, iv));
            return cipher.doFinal(input);
        } catch (AEADBadTagException e) {
            throw new IllegalStateException("not sealed for this id", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM and SHA-256 are required JDK algorithms", e);
        }
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
