package io.sessionkit;

/** The outcome of {@link SessionStore#replace(SessionRecord, long)} and {@link SessionStore#delete(SessionKey, long)}. */
public enum ReplaceResult {
    /** The stored record had the expected version and was replaced. */
    OK,
    /** A live record exists with another version; nothing was written. */
    CONFLICT,
    /** No live record exists (never created, deleted or expired); nothing was written and nothing resurrected. */
    GONE
}
