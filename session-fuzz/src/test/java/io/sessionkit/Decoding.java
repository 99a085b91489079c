package io.sessionkit;

import io.sessionkit.caffeine.CaffeineSessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What every fuzz target shares: the invariant (a decoder gives a value, nothing, or a {@link SessionCodecException};
 * any other exception or error escapes to Jazzer as a finding) and the way bytes reach the decoders an application
 * uses, through a {@link SessionManager}.
 */
public final class Decoding {
    /** The time of every fuzz run: fixed, so that an input's outcome never depends on when it runs. */
    public static final Instant NOW = Instant.parse("2026-12-01T00:00:00Z");

    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private Decoding() {}

    /** Runs {@code decode}; a {@link SessionCodecException} is an accepted outcome, anything else propagates. */
    public static void tolerated(Runnable decode) {
        try {
            decode.run();
        } catch (SessionCodecException expected) {
            // The documented outcome for bytes that are not a valid stored form.
        }
    }

    /** A manager on an in-process (Caffeine) store with the fixed clock, {@code policy} and the codec {@code codec} sets. */
    public static SessionManager inProcess(DecodeFailurePolicy policy, Consumer<SessionManager.Builder> codec) {
        SessionStore store = CaffeineSessionStore.builder().clock(CLOCK).build();
        SessionManager.Builder b = SessionManager.builder(store)
                .clock(CLOCK)
                .decodeFailurePolicy(policy)
                .sweepInterval(Duration.ZERO)
                .closeStoreOnClose(true);
        codec.accept(b);
        return b.build();
    }

    /** One {@link #inProcess} manager per {@link DecodeFailurePolicy}, each with the codec {@code codec} sets. */
    public static Map<DecodeFailurePolicy, SessionManager> perPolicy(Consumer<SessionManager.Builder> codec) {
        Map<DecodeFailurePolicy, SessionManager> managers = new EnumMap<>(DecodeFailurePolicy.class);
        for (DecodeFailurePolicy policy : DecodeFailurePolicy.values()) {
            managers.put(policy, inProcess(policy, codec));
        }
        return Collections.unmodifiableMap(managers);
    }

    /**
     * Stores a live record holding {@code attributes} (any text) under a fresh id in the manager's store, loads it through
     * the manager and reads every attribute; the record is removed again so that a long run does not fill the store.
     *
     * @return the session as read, or empty when the policy treated the record as absent
     */
    public static Optional<Session> loadThrough(SessionManager manager, String attributes, List<Class<?>> types) {
        SessionId id = SessionId.generate();
        SessionRecord record = new SessionRecord(
                id.key(), 1, NOW, NOW, Duration.ofMinutes(30), NOW.plus(Duration.ofMinutes(30)), null, attributes);
        if (!manager.store().create(record)) {
            throw new AssertionError("a fresh key was taken");
        }
        try {
            Optional<Session> found = manager.find(id);
            found.ifPresent(s -> readAll(s, types));
            return found;
        } finally {
            manager.store().delete(id.key());
        }
    }

    /**
     * Reads every attribute of {@code session} in its plain form and as each of {@code types}: each read gives a value,
     * null, or a {@link SessionCodecException} (a value that is not of the asked type is one too).
     */
    public static void readAll(Session session, List<Class<?>> types) {
        for (String name : session.attributeNames()) {
            tolerated(() -> session.getAttribute(name));
            for (Class<?> type : types) {
                tolerated(() -> {
                    Object value = session.getAttribute(name, type);
                    if (value != null && !type.isInstance(value)) {
                        throw new AssertionError("attribute '" + name + "' read as " + type.getName() + " gave a "
                                + value.getClass().getName());
                    }
                });
            }
        }
    }
}
