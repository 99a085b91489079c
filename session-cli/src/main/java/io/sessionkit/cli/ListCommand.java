package io.sessionkit.cli;

import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "list",
        description = "List a user's live sessions: short keys and metadata, never attribute values "
                + "(needs PRINCIPAL_INDEX).")
final class ListCommand extends StoreCommand {
    @Option(names = "--principal", paramLabel = "P", required = true, description = "The user's principal name.")
    String principal = "";

    @Override
    public Integer call() {
        try (SessionStore store = open()) {
            require(store, StoreFeature.PRINCIPAL_INDEX, "list --principal");
            List<SessionRecord> records = store.findByPrincipal(principal);
            if (json()) {
                printJson(
                        Map.of("sessions", records.stream().map(Views::metadata).toList()));
            } else {
                records.forEach(r -> out().println(Views.line(r)));
                out().println(records.size() + (records.size() == 1 ? " session" : " sessions"));
            }
        }
        return SessionKitCli.OK;
    }
}
