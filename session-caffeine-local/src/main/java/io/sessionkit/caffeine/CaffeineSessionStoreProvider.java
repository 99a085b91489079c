package io.sessionkit.caffeine;

import io.sessionkit.ProviderConfig;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import java.util.Set;

/**
 * Provider {@code local}. Keys: {@code sessionkit.local.maximum-size} (sessions, at least 1, default
 * {@value CaffeineSessionStore#DEFAULT_MAXIMUM_SIZE}) and {@code sessionkit.local.expiry-grace} (how long after its
 * expiry a session is reported as expired, zero or more, default 60 s).
 */
public final class CaffeineSessionStoreProvider implements SessionStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        ProviderConfig c = ProviderConfig.of(config, NAME, Set.of("maximum-size", "expiry-grace"));
        CaffeineSessionStore.Builder b = CaffeineSessionStore.builder().clock(c.clock());
        c.integer("maximum-size", b::maximumSize);
        c.duration("expiry-grace", b::expiryGrace);
        c.validate();
        return b.build();
    }
}
