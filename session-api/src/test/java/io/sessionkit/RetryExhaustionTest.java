package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sessionkit.max-retries}: a writer that loses every compare-and-set race gives up with
 * {@link SessionConflictException} after the first attempt plus {@code maxRetries} retries, and writes nothing.
 */
class RetryExhaustionTest {
    /**
     * The reference store with a writer on another node that always gets in first: before each of our replaces it
     * writes a new version of the same record (a real write through the store, so every replace of ours is stale).
     */
    private static final class AlwaysRacedStore implements SessionStore {
        final EnvelopeMapStore delegate = new EnvelopeMapStore(Clock.systemUTC());
        final AtomicInteger ourReplaces = new AtomicInteger();
        volatile boolean racing;

        @Override
        public Set<StoreFeature> features() {
            return delegate.features();
        }

        @Override
        public boolean create(SessionRecord record) {
            return delegate.create(record);
        }

        @Override
        public Optional<SessionRecord> load(SessionKey key) {
            return delegate.load(key);
        }

        @Override
        public ReplaceResult replace(SessionRecord record, long expectedVersion) {
            if (racing) {
                SessionRecord current = delegate.load(record.key()).orElseThrow();
                assertThat(delegate.replace(current.withVersion(current.version() + 1), current.version())).isEqualTo(ReplaceResult.OK);
                ourReplaces.incrementAndGet();
            }
            return delegate.replace(record, expectedVersion);
        }

        @Override
        public void delete(SessionKey key) {
            delegate.delete(key);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final AlwaysRacedStore store = new AlwaysRacedStore();

    private Session savedWith(SessionManager manager) {
        Session s = manager.create();
        s.setAttribute("n", 1);
        manager.save(s);
        store.racing = true;
        return s;
    }

    @ParameterizedTest(name = "max-retries={0}")
    @ValueSource(ints = {0, 1, 4})
    void saveGivesUpAfterTheFirstAttemptAndMaxRetriesAndWritesNothing(int maxRetries) {
        SessionManager manager = SessionManager.builder(store).maxRetries(maxRetries).build();
        Session s = savedWith(manager);
        Session found = manager.find(s.id()).orElseThrow();
        found.setAttribute("mine", "lost");
        assertThatThrownBy(() -> manager.save(found)).isInstanceOf(SessionConflictException.class)
                .hasMessageContaining("after " + (maxRetries + 1) + " attempts")
                .hasMessageContaining("sessionkit.max-retries=" + maxRetries)
                .hasMessageNotContaining(s.id().value());
        assertThat(store.ourReplaces).hasValue(maxRetries + 1);
        assertThat(store.delegate.storedAttributes(s.id().key())).doesNotContain("lost");
    }

    @Test
    void updateGivesUpAfterMaxRetries() {
        SessionManager manager = SessionManager.builder(store).maxRetries(2).build();
        Session s = savedWith(manager);
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> manager.update(s.id().value(), x -> {
            runs.incrementAndGet();
            x.setAttribute("mine", "lost");
        })).isInstanceOf(SessionConflictException.class).hasMessageContaining("sessionkit.max-retries=2");
        assertThat(store.ourReplaces).hasValue(3);
        assertThat(runs).as("the mutation runs once per attempt, on the fresh value").hasValue(3);
        assertThat(store.delegate.storedAttributes(s.id().key())).doesNotContain("lost");
    }
}
