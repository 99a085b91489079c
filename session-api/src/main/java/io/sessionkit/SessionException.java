package io.sessionkit;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception SessionKit throws. Unchecked: a session store that fails is an infrastructure
 * problem the request cannot fix, so callers catch it at the edge (a servlet filter, an error page), not everywhere.
 */
public class SessionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionException(String message) {
        super(message);
    }

    public SessionException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
