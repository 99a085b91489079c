package io.sessionkit;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link SessionStoreProvider} whose store comes from its {@code sessionkit.<name>.*} keys, the way every SessionKit
 * backend makes it: {@link #create} opens a {@link ProviderConfig} on the keys, lets the reader hand every key to a
 * builder, {@linkplain ProviderConfig#validate() validates} (every bad key in one error, one warning about keys nobody
 * read) and only then builds, so that nothing connects with a bad value. For backend authors: public so that a
 * third-party provider reads, checks and reports its keys exactly as SessionKit's own; implementing
 * {@link SessionStoreProvider} directly remains possible.
 *
 * <p>A subclass is the registration alone: a public no-argument constructor (discovery instantiates it, so it must not
 * connect) that passes the name and the reader, typically a static method beside the store's builder setters.
 */
public abstract class ConfiguredStoreProvider implements SessionStoreProvider {
    private final String name;
    private final Function<ProviderConfig, Supplier<SessionStore>> reader;

    /**
     * @param name the value of {@code sessionkit.store} that selects this provider, and the keys' namespace
     * @param reader reads every key from the {@link ProviderConfig} into a builder (a bad value is recorded there, not
     *     thrown) and returns how to build the store, which is called only when every key passed
     */
    protected ConfiguredStoreProvider(String name, Function<ProviderConfig, Supplier<SessionStore>> reader) {
        this.name = requireNonNull(name, "name");
        this.reader = requireNonNull(reader, "reader");
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException naming every bad key, before anything connects
     */
    @Override
    public final SessionStore create(SessionKitConfig config) {
        ProviderConfig keys = ProviderConfig.of(config, name);
        Supplier<SessionStore> store = reader.apply(keys);
        keys.validate();
        return store.get();
    }
}
