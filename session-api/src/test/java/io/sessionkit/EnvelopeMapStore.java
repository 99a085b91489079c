package io.sessionkit;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

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
    @Nullable
    String storedAttributes(SessionKey key) {
        String text = texts.get(key);
        return text == null ? null : RecordEnvelope.decode(key, text).attributes();
    }

    /** Keys claimed by {@link #claimExpired}; the leases never run out (one node). */
    private final Set<SessionKey> claimed = ConcurrentHashMap.newKeySet();

    @Override
    public Set<StoreFeature> features() {
        return Set.of(StoreFeature.EXPIRY_EVENTS);
    }

    /** Expired records (no grace: one node, one clock), each claimed once. */
    @Override
    public List<ExpiredSession> claimExpired(int max, Duration lease) {
        List<ExpiredSession> out = new ArrayList<>();
        texts.forEach((key, text) -> {
            SessionRecord r = RecordEnvelope.decode(key, text);
            if (out.size() < max && r.isExpiredAt(clock.instant()) && claimed.add(key)) {
                out.add(new ExpiredSession(key, r.principal(), r.expiresAt()));
            }
        });
        return out;
    }

    @Override
    public void removeExpired(List<ExpiredSession> records) {
        records.forEach(r -> texts.remove(r.key()));
    }

    @Override
    public boolean create(SessionRecord record) {
        boolean[] inserted = {false};
        texts.compute(record.key(), (k, old) -> {
            if (live(k, old) != null) {
                return old;
            }
            inserted[0] = true;
            return RecordEnvelope.encode(record);
        });
        return inserted[0];
    }

    @Override
    public Optional<SessionRecord> load(SessionKey key) {
        return Optional.ofNullable(live(key, texts.get(key)));
    }

    @Override
    public ReplaceResult replace(SessionRecord record, long expectedVersion) {
        ReplaceResult[] result = {ReplaceResult.GONE};
        texts.computeIfPresent(record.key(), (k, old) -> {
            SessionRecord current = live(k, old);
            if (current != null) {
                result[0] = current.version() == expectedVersion ? ReplaceResult.OK : ReplaceResult.CONFLICT;
            }
            return result[0] == ReplaceResult.OK ? RecordEnvelope.encode(record) : old;
        });
        return result[0];
    }

    /** The record stored as {@code text}, or null when there is none or it has expired. */
    private @Nullable SessionRecord live(SessionKey key, @Nullable String text) {
        if (text == null) {
            return null;
        }
        SessionRecord record = RecordEnvelope.decode(key, text);
        return record.isExpiredAt(clock.instant()) ? null : record;
    }

    @Override
    public void delete(SessionKey key) {
        texts.remove(key);
    }

    @Override
    public void close() {}
}
