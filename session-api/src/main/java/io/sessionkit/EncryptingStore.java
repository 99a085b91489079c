package io.sessionkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A store whose records are encrypted by a {@link SessionEncryption} before they reach {@code inner} and decrypted on
 * the way back; metadata (key, times, version) passes unchanged. Stored attributes are {@code {"$enc":"<sealed>"}},
 * the sealed plaintext being {@code {"p":<principal or null>,"a":<attributes>}}; the stored principal is the
 * principal sealed deterministically, checked against the one inside the attributes' ciphertext on every read, so a
 * principal copied from another record does not apply.
 */
final class EncryptingStore implements SessionStore {
    private static final System.Logger LOG = System.getLogger(EncryptingStore.class.getName());
    /** The one field of an encrypted attributes object. */
    static final String FIELD = "$enc";
    /** Claimed records whose stored principal is remembered for {@link #removeExpired}, at most. */
    private static final int MAX_REMEMBERED_CLAIMS = 10_000;

    private final SessionStore inner;
    private final SessionEncryption encryption;
    /** The stored principal of each claimed record, keyed by its key: what the backend needs back at removeExpired. */
    private final Map<SessionKey, String> claimedPrincipals = new ConcurrentHashMap<>();

    EncryptingStore(SessionStore inner, SessionEncryption encryption) {
        this.inner = inner;
        this.encryption = encryption;
    }

    @Override
    public Set<StoreFeature> features() {
        return inner.features();
    }

    @Override
    public boolean create(SessionRecord record) {
        SessionRecord sealed = seal(record);
        return tooLargeExplained(record, () -> inner.create(sealed));
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        Optional<SessionRecord> stored = inner.load(key);
        return stored.isEmpty() ? stored : Optional.of(open(stored.get()));
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        SessionRecord sealed = seal(record);
        return tooLargeExplained(record, () -> inner.replace(sealed, expectedVersion));
    }

    @Override
    public void delete(SessionKey key) {
        inner.delete(key);
    }

    @Override
    public ReplaceResult delete(SessionKey key, long expectedVersion) {
        return inner.delete(key, expectedVersion);
    }

    /**
     * One lookup per key of the ring (the stored principal depends on the key that sealed it), so sessions written
     * under a retired primary are still found; each result is decrypted and must hold {@code principal} itself.
     */
    @Override
    public List<SessionRecord> findByPrincipal(String principal) {
        Objects.requireNonNull(principal, "principal");
        Map<SessionKey, SessionRecord> found = new LinkedHashMap<>();
        for (String sealed : encryption.sealPrincipalUnderEveryKey(principal)) {
            for (SessionRecord r : inner.findByPrincipal(sealed)) {
                SessionRecord open = openOrSkip(r, "findByPrincipal");
                if (open != null && principal.equals(open.principal())) {
                    found.putIfAbsent(open.key(), open);
                }
            }
        }
        if (encryption.readsPlaintext()) {
            for (SessionRecord r : inner.findByPrincipal(principal)) {
                SessionRecord open = openOrSkip(r, "findByPrincipal");
                if (open != null && principal.equals(open.principal())) {
                    found.putIfAbsent(open.key(), open);
                }
            }
        }
        return List.copyOf(found.values());
    }

    @Override
    public int purgeExpired() {
        return inner.purgeExpired();
    }

    /** The principal of each claimed record decrypted; one whose principal does not decrypt is reported without. */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        List<ExpiredSession> claimed = inner.claimExpired(max, lease);
        List<ExpiredSession> out = new ArrayList<>(claimed.size());
        if (claimedPrincipals.size() + claimed.size() > MAX_REMEMBERED_CLAIMS) {
            // Claims never removed (a sweep that died): their leases ran out; a later claim returns them again.
            claimedPrincipals.clear();
        }
        for (ExpiredSession s : claimed) {
            String stored = s.principal();
            String principal = null;
            if (stored != null) {
                claimedPrincipals.put(s.key(), stored);
                principal = openPrincipalOrNull(s.key(), stored);
            }
            out.add(new ExpiredSession(s.key(), principal, s.expiresAt()));
        }
        return out;
    }

    @Override
    public void removeExpired(List<ExpiredSession> claimed) {
        List<ExpiredSession> stored = new ArrayList<>(claimed.size());
        for (ExpiredSession s : claimed) {
            String principal = claimedPrincipals.remove(s.key());
            if (principal == null && s.principal() != null) {
                // Claimed through another instance: the primary key's form is the likeliest stored one.
                principal = encryption.sealPrincipal(s.principal());
            }
            stored.add(new ExpiredSession(s.key(), principal, s.expiresAt()));
        }
        inner.removeExpired(stored);
    }

    /** Records that do not decrypt are left out of the page, logged as every backend logs undecodable ones. */
    @Override
    public ScanPage scan(@Nullable String cursor, int pageSize) {
        ScanPage page = inner.scan(cursor, pageSize);
        List<SessionRecord> open = new ArrayList<>(page.records().size());
        for (SessionRecord r : page.records()) {
            SessionRecord o = openOrSkip(r, "scan");
            if (o != null) {
                open.add(o);
            }
        }
        return new ScanPage(open, page.next());
    }

    @Override
    public void ping() {
        inner.ping();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "EncryptingStore[" + inner + ", " + encryption + "]";
    }

    // ---------------------------------------------------------------- records

    SessionRecord seal(SessionRecord r) {
        String principal = r.principal();
        String plaintext = "{\"p\":"
                + (principal == null
                        ? "null"
                        : Json.write(Json.MAPPER.getNodeFactory().textNode(principal))) + ",\"a\":" + r.attributes()
                + "}";
        String sealed = encryption.sealAttributes(r.key(), plaintext.getBytes(StandardCharsets.UTF_8));
        ObjectNode attributes = Json.MAPPER.createObjectNode().put(FIELD, sealed);
        return new SessionRecord(
                r.key(),
                r.version(),
                r.createdAt(),
                r.lastAccessedAt(),
                r.maxIdle(),
                r.expiresAt(),
                principal == null ? null : encryption.sealPrincipal(principal),
                Json.write(attributes));
    }

    /**
     * The decrypted record.
     *
     * @throws SessionCodecException if it does not decrypt, or its stored principal is not the one sealed with its
     *     attributes
     */
    SessionRecord open(SessionRecord stored) {
        SessionKey key = stored.key();
        String sealed = sealedAttributes(stored);
        if (sealed == null) {
            if (encryption.readsPlaintext()) {
                return stored;
            }
            throw new SessionCodecException("record " + key.shortForm()
                    + ": attributes are not encrypted (set " + SessionEncryption.READ_PLAINTEXT_KEY
                    + "=true to read records written before encryption was turned on)");
        }
        byte[] plaintext = encryption.openAttributes(key, sealed);
        ObjectNode inside;
        try {
            inside = Json.parseObject(new String(plaintext, StandardCharsets.UTF_8));
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SessionCodecException("record " + key.shortForm() + ": decrypted attributes are not JSON", e);
        }
        JsonNode a = inside.get("a");
        JsonNode p = inside.get("p");
        if (a == null || !a.isObject() || p == null || !(p.isNull() || p.isTextual())) {
            throw new SessionCodecException(
                    "record " + key.shortForm() + ": decrypted attributes lack \"a\" (object) or \"p\"");
        }
        String principal = p.isNull() ? null : p.asText();
        String storedPrincipal = stored.principal();
        boolean matches = storedPrincipal == null
                ? principal == null
                : principal != null && encryption.principalMatches(key, storedPrincipal, principal);
        if (!matches) {
            throw new SessionCodecException("record " + key.shortForm()
                    + ": the stored principal is not the one encrypted with the attributes");
        }
        return new SessionRecord(
                key,
                stored.version(),
                stored.createdAt(),
                stored.lastAccessedAt(),
                stored.maxIdle(),
                stored.expiresAt(),
                principal,
                Json.write(a));
    }

    /** The sealed text if the attributes are {@code {"$enc":"..."}}; null if they are something else. */
    private static @Nullable String sealedAttributes(SessionRecord stored) {
        ObjectNode attributes;
        try {
            attributes = Json.parseObject(stored.attributes());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new SessionCodecException("record " + stored.key().shortForm() + " has unreadable attributes", e);
        }
        JsonNode enc = attributes.get(FIELD);
        if (attributes.size() == 1 && enc != null && enc.isTextual()) {
            return enc.asText();
        }
        return null;
    }

    private @Nullable SessionRecord openOrSkip(SessionRecord stored, String operation) {
        try {
            return open(stored);
        } catch (SessionCodecException e) {
            StoreFailures.skipped(LOG, "encryption", operation, stored.key(), e);
            return null;
        }
    }

    private @Nullable String openPrincipalOrNull(SessionKey key, String stored) {
        try {
            return encryption.openPrincipal(key, stored);
        } catch (SessionCodecException e) {
            if (encryption.readsPlaintext() && !SessionEncryption.looksSealed(stored)) {
                return stored;
            }
            LOG.log(
                    System.Logger.Level.WARNING,
                    "session {0}: expired record''s principal not reported: {1}",
                    key.shortForm(),
                    e.getMessage());
            return null;
        }
    }

    /** A backend's size error, told that what it measured is the encrypted form of a record the manager accepted. */
    private static <T> T tooLargeExplained(SessionRecord plain, java.util.function.Supplier<T> write) {
        try {
            return write.get();
        } catch (SessionTooLargeException e) {
            throw new SessionTooLargeException(
                    e.getMessage() + " (encrypted: " + plain.attributes().length()
                            + " characters of attributes grow by a third plus 70 bytes; nothing was written)",
                    e.size(),
                    e.limit());
        }
    }
}
