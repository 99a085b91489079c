package io.sessionkit;

/** What {@link SessionManager#save(Session)} did. */
public enum SaveResult {
    /** A new session was inserted (one round trip). */
    CREATED,
    /** Changes were written with compare-and-set (one round trip, more after conflicts). */
    UPDATED,
    /** Nothing changed but the touch interval had passed, so the access time and expiry were written. */
    TOUCHED,
    /** Nothing changed and the touch interval had not passed: nothing was written (zero round trips). */
    UNCHANGED,
    /**
     * The session was invalidated or expired meanwhile; the changes were dropped and the session was not
     * resurrected.
     */
    GONE
}
