package io.sessionkit.testing;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Stored metadata out of range (an idle timeout of zero or of {@code Long.MAX_VALUE} seconds, a time before 1970 or
 * after 9999), written behind the store's back, makes a record undecodable, never a failure at a later save (issue
 * 14, item 13). The check is the same for every store that keeps the metadata where a hand can reach it; how the
 * damage is written is the backend's: a backend test passes it in. It asserts with plain {@link AssertionError}s, as
 * this module has no assertion library in main scope.
 */
public final class HostileMetadata {
    private HostileMetadata() {}

    /**
     * Under every {@link DecodeFailurePolicy}, with a manager over {@code store} on {@code clock} and one healthy saved
     * session: for each entry of {@code damage} (a label for the messages, and what overwrites the stored metadata
     * of the record under a key), saves a victim session and damages its record. Then {@code store.load} must throw
     * {@link SessionCodecException} without the raw key in its message; {@code manager.find} must throw it under
     * {@link DecodeFailurePolicy#FAIL} and find nothing under the other policies; and the healthy session must still
     * be found and saved ({@link SaveResult#UPDATED}).
     *
     * @throws AssertionError naming the label and the policy of the first case that fails
     */
    public static void assertUndecodableUnderEveryPolicy(
            SessionStore store, Clock clock, Map<String, Consumer<SessionKey>> damage) {
        for (DecodeFailurePolicy policy : DecodeFailurePolicy.values()) {
            SessionManager manager = SessionManager.builder(store)
                    .clock(clock)
                    .decodeFailurePolicy(policy)
                    .build();
            Session healthy = manager.create();
            healthy.setAttribute("ok", true);
            manager.save(healthy);
            damage.forEach((label, write) -> {
                String where = label + " under " + policy;
                Session victim = manager.create();
                victim.setAttribute("n", 1);
                manager.save(victim);
                SessionKey key = victim.id().key();
                write.accept(key);
                SessionCodecException refused =
                        codecFailure(() -> store.load(key), where + ": the store's load of the damaged record");
                check(
                        !String.valueOf(refused.getMessage()).contains(key.value()),
                        where + ": the store's message shows the raw key: " + refused.getMessage());
                if (policy == DecodeFailurePolicy.FAIL) {
                    codecFailure(() -> manager.find(victim.id()), where + ": the manager's find");
                } else {
                    Optional<Session> found = manager.find(victim.id());
                    check(found.isEmpty(), where + ": the manager found the damaged session");
                }
                Session again = manager.find(healthy.id())
                        .orElseThrow(() -> new AssertionError(where + ": the healthy session is gone"));
                again.setAttribute("touched", label);
                SaveResult saved = manager.save(again);
                check(saved == SaveResult.UPDATED, where + ": other sessions keep working, but the save was " + saved);
            });
        }
    }

    private static SessionCodecException codecFailure(Runnable call, String what) {
        try {
            call.run();
        } catch (SessionCodecException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw " + e + ", not SessionCodecException", e);
        }
        throw new AssertionError(what + " did not throw SessionCodecException");
    }

    private static void check(boolean holds, String message) {
        if (!holds) {
            throw new AssertionError(message);
        }
    }
}
