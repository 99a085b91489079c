package io.sessionkit;

/**
 * The encoded session, or one attribute value, exceeds a configured limit. Thrown before any write:
 * nothing was stored and nothing was truncated.
 */
public class SessionTooLargeException extends SessionException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long limit;

    public SessionTooLargeException(String message, long size, long limit) {
        super(message + " (" + size + " bytes, limit " + limit + " bytes)");
        this.size = size;
        this.limit = limit;
    }

    /** The encoded size in bytes that was refused. */
    public long size() {
        return size;
    }

    /** The limit in bytes that was exceeded. */
    public long limit() {
        return limit;
    }
}
