package io.sessionkit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sessionkit.SessionException;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** What every command shares: the global options, opening stores, and printing text or JSON. */
abstract class StoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    @ParentCommand
    @Nullable
    SessionKitCli parent;

    @Spec
    @Nullable
    CommandSpec spec;

    final SessionKitCli options() {
        return Objects.requireNonNull(parent, "parent");
    }

    final PrintWriter out() {
        return Objects.requireNonNull(spec, "spec").commandLine().getOut();
    }

    final PrintWriter err() {
        return Objects.requireNonNull(spec, "spec").commandLine().getErr();
    }

    final boolean json() {
        return options().json;
    }

    /** The store the global options configure. */
    final SessionStore open() {
        return open(Configs.global(options()));
    }

    /**
     * Opens the store {@code config} selects. Which store that is, is settled first: a selection that fails (no store
     * of that name, several, none named) is a configuration error, exit 2, not a failure of a store.
     */
    static SessionStore open(SessionKitConfig config) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            SessionStores.select(config, loader);
        } catch (SessionException e) {
            throw new SessionKitCli.UsageException(String.valueOf(e.getMessage()));
        }
        return SessionStores.open(config, loader);
    }

    /** Fails with a usage error unless {@code store} declares {@code feature}, which {@code what} needs. */
    static void require(SessionStore store, StoreFeature feature, String what) {
        if (!store.features().contains(feature)) {
            throw new SessionKitCli.UsageException(what + " needs a store with " + feature + "; this store ("
                    + store.getClass().getSimpleName() + ") does not declare it");
        }
    }

    /** Prints {@code value} as one line of JSON. */
    final void printJson(Object value) {
        try {
            out().println(JSON.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot print JSON", e);
        }
        out().flush();
    }
}
