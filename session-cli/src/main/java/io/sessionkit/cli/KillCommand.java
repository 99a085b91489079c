package io.sessionkit.cli;

import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "kill",
        description = "End one session (--key) or every session of a user (--principal, needs PRINCIPAL_INDEX).")
final class KillCommand extends StoreCommand {
    @ArgGroup(multiplicity = "1")
    @Nullable
    Target target;

    static final class Target {
        @Option(names = "--key", paramLabel = "K", description = "As for show: hashed key, session id or a short key.")
        @Nullable
        String key;

        @Option(names = "--principal", paramLabel = "P", description = "Every session of this user.")
        @Nullable
        String principal;
    }

    @Override
    public Integer call() {
        Target t = java.util.Objects.requireNonNull(target, "target");
        int killed = 0;
        try (SessionStore store = open()) {
            if (t.key != null) {
                Optional<SessionRecord> r = Keys.find(store, t.key);
                if (r.isPresent()) {
                    store.delete(r.get().key());
                    killed = 1;
                }
            } else {
                require(store, StoreFeature.PRINCIPAL_INDEX, "kill --principal");
                List<SessionRecord> records = store.findByPrincipal(java.util.Objects.requireNonNull(t.principal));
                for (SessionRecord r : records) {
                    store.delete(r.key());
                }
                killed = records.size();
            }
        }
        if (json()) {
            printJson(Map.of("killed", killed));
        } else {
            out().println("killed " + killed + (killed == 1 ? " session" : " sessions"));
        }
        return SessionKitCli.OK;
    }
}
