package io.sessionkit.redis;

import org.jspecify.annotations.Nullable;

/** The teardown of class-wide test resources (servers, clients, stores) opened by a {@code @BeforeAll}. */
final class TestResources {
    private TestResources() {}

    /**
     * Closes every resource in order, skipping the {@code null} ones a failed setup never opened, and closing the rest
     * even if one fails; the first failure is thrown with the later ones suppressed.
     */
    static void closeAll(@Nullable AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable r : resources) {
            try {
                if (r != null) {
                    r.close();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
