package io.sessionkit.caffeine;

import io.sessionkit.SessionKey;
import io.sessionkit.tck.StoreBackdoor;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks behind {@link CaffeineSessionStore} into its cache. The store holds records, not bytes, so the nearest thing
 * to "bad bytes under the key" is a record whose attribute text is not what the codec wrote
 * ({@link #setAttributesText}). Public, and shipped in this module's test-jar, so session-reliability reuses it.
 */
public final class CaffeineBackdoor implements StoreBackdoor {
    private final CaffeineSessionStore store;
    private final Clock clock;

    /** {@code clock} is the store's clock, which {@link #nativeExpiry} adds the remaining lifetime to. */
    public CaffeineBackdoor(CaffeineSessionStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public String dump() {
        return store.cache().asMap().entrySet().stream()
                .map(e -> e.getKey().value() + " => " + e.getValue().principal() + " "
                        + e.getValue().attributes())
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void corrupt(SessionKey key) {
        setAttributesText(key, "{\"truncated\": [1, 2");
    }

    /** Replaces the attribute text of the record under {@code key}, keeping every other field. */
    public void setAttributesText(SessionKey key, String text) {
        store.cache().asMap().computeIfPresent(key, (k, r) -> r.withAttributes(text));
    }

    @Override
    public Optional<Instant> nativeExpiry(SessionKey key) {
        return store.cache()
                .policy()
                .expireVariably()
                .flatMap(p -> p.getExpiresAfter(key))
                .map(d -> clock.instant().plus(d));
    }
}
