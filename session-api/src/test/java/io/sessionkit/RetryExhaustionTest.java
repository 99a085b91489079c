package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code sessionkit.max-retries}: a writer that loses every compare-and-set race gives up with
 * {@link SessionConflictException} after the first attempt plus {@code maxRetries} retries, and writes nothing.
 * The race is real: each attempt's change function first lets a writer on another node (the SPI, as another program
 * would write) store a new version of the same record, so the attempt's replace is always stale.
 */
class RetryExhaustionTest {
    private final EnvelopeMapStore store = new EnvelopeMapStore(Clock.systemUTC());
    private final AtomicInteger foreignWrites = new AtomicInteger();

    private Session saved(SessionManager manager) {
        Session s = manager.create();
        s.setAttribute("n", 1);
        manager.save(s);
        return s;
    }

    /** Another node writes the next version of the record first. */
    private void foreignWrite(SessionKey key) {
        SessionRecord current = store.load(key).orElseThrow();
        assertThat(store.replace(current.withVersion(current.version() + 1), current.version()))
                .isEqualTo(ReplaceResult.OK);
        foreignWrites.incrementAndGet();
    }

    @ParameterizedTest(name = "max-retries={0}")
    @ValueSource(ints = {0, 1, 4})
    void saveGivesUpAfterTheFirstAttemptAndMaxRetriesAndWritesNothing(int maxRetries) {
        SessionManager manager =
                SessionManager.builder(store).maxRetries(maxRetries).build();
        Session s = saved(manager);
        Session found = manager.find(s.id()).orElseThrow();
        found.updateAttribute("n", Integer.class, n -> {
            foreignWrite(s.id().key());
            return n + 100;
        });
        assertThatThrownBy(() -> manager.save(found))
                .isInstanceOf(SessionConflictException.class)
                .hasMessageContaining("after " + (maxRetries + 1) + " attempts")
                .hasMessageContaining("sessionkit.max-retries=" + maxRetries)
                .hasMessageNotContaining(s.id().value());
        assertThat(store.storedAttributes(s.id().key()))
                .as("nothing of the losing request was written")
                .isEqualTo("{\"n\":1}");
    }

    @Test
    void updateGivesUpAfterMaxRetriesAndWritesNothing() {
        SessionManager manager = SessionManager.builder(store).maxRetries(2).build();
        Session s = saved(manager);
        assertThatThrownBy(() -> manager.update(s.id().value(), x -> {
                    foreignWrite(s.id().key());
                    x.setAttribute("mine", "lost");
                }))
                .isInstanceOf(SessionConflictException.class)
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("sessionkit.max-retries=2");
        assertThat(foreignWrites)
                .as("the mutation runs once per attempt, on the fresh record")
                .hasValue(3);
        assertThat(store.storedAttributes(s.id().key())).doesNotContain("lost");
    }
}
