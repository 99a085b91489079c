package io.sessionkit;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The cursor of a keyset scan ({@link SessionStore#scan(String, int)}): a kind and a position, the last key or sort
 * value a page returned, written {@code <kind>1:<base64url(UTF-8 position)>} without padding, e.g. {@code j1:} for
 * SessionKit's JDBC store, {@code c1:} for Caffeine, {@code m1:} for MongoDB. The {@code 1} is the format version.
 *
 * <p>Public for third-party backends: a store that pages by a key picks its own kind, so that a cursor of another
 * kind of store is refused instead of being read as a position. Parsing is strict: anything that this kind's
 * {@link #after} did not produce (another kind or version, padding, characters outside base64url, non-canonical
 * base64, bytes that are not UTF-8, an empty position, more than {@value #MAX_LENGTH} characters) is an
 * {@link IllegalArgumentException} naming the expected kind. A cursor holds only what a page returned (hashed keys),
 * never a raw id or a secret, and is not signed: a caller can forge one, which lets it start a scan anywhere, nothing
 * more. It does not encode a topology or an expiry; stores that need one (per-node cursors) write their own format.
 */
public final class KeysetCursor {
    /** The longest cursor {@link #position} accepts, in characters. */
    public static final int MAX_LENGTH = 1024;

    private static final Pattern KIND = Pattern.compile("[a-z]{1,8}");
    private static final Pattern BASE64URL = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String kind;
    private final String prefix;

    private KeysetCursor(String kind) {
        this.kind = kind;
        this.prefix = kind + "1:";
    }

    /**
     * The cursors of one kind of store.
     *
     * @param kind 1 to 8 lower-case ASCII letters, e.g. {@code "j"}
     * @throws IllegalArgumentException for any other kind
     */
    public static KeysetCursor of(String kind) {
        Objects.requireNonNull(kind, "kind");
        if (!KIND.matcher(kind).matches()) {
            throw new IllegalArgumentException("a cursor kind is 1 to 8 letters a-z, was '" + kind + "'");
        }
        return new KeysetCursor(kind);
    }

    /** The kind, e.g. {@code "j"}. */
    public String kind() {
        return kind;
    }

    /** The prefix of every cursor of this kind, e.g. {@code "j1:"}. */
    public String prefix() {
        return prefix;
    }

    /**
     * The cursor of the page after {@code position}.
     *
     * @throws IllegalArgumentException if {@code position} is empty or its cursor would exceed {@value #MAX_LENGTH}
     */
    public String after(String position) {
        Objects.requireNonNull(position, "position");
        if (position.isEmpty()) {
            throw new IllegalArgumentException("a cursor position is not empty");
        }
        String cursor = prefix + ENCODER.encodeToString(position.getBytes(StandardCharsets.UTF_8));
        if (cursor.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a cursor position is at most " + MAX_LENGTH + " characters encoded");
        }
        return cursor;
    }

    /** The cursor of the page after the record under {@code key}. */
    public String after(SessionKey key) {
        return after(key.value());
    }

    /**
     * The position {@code cursor} holds, or {@code null} for the {@code null} cursor that starts a scan.
     *
     * @throws IllegalArgumentException if {@code cursor} is not exactly what {@link #after} of this kind writes
     */
    public @Nullable String position(@Nullable String cursor) {
        if (cursor == null) {
            return null;
        }
        if (cursor.length() > MAX_LENGTH || !cursor.startsWith(prefix)) {
            throw malformed(cursor, "");
        }
        String payload = cursor.substring(prefix.length());
        if (!BASE64URL.matcher(payload).matches() || payload.length() % 4 == 1) {
            throw malformed(cursor, ": not base64url without padding");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(payload);
        if (!ENCODER.encodeToString(bytes).equals(payload)) {
            throw malformed(cursor, ": not canonical base64url");
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw malformed(cursor, ": the position is not UTF-8");
        }
    }

    /**
     * The session key {@code cursor} holds, or {@code null} for the {@code null} cursor: {@link #position} for stores
     * whose position is the last hashed key returned.
     *
     * @throws IllegalArgumentException if {@code cursor} is malformed or its position is not a hashed key
     */
    public @Nullable SessionKey key(@Nullable String cursor) {
        String position = position(cursor);
        if (position == null) {
            return null;
        }
        try {
            return new SessionKey(position);
        } catch (IllegalArgumentException e) {
            throw malformed(Objects.requireNonNull(cursor), ": the position is not a session key");
        }
    }

    private IllegalArgumentException malformed(String cursor, String why) {
        String shown = cursor.length() > 40 ? cursor.substring(0, 40) + "... (" + cursor.length() + " chars)" : cursor;
        return new IllegalArgumentException("not a scan cursor of this store: expected '" + prefix
                + "' followed by base64url" + why + ", was '" + printable(shown) + "'");
    }

    /** {@code s} with every character outside printable ASCII written as {@code \\uXXXX}, so a log line stays one. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                out.append(c);
            } else {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "KeysetCursor[" + prefix + "]";
    }
}
