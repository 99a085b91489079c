package io.sessionkit;

/**
 * The backend could not be reached or did not answer within its configured timeout. Backends wrap their
 * driver's connection and timeout exceptions in this one, so callers need not know the driver.
 */
public class SessionStoreUnavailableException extends SessionException {
    private static final long serialVersionUID = 1L;

    public SessionStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public SessionStoreUnavailableException(String message) {
        super(message);
    }
}
