package io.sessionkit;

/**
 * A save or update kept losing the compare-and-set race after the configured number of retries
 * ({@code sessionkit.max-retries}). Nothing of this attempt was written.
 */
public class SessionConflictException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionConflictException(String message) {
        super(message);
    }
}
