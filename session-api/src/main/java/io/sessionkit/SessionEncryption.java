package io.sessionkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Authenticated encryption of what a store holds about a session: its attributes and its principal, under a key ring
 * (several keys by id, one of them, the primary, used to encrypt; all of them used to decrypt), so that a new primary
 * key logs nobody out. Turned on by {@code sessionkit.encryption.keys} (or {@code keys-file}); the exact stored form
 * is specified in {@code docs/FORMAT.md}, "Encrypted attributes", for readers in other languages.
 *
 * <ul>
 *   <li>Attributes and principal: AES-256-GCM with a random 96-bit nonce and a 128-bit tag; the record's hashed key is
 *       the associated data, so a ciphertext copied into another session's record does not decrypt.</li>
 *   <li>Stored principal: encrypted deterministically (SIV: AES-256-CTR under an IV that is an HMAC-SHA256 of the
 *       principal, checked on decryption), so the backend's principal index still finds every session of a user
 *       and the expiry sweep still reports who a session belonged to; equal principals have equal stored forms.</li>
 * </ul>
 *
 * <p>What it does not hide: the hashed key, times, version, sizes, and which sessions share a principal.
 * A record that does not decrypt (unknown key id, wrong key, moved, tampered) is undecodable: {@link SessionStore#load}
 * throws {@link SessionCodecException}, handled by the manager's {@link DecodeFailurePolicy}. Key material never
 * appears in {@link #toString()} or in an error. Immutable and thread-safe.
 */
public final class SessionEncryption {
    /** The length of every key: 32 bytes (AES-256). */
    public static final int KEY_BYTES = 32;
    /** The longest key id. */
    public static final int MAX_KEY_ID_LENGTH = 32;

    static final String PREFIX_KEY = "sessionkit.encryption.";
    static final String KEYS_KEY = PREFIX_KEY + "keys";
    static final String KEYS_FILE_KEY = PREFIX_KEY + "keys-file";
    static final String PRIMARY_KEY = PREFIX_KEY + "primary";
    static final String READ_PLAINTEXT_KEY = PREFIX_KEY + "read-plaintext";
    /** The configuration keys this class reads. */
    static final Set<String> CONFIG_KEYS = Set.of(KEYS_KEY, KEYS_FILE_KEY, PRIMARY_KEY, READ_PLAINTEXT_KEY);

    /** The format version that starts every encrypted value. */
    static final String VERSION = "1";

    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;
    static final int SIV_BYTES = 16;
    /** The longest stored principal: what a JDBC {@code principal} column holds. */
    static final int MAX_STORED_PRINCIPAL = 256;
    /** Starts the payload of a stored principal that is the SIV alone (the principal was too long to store whole). */
    static final String DIGEST_ONLY = "~";

    private static final byte[] ATTRIBUTES_INFO = "sessionkit attributes 1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRINCIPAL_MAC_INFO = "sessionkit principal mac 1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRINCIPAL_ENC_INFO = "sessionkit principal enc 1".getBytes(StandardCharsets.US_ASCII);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The keys derived from one configured key: one per purpose, so no key is used by two algorithms. */
    private record Ring(SecretKeySpec attributes, SecretKeySpec principalMac, SecretKeySpec principalEnc) {}

    private final Map<String, Ring> ring;
    private final String primary;
    private final Ring primaryRing;
    private final boolean readPlaintext;

    private SessionEncryption(Builder b) {
        Map<String, Ring> r = new LinkedHashMap<>();
        b.keys.forEach((id, key) -> r.put(id, derive(key)));
        this.ring = r;
        this.primary = Objects.requireNonNull(b.primary);
        this.primaryRing = Objects.requireNonNull(r.get(primary));
        this.readPlaintext = b.readPlaintext;
    }

    /** A builder; at least one key is needed. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The encryption {@code sessionkit.encryption.*} configures, or empty when neither {@code keys} nor
     * {@code keys-file} is set.
     *
     * @throws IllegalArgumentException naming every bad key at once, never a key's value
     */
    public static Optional<SessionEncryption> fromConfig(SessionKitConfig config) {
        Objects.requireNonNull(config, "config");
        Optional<String> inline = config.string(KEYS_KEY);
        Optional<String> file = config.string(KEYS_FILE_KEY);
        if (inline.isEmpty() && file.isEmpty()) {
            for (String other : List.of(PRIMARY_KEY, READ_PLAINTEXT_KEY)) {
                if (config.string(other).isPresent()) {
                    throw new IllegalArgumentException(
                            other + " is set but encryption is off: set " + KEYS_KEY + " or " + KEYS_FILE_KEY);
                }
            }
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        Builder b = builder();
        if (inline.isPresent() && file.isPresent()) {
            problems.add(KEYS_KEY + " and " + KEYS_FILE_KEY + " are both set: set one");
        } else if (inline.isPresent()) {
            parseKeys(KEYS_KEY, List.of(inline.get().split(",", -1)), b, problems);
        } else {
            List<String> lines = List.of();
            try {
                lines = Files.readAllLines(Path.of(file.get()), StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                problems.add(KEYS_FILE_KEY + ": cannot read '" + file.get() + "': "
                        + e.getClass().getSimpleName());
            }
            List<String> entries = new ArrayList<>();
            for (String line : lines) {
                String t = line.trim();
                entries.add(t.startsWith("#") ? "" : t);
            }
            parseKeys(KEYS_FILE_KEY, entries, b, problems);
        }
        config.string(PRIMARY_KEY).ifPresent(b::primary);
        try {
            b.readPlaintext(config.bool(READ_PLAINTEXT_KEY, false));
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (problems.isEmpty()) {
            try {
                return Optional.of(b.build());
            } catch (IllegalArgumentException e) {
                problems.add(PRIMARY_KEY + ": " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("Invalid encryption configuration: " + String.join("; ", problems));
    }

    /** Reads {@code id=base64} entries (blank ones skipped) into {@code b}; problems name the entry, not its value. */
    private static void parseKeys(String source, List<String> entries, Builder b, List<String> problems) {
        int n = 0;
        for (String raw : entries) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            n++;
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                problems.add(source + ": entry " + n + " is not id=base64-key (value not shown)");
                continue;
            }
            String id = entry.substring(0, eq).trim();
            String problem = keyIdProblem(id);
            if (problem != null) {
                problems.add(source + ": entry " + n + ": " + problem);
                continue;
            }
            byte[] key;
            try {
                key = decodeKey(entry.substring(eq + 1).trim());
            } catch (IllegalArgumentException e) {
                problems.add(source + ": key '" + id + "' is not base64 (value not shown)");
                continue;
            }
            if (key.length != KEY_BYTES) {
                problems.add(source + ": key '" + id + "' is " + key.length + " bytes; it must be " + KEY_BYTES
                        + " (e.g. openssl rand -base64 32)");
                continue;
            }
            if (b.keys.containsKey(id)) {
                problems.add(source + ": key id '" + id + "' appears twice");
                continue;
            }
            b.key(id, key);
        }
        if (n == 0) {
            problems.add(source + ": no key given (id=base64-key, comma-separated or one a line)");
        }
    }

    /** Standard or URL-safe base64, padded or not. */
    private static byte[] decodeKey(String text) {
        boolean url = text.indexOf('-') >= 0 || text.indexOf('_') >= 0;
        return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
    }

    private static @Nullable String keyIdProblem(String id) {
        if (id.isEmpty() || id.length() > MAX_KEY_ID_LENGTH) {
            return "a key id is 1.." + MAX_KEY_ID_LENGTH + " characters";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return "key id '" + printable(id) + "' may hold only A-Z, a-z, 0-9, - and _";
            }
        }
        return null;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(MAX_KEY_ID_LENGTH).forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return sb.toString();
    }

    /**
     * {@code store} behind this encryption: records are encrypted on the way in and decrypted on the way out. Closing
     * the result closes {@code store}.
     */
    public SessionStore wrap(SessionStore store) {
        return new EncryptingStore(Objects.requireNonNull(store, "store"), this);
    }

    /** The id of the key new records are encrypted with. */
    public String primaryKeyId() {
        return primary;
    }

    /** The ids of every key that decrypts, in configuration order. */
    public Set<String> keyIds() {
        return Set.copyOf(ring.keySet());
    }

    /** Whether records stored before encryption was turned on (attributes not encrypted) are read as they are. */
    public boolean readsPlaintext() {
        return readPlaintext;
    }

    @Override
    public String toString() {
        return "SessionEncryption[primary=" + primary + ", keys=" + ring.keySet() + ", readPlaintext=" + readPlaintext
                + "]";
    }

    // ---------------------------------------------------------------- the format (docs/FORMAT.md)

    /** {@code 1.<keyId>.<base64url(nonce | ciphertext | tag)>} of {@code plaintext}, bound to {@code key}. */
    String sealAttributes(SessionKey key, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        return sealAttributes(key, plaintext, nonce);
    }

    /** As {@link #sealAttributes(SessionKey, byte[])} with a given nonce: for the test vector only. */
    String sealAttributes(SessionKey key, byte[] plaintext, byte[] nonce) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, primaryRing.attributes, new GCMParameterSpec(TAG_BYTES * 8, nonce));
            c.updateAAD(key.value().getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = c.doFinal(plaintext);
            byte[] out = new byte[NONCE_BYTES + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return VERSION + "." + primary + "." + B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is required of every Java platform", e);
        }
    }

    /**
     * The plaintext of a {@link #sealAttributes} value stored under {@code key}.
     *
     * @throws SessionCodecException if it does not decrypt, saying why without key material
     */
    byte[] openAttributes(SessionKey key, String sealed) {
        Parsed p = parse(key, sealed, NONCE_BYTES + TAG_BYTES, "attributes", false);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    p.ring.attributes,
                    new GCMParameterSpec(TAG_BYTES * 8, p.bytes, 0, NONCE_BYTES));
            c.updateAAD(key.value().getBytes(StandardCharsets.US_ASCII));
            return c.doFinal(p.bytes, NONCE_BYTES, p.bytes.length - NONCE_BYTES);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SessionCodecException(
                    "record " + key.shortForm() + ": encrypted attributes do not decrypt with key '" + p.keyId
                            + "' (wrong key, tampered, or moved from another session)");
        } catch (GeneralSecurityException e) {
            throw new SessionCodecException("record " + key.shortForm() + ": encrypted attributes do not decrypt", e);
        }
    }

    /** The stored form of {@code principal} under the primary key: deterministic, so the backend's index matches. */
    String sealPrincipal(String principal) {
        return sealPrincipal(primary, principal);
    }

    /** The stored form of {@code principal} under every key of the ring: what a lookup by principal asks for. */
    List<String> sealPrincipalUnderEveryKey(String principal) {
        List<String> out = new ArrayList<>();
        for (String id : ring.keySet()) {
            out.add(sealPrincipal(id, principal));
        }
        return out;
    }

    private String sealPrincipal(String keyId, String principal) {
        Ring r = Objects.requireNonNull(ring.get(keyId), keyId);
        byte[] plain = principal.getBytes(StandardCharsets.UTF_8);
        byte[] siv = Arrays.copyOf(hmac(r.principalMac, plain), SIV_BYTES);
        byte[] out = new byte[SIV_BYTES + plain.length];
        System.arraycopy(siv, 0, out, 0, SIV_BYTES);
        System.arraycopy(ctr(r.principalEnc, siv, plain), 0, out, SIV_BYTES, plain.length);
        String sealed = VERSION + "." + keyId + "." + B64.encodeToString(out);
        // Over the longest principal a backend stores (a JDBC column of 256): the SIV alone, still what lookups match.
        return sealed.length() <= MAX_STORED_PRINCIPAL
                ? sealed
                : VERSION + "." + keyId + "." + DIGEST_ONLY + B64.encodeToString(siv);
    }

    /**
     * Whether {@code stored} is the stored form of {@code principal} under the key it names: how a read checks that
     * the stored principal belongs with the attributes.
     *
     * @throws SessionCodecException if {@code stored} names a key that is not in the ring or is malformed
     */
    boolean principalMatches(SessionKey key, String stored, String principal) {
        Parsed p = parse(key, stored, 0, "principal", true);
        byte[] expected = sealPrincipal(p.keyId, principal).getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, stored.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The principal a {@link #sealPrincipal} value holds, or {@code null} for the form of a principal too long to be
     * stored whole (the SIV alone, which only matches).
     *
     * @throws SessionCodecException if it does not decrypt
     */
    @Nullable
    String openPrincipal(SessionKey key, String sealed) {
        Parsed p = parse(key, sealed, SIV_BYTES, "principal", true);
        if (p.digestOnly) {
            return null;
        }
        byte[] siv = Arrays.copyOf(p.bytes, SIV_BYTES);
        byte[] plain = ctr(p.ring.principalEnc, siv, Arrays.copyOfRange(p.bytes, SIV_BYTES, p.bytes.length));
        byte[] expected = Arrays.copyOf(hmac(p.ring.principalMac, plain), SIV_BYTES);
        if (!MessageDigest.isEqual(expected, siv)) {
            throw new SessionCodecException("record " + key.shortForm()
                    + ": encrypted principal does not decrypt with key '" + p.keyId + "' (wrong key or tampered)");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(plain))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new SessionCodecException("record " + key.shortForm() + ": encrypted principal is not UTF-8", e);
        }
    }

    /** Whether {@code text} has the shape of a sealed value (version, key id, payload), whatever its key. */
    static boolean looksSealed(String text) {
        return text.startsWith(VERSION + ".") && text.indexOf('.', VERSION.length() + 1) > 0;
    }

    private static final class Parsed {
        final String keyId;
        final Ring ring;
        final byte[] bytes;
        final boolean digestOnly;

        Parsed(String keyId, Ring ring, byte[] bytes, boolean digestOnly) {
            this.keyId = keyId;
            this.ring = ring;
            this.bytes = bytes;
            this.digestOnly = digestOnly;
        }
    }

    private Parsed parse(SessionKey key, String sealed, int minBytes, String what, boolean principal) {
        int first = sealed.indexOf('.');
        int second = first < 0 ? -1 : sealed.indexOf('.', first + 1);
        if (first < 0 || second < 0 || !sealed.substring(0, first).equals(VERSION)) {
            throw new SessionCodecException("record " + key.shortForm() + ": encrypted " + what + " is not in format "
                    + VERSION + " (<version>.<keyId>.<base64url>)");
        }
        String keyId = sealed.substring(first + 1, second);
        Ring r = ring.get(keyId);
        if (r == null) {
            throw new SessionCodecException("record " + key.shortForm() + ": " + what + " encrypted with key id '"
                    + printable(keyId) + "', which is not in " + KEYS_KEY + " (keys: " + ring.keySet() + ")");
        }
        String payload = sealed.substring(second + 1);
        boolean digestOnly = principal && payload.startsWith(DIGEST_ONLY);
        byte[] bytes;
        try {
            bytes = B64_DECODER.decode(digestOnly ? payload.substring(DIGEST_ONLY.length()) : payload);
        } catch (IllegalArgumentException e) {
            throw new SessionCodecException("record " + key.shortForm() + ": encrypted " + what + " is not base64url");
        }
        if (bytes.length < minBytes) {
            throw new SessionCodecException("record " + key.shortForm() + ": encrypted " + what + " is truncated");
        }
        return new Parsed(keyId, r, bytes, digestOnly);
    }

    // ---------------------------------------------------------------- primitives

    private static Ring derive(byte[] key) {
        SecretKeySpec master = new SecretKeySpec(key, "HmacSHA256");
        return new Ring(
                new SecretKeySpec(expand(master, ATTRIBUTES_INFO), "AES"),
                new SecretKeySpec(expand(master, PRINCIPAL_MAC_INFO), "HmacSHA256"),
                new SecretKeySpec(expand(master, PRINCIPAL_ENC_INFO), "AES"));
    }

    /** HKDF-Expand (RFC 5869) to 32 bytes, the configured key as the pseudorandom key: {@code HMAC(key, info | 0x01)}. */
    private static byte[] expand(SecretKeySpec prk, byte[] info) {
        byte[] data = Arrays.copyOf(info, info.length + 1);
        data[info.length] = 1;
        return hmac(prk, data);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    private static byte[] ctr(SecretKeySpec key, byte[] iv, byte[] data) {
        try {
            Cipher c = Cipher.getInstance("AES/CTR/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
            return c.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-CTR is required of every Java platform", e);
        }
    }

    /** Builds a {@link SessionEncryption}; keys are copied, never shown. */
    public static final class Builder {
        private final Map<String, byte[]> keys = new LinkedHashMap<>();
        private @Nullable String primary;
        private boolean readPlaintext;

        private Builder() {}

        /**
         * Adds a key that decrypts (and encrypts, if it is the primary).
         *
         * @param id  1..32 characters of {@code A-Z a-z 0-9 - _}; stored in every record it encrypts
         * @param key exactly {@value #KEY_BYTES} random bytes
         * @throws IllegalArgumentException on a bad id, a key of another length, or an id given twice
         */
        public Builder key(String id, byte[] key) {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(key, "key");
            String problem = keyIdProblem(id);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException(
                        "key '" + id + "' is " + key.length + " bytes; it must be " + KEY_BYTES);
            }
            if (keys.containsKey(id)) {
                throw new IllegalArgumentException("key id '" + id + "' given twice");
            }
            keys.put(id, key.clone());
            return this;
        }

        /** The id of the key that encrypts; optional when there is one key. */
        public Builder primary(String id) {
            this.primary = Objects.requireNonNull(id, "id");
            return this;
        }

        /**
         * Whether to read records whose attributes are not encrypted (written before encryption was turned on) as they
         * are, so that turning encryption on logs nobody out; they are encrypted at their next write. Default false:
         * such a record is undecodable. Their principal is not in the encrypted index until then.
         */
        public Builder readPlaintext(boolean read) {
            this.readPlaintext = read;
            return this;
        }

        /**
         * The encryption.
         *
         * @throws IllegalArgumentException if there is no key, or the primary is missing or unknown
         */
        public SessionEncryption build() {
            if (keys.isEmpty()) {
                throw new IllegalArgumentException("no key: add at least one");
            }
            if (primary == null) {
                if (keys.size() > 1) {
                    throw new IllegalArgumentException("several keys " + keys.keySet() + ": name the primary one");
                }
                primary = keys.keySet().iterator().next();
            }
            if (!keys.containsKey(primary)) {
                throw new IllegalArgumentException(
                        "primary key id '" + printable(primary) + "' is not among the keys " + keys.keySet());
            }
            return new SessionEncryption(this);
        }
    }
}
