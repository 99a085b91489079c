package io.sessionkit;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A minimal store for session-api's own tests (not a backend under test): it keeps each record as the text of its
 * {@link RecordEnvelope}, as Redis and memcached do, so everything a test reads back has made the round trip through
 * the stored text. Compare-and-set through {@link ConcurrentMap#compute}.
 */
final class EnvelopeMapStore implements SessionStore {
    private final ConcurrentMap<SessionKey, String> texts = new ConcurrentHashMap<>();
    private final Clock clock;

    EnvelopeMapStore(Clock clock) {
        this.clock = clock;
    }

    /** The stored attribute text of the session with this key, as a backend would hand it to another reader. */
    String storedAttributes(SessionKey key) {
        String text = texts.get(key);
        return text == null ? null : RecordEnvelope.decode(key, text).attributes();
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.of();
    }

    @Override
    public boolean create(SessionRecord record) {
        boolean[] inserted = {false};
        texts.compute(record.key(), (k, old) -> {
            if (old != null && !RecordEnvelope.decode(k, old).isExpiredAt(clock.instant())) {
                return old;
            }
            inserted[0] = true;
            return RecordEnvelope.encode(record);
        });
        return inserted[0];
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        String text = texts.get(key);
        if (text == null) {
            return Optional.empty();
        }
        SessionRecord r = RecordEnvelope.decode(key, text);
        return r.isExpiredAt(clock.instant()) ? Optional.empty() : Optional.of(r);
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        ReplaceResult[] result = {ReplaceResult.GONE};
        texts.computeIfPresent(record.key(), (k, old) -> {
            SessionRecord current = RecordEnvelope.decode(k, old);
            if (current.isExpiredAt(clock.instant())) {
                return old;
            }
            if (current.version() != expectedVersion) {
                result[0] = ReplaceResult.CONFLICT;
                return old;
            }
            result[0] = ReplaceResult.OK;
            return RecordEnvelope.encode(record);
        });
        return result[0];
    }

    @Override
    public void delete(SessionKey key) {
        texts.remove(key);
    }

    @Override
    public void close() {}
}
