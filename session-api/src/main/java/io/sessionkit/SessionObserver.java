package io.sessionkit;

import java.time.Duration;

/**
 * Operational signals of a {@link SessionManager}, for metrics and tracing (the Micrometer binding implements it):
 * every store call with its outcome, save outcomes and sizes, compare-and-set conflicts, decode failures, oversize
 * refusals and sweeps. Unlike {@link SessionEventListener}s it is called inline, on the thread doing the work, so that a
 * timer or a tracing span sees the real call; it must therefore be as cheap as a meter update and never block. An
 * exception it throws is logged once a minute and ignored. Nothing passed to it identifies a session or a user.
 *
 * <p>With no observer the manager calls the store directly: no wrapper, no cost.
 */
public interface SessionObserver {
    /** Observes nothing: the default, with which the manager calls the store directly. */
    SessionObserver NONE = new SessionObserver() {};

    /**
     * A store call is starting on this thread; the manager calls {@link StoreCall#end} on the returned handle when it
     * ends. The default measures nothing.
     */
    default StoreCall storeCall(StoreOperation operation) {
        return StoreCall.NONE;
    }

    /**
     * {@link SessionManager#save} (or {@code update}) ended with {@code result}; {@code encodedBytes} is the size of
     * the attributes written, or -1 when nothing was written.
     */
    default void saved(SaveResult result, long encodedBytes) {}

    /** A compare-and-set lost a race; {@code retry} counts the retries of this call so far (1 for the first). */
    default void conflict(int retry) {}

    /** A call gave up after {@code attempts} lost races ({@link SessionConflictException}). */
    default void conflictsExhausted(int attempts) {}

    /** A record or an attribute could not be decoded, and {@code policy} decided what happened. */
    default void decodeFailure(DecodeFailurePolicy policy) {}

    /** A save was refused before any write: {@code bytes} encoded against a limit of {@code limit}. */
    default void tooLarge(long bytes, long limit) {}

    /** A sweep ended: {@code collected} records expired and removed, in {@code took}. */
    default void swept(int collected, Duration took) {}

    /**
     * {@link SessionManager#importSession} skipped one attribute of a session imported from {@code source} (its value
     * could not be encoded, or its name is not allowed); {@code source} is the importer's fixed name, never per
     * session.
     */
    default void importSkipped(String source) {}

    /** {@code count} request-path events were dropped because the event queue was full. */
    default void eventsDropped(long count) {}

    /** The end of one store call. */
    @FunctionalInterface
    interface StoreCall {
        /** Measures nothing. */
        StoreCall NONE = outcome -> {};

        void end(StoreOutcome outcome);
    }
}
