package io.sessionkit.redis;

import io.sessionkit.SessionStore;

/**
 * What a client in another language needs from the Redis store that only its own package can show: the text of the
 * replace script it runs (so the interoperability test hands a foreign writer the very script SessionKit uses, never a
 * copy that could drift) and the principal index key it derives from a principal.
 */
public final class RedisScriptSource {
    private RedisScriptSource() {}

    /** The Lua source of the compare-and-set replace script, exactly as the store sends it. */
    public static String replaceScript() {
        return RedisScripts.REPLACE.source();
    }

    /** The Redis key of {@code principal}'s index in {@code store}. */
    public static String indexKey(SessionStore store, String principal) {
        return ((RedisSessionStore) store).indexKey(principal);
    }
}
