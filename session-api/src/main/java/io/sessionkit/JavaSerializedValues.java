package io.sessionkit;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads values another system stored as Java serialization bytes ({@code ObjectOutputStream}, as Spring Session's JDK
 * serializer and the servlet containers write them), through the same JEP 290 allow-list as the {@code java} codec
 * ({@code sessionkit.codec=java}): the JDK value types and their usual collections, plus the pattern given here. A
 * class outside the list is refused before it is instantiated (its constructor, {@code readObject} and
 * {@code readResolve} never run), and the error names it, so the operator can add it. For importers of legacy session
 * data; a SessionKit session's own values go through its configured codec instead. Immutable and thread-safe.
 */
public final class JavaSerializedValues {
    private final JavaSerializationCodec codec;

    private JavaSerializedValues(JavaSerializationCodec codec) {
        this.codec = codec;
    }

    /**
     * A reader that allows the JDK value types plus {@code allowList}, a JEP 290 pattern such as
     * {@code com.example.cart.*;com.example.User} (empty: the JDK value types only).
     */
    public static JavaSerializedValues allowing(String allowList) {
        return new JavaSerializedValues(new JavaSerializationCodec(Objects.requireNonNull(allowList, "allowList")));
    }

    /**
     * The object {@code bytes} hold (null if they hold {@code null}).
     *
     * @param name  what the value is, for the error message (an attribute name; never put a session id here)
     * @throws SessionCodecException naming {@code name} and, when the allow-list refused it, the refused class, if the
     *                               bytes are refused or are not a Java serialization stream
     */
    public @Nullable Object read(String name, byte[] bytes) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(bytes, "bytes");
        return codec.decodeBytes(name, bytes);
    }

    /** The JEP 290 pattern in force: the size limits, the JDK value types, the given list, then {@code !*}. */
    public String pattern() {
        return codec.pattern();
    }
}
