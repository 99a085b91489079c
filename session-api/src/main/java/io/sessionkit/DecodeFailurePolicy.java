package io.sessionkit;

/**
 * What to do with a stored session that cannot be decoded (config key {@code sessionkit.on-decode-failure}).
 * Every policy logs the failure once per occurrence, with the hashed key's short form only.
 */
public enum DecodeFailurePolicy {
    /**
     * Default. Treat the session as absent: the client gets a fresh session and the old id is not presented again.
     * The record is left for native expiry or the sweeper (a newer node in a rolling upgrade may still read it).
     * What can be seen at load is checked at load (the envelope, the attribute text, type tags naming no registered
     * type); an attribute whose value fails to decode only when read is dropped as under {@link #DROP_ATTRIBUTE}, so
     * one bad value never fails every request of a session.
     */
    DROP_SESSION,
    /**
     * Keep the session; an attribute that cannot be decoded reads as absent and is removed at the next save. If the
     * attributes as a whole are unreadable, the session keeps its metadata and loses its attributes.
     */
    DROP_ATTRIBUTE,
    /** Throw {@link SessionCodecException} to the caller. */
    FAIL
}
