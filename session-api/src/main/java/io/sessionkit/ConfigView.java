package io.sessionkit;

import java.time.Clock;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SessionKitConfig} made of its three parts: the lookup, the listable keys and the clock. The map,
 * properties and environment views, {@link SessionKitConfig#orElse} and {@link SessionKitConfig#withClock} are all
 * one of these, so a view never forgets to pass one of the three on.
 */
final class ConfigView implements SessionKitConfig {
    private final Function<String, @Nullable String> lookup;
    private final Supplier<Set<String>> keys;
    private final Supplier<Clock> clock;

    ConfigView(Function<String, @Nullable String> lookup, Supplier<Set<String>> keys, Supplier<Clock> clock) {
        this.lookup = lookup;
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public @Nullable String get(String key) {
        return lookup.apply(key);
    }

    @Override
    public Set<String> keys() {
        return keys.get();
    }

    @Override
    public Clock clock() {
        return clock.get();
    }
}
