package io.sessionkit.caffeine;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreProvider;
import io.sessionkit.StoreFeature;
import java.util.EnumSet;
import java.util.Set;

/**
 * Provider {@code local}. Keys: {@code sessionkit.local.maximum-size} (sessions, default
 * {@value CaffeineSessionStore#DEFAULT_MAXIMUM_SIZE}).
 */
public final class CaffeineSessionStoreProvider implements SessionStoreProvider {
    public static final String NAME = "local";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<StoreFeature> features() {
        return Set.copyOf(EnumSet.allOf(StoreFeature.class));
    }

    @Override
    public SessionStore create(SessionKitConfig config) {
        int max = config.integer("sessionkit.local.maximum-size", (int) CaffeineSessionStore.DEFAULT_MAXIMUM_SIZE);
        if (max < 1) {
            throw SessionKitConfig.invalid("sessionkit.local.maximum-size", String.valueOf(max), "at least 1");
        }
        return CaffeineSessionStore.builder().clock(config.clock()).maximumSize(max).build();
    }
}
