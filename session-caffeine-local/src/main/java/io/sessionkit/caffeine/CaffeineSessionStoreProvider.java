package io.sessionkit.caffeine;

import io.sessionkit.ConfiguredStoreProvider;

/**
 * Provider {@code local}. Keys: {@code sessionkit.local.maximum-size} (sessions, at least 1, default
 * {@value CaffeineSessionStore#DEFAULT_MAXIMUM_SIZE}) and {@code sessionkit.local.expiry-grace} (how long after its
 * expiry a session is reported as expired, zero or more, default 60 s).
 */
public final class CaffeineSessionStoreProvider extends ConfiguredStoreProvider {
    /** The value of {@code sessionkit.store} that selects this provider. */
    public static final String NAME = "local";

    public CaffeineSessionStoreProvider() {
        super(NAME, CaffeineSessionStore.Builder::fromKeys);
    }
}
