package io.sessionkit;

import java.lang.System.Logger.Level;
import org.jspecify.annotations.Nullable;

/**
 * How a store reports a failing server and a record it cannot decode, so that every backend says it in the same
 * words: {@code <server>: <operation> of session <short key> failed: <why>}, where the short key is
 * {@link SessionKey#shortForm()} (the first 8 characters of the hashed key) and never a raw id. For backend authors:
 * public so that a third-party store wraps driver errors and logs skipped records the same way.
 *
 * <p>It does not decide what is transient: the backend knows its driver, picks {@link #unavailable} or
 * {@link #failed}, and writes {@code why} itself (root cause, redacted addresses), never echoing a credential.
 */
public final class StoreFailures {
    private StoreFailures() {}

    /**
     * The server cannot serve the call now (down, unreachable, timed out, failing over): the caller may retry later.
     *
     * @param server where the store talks to, {@code host:port} or a redacted URI, never a credential
     * @param key the session concerned, or null for a call about no one session
     * @param cause the driver's exception, or null
     */
    public static SessionStoreUnavailableException unavailable(
            String server, String operation, @Nullable SessionKey key, String why, @Nullable Throwable cause) {
        String message = message(server, operation, key, why);
        return cause == null
                ? new SessionStoreUnavailableException(message)
                : new SessionStoreUnavailableException(message, cause);
    }

    /** The server answered with an error that retrying will not fix (a bad statement, no rights). */
    public static SessionException failed(
            String server, String operation, @Nullable SessionKey key, String why, @Nullable Throwable cause) {
        return new SessionException(message(server, operation, key, why), cause);
    }

    /**
     * Logs, once per record met, that a stored record could not be decoded and was left out of a multi-record read
     * ({@code findByPrincipal}, {@code scan}); {@code key} is null when even the stored key is malformed.
     */
    public static void skipped(
            System.Logger log, String server, String operation, @Nullable SessionKey key, Throwable cause) {
        log.log(
                Level.WARNING,
                "{0}: {1} skipped an undecodable record of session {2}: {3}",
                server,
                operation,
                key == null ? "(malformed key)" : key.shortForm(),
                String.valueOf(cause.getMessage()));
    }

    /** {@code <operation> of session <short key>}, or the operation alone when {@code key} is null. */
    public static String what(String operation, @Nullable SessionKey key) {
        return key == null ? operation : operation + " of session " + key.shortForm();
    }

    private static String message(String server, String operation, @Nullable SessionKey key, String why) {
        return server + ": " + what(operation, key) + " failed: " + why;
    }
}
