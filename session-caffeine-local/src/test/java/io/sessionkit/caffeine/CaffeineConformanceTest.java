package io.sessionkit.caffeine;

import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Collectors;

/** The whole conformance kit on the in-process Caffeine store. */
class CaffeineConformanceTest extends SessionStoreConformanceKit {

    @Override
    protected SessionStore createStore(TckContext context) {
        return CaffeineSessionStore.builder().clock(context.clock()).maximumSize(10_000).build();
    }

    /** One process, one clock: there is no second node to disagree with (rules 14.2-14.4). */
    @Override
    protected boolean sharedByNodes() {
        return false;
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        CaffeineSessionStore caffeine = (CaffeineSessionStore) store;
        return Optional.of(new StoreBackdoor() {
            @Override
            public String dump() {
                return caffeine.cache().asMap().entrySet().stream()
                        .map(e -> e.getKey().value() + " => " + e.getValue().principal() + " " + e.getValue().attributes())
                        .collect(Collectors.joining("\n"));
            }

            @Override
            public void corrupt(SessionKey key) {
                caffeine.cache().asMap().computeIfPresent(key, (k, r) -> new SessionRecord(k, r.version(), r.createdAt(),
                        r.lastAccessedAt(), r.maxIdle(), r.expiresAt(), r.principal(), "{\"truncated\": [1, 2"));
            }

            @Override
            public Optional<Instant> nativeExpiry(SessionKey key) {
                return caffeine.cache().policy().expireVariably()
                        .flatMap(p -> p.getExpiresAfter(key))
                        .map(d -> caffeine.cache().policy().expireVariably().isPresent() ? clockNow().plus(d) : null);
            }
        });
    }

    private Instant clockNow() {
        return clock.instant();
    }
}
