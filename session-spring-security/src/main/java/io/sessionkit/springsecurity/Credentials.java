package io.sessionkit.springsecurity;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Credentials (passwords, the credentials of an authentication token) are never written to the session store. Spring
 * Security erases them after a successful login by default; an application that turned erasure off still gets them
 * back as null from a stored session, and this is said once, at INFO, so that it is not a surprise.
 */
final class Credentials {
    private static final System.Logger LOG = System.getLogger("io.sessionkit.springsecurity");
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private Credentials() {}

    static void dropped(String what) {
        if (TOLD.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0} was not erased; it is not written to the session store and reads back as null"
                            + " (credentials never leave the node; logged once)",
                    what);
        }
    }
}
