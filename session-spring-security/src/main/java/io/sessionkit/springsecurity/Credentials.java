package io.sessionkit.springsecurity;

import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * Credentials (passwords, the credentials of an authentication token) are never written to the session store. Spring
 * Security erases them after a successful login by default; an application that turned erasure off still gets them
 * back as null from a stored session, and this is said once, at INFO, so that it is not a surprise.
 */
final class Credentials {
    private static final System.Logger LOG = System.getLogger("io.sessionkit.springsecurity");
    private static final AtomicBoolean TOLD = new AtomicBoolean();

    private Credentials() {}

    /**
     * Called where {@code credentials} (the {@code what}, e.g. "the password", of an {@code owner}) are left out of a
     * stored form: when they were not erased, says so once.
     */
    static void dropped(@Nullable Object credentials, String what, Class<?> owner) {
        if (credentials != null && TOLD.compareAndSet(false, true)) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0} of a {1} was not erased; it is not written to the session store and reads back as null"
                            + " (credentials never leave the node; logged once)",
                    what,
                    owner.getName());
        }
    }
}
