package io.sessionkit;

/**
 * A value could not be encoded (at {@code setAttribute}) or a stored record could not be decoded. Messages name
 * the attribute or the first characters of the hashed key, never a raw session id.
 */
public class SessionCodecException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionCodecException(String message) {
        super(message);
    }

    public SessionCodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
