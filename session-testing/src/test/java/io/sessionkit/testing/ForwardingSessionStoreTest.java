package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.InterceptingSessionStore.Call;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForwardingSessionStoreTest {
    /** The smallest real store: a map with compare-and-set (no backend module here: they depend on this one). */
    static final class MapStore implements SessionStore {
        final Map<SessionKey, SessionRecord> map = new ConcurrentHashMap<>();

        @Override
        public Set<StoreFeature> features() {
            return Set.of();
        }

        @Override
        public boolean create(SessionRecord record) {
            return map.putIfAbsent(record.key(), record) == null;
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            ReplaceResult[] result = {ReplaceResult.GONE};
            map.computeIfPresent(record.key(), (k, old) -> {
                result[0] = old.version() == expectedVersion ? ReplaceResult.OK : ReplaceResult.CONFLICT;
                return result[0] == ReplaceResult.OK ? record : old;
            });
            return result[0];
        }

        @Override
        public void delete(SessionKey key) {
            map.remove(key);
        }

        @Override
        public void close() {}
    }

    static SessionRecord record(long version) {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        Instant now = Instant.now();
        return new SessionRecord(
                new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(b)),
                version,
                now,
                now,
                Duration.ofMinutes(30),
                now.plus(Duration.ofMinutes(30)),
                null,
                "{}");
    }

    @Test
    void countsAndRecordsWhatReachesTheStore() {
        MapStore real = new MapStore();
        ForwardingSessionStore store = new ForwardingSessionStore(real);
        SessionRecord r = record(1);
        assertThat(store.create(r)).isTrue();
        assertThat(store.load(r.key())).contains(r);
        assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.OK);
        store.delete(r.key());
        assertThat(store.creates()).isEqualTo(1);
        assertThat(store.loads()).isEqualTo(1);
        assertThat(store.replaces()).isEqualTo(1);
        assertThat(store.deletes()).isEqualTo(1);
        assertThat(store.writes()).isEqualTo(3);
        assertThat(store.calls()).isEqualTo(4);
        assertThat(store.keysSeen()).containsExactly(r.key(), r.key(), r.key(), r.key());
        assertThat(real.map).isEmpty();
        store.reset();
        assertThat(store.calls()).isZero();
        assertThat(store.keysSeen()).isEmpty();
    }

    @Test
    void injectedFailuresThrowBeforeForwardingAndRecover() {
        MapStore real = new MapStore();
        ForwardingSessionStore store = new ForwardingSessionStore(real);
        SessionRecord r = record(1);
        store.fail(ForwardingSessionStore.writeCalls());
        assertThatThrownBy(() -> store.create(r))
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("create");
        assertThat(real.map).isEmpty();
        assertThat(store.load(r.key())).isEmpty();
        store.down(true);
        assertThatThrownBy(() -> store.load(r.key())).isInstanceOf(SessionStoreUnavailableException.class);
        store.recover();
        assertThat(store.create(r)).isTrue();
        assertThat(store.creates()).isEqualTo(1);
        assertThat(store.loads()).isEqualTo(1);
    }

    @Test
    void beforeNextRunsOnceJustBeforeTheCall() {
        MapStore real = new MapStore();
        ForwardingSessionStore store = new ForwardingSessionStore(real);
        SessionRecord r = record(1);
        store.create(r);
        AtomicInteger runs = new AtomicInteger();
        store.beforeNext(Call.REPLACE, () -> {
            runs.incrementAndGet();
            real.replace(r.withVersion(2), 1); // a second writer wins the race for real
        });
        assertThat(store.replace(r.withVersion(2), 1)).isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.replace(r.withVersion(3), 2)).isEqualTo(ReplaceResult.OK);
        assertThat(runs).hasValue(1);
    }
}
