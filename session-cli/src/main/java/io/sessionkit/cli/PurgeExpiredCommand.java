package io.sessionkit.cli;

import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(
        name = "purge-expired",
        description = "Remove expired records now, on stores that keep them (PURGE_EXPIRED: JDBC); the others "
                + "expire records themselves.")
final class PurgeExpiredCommand extends StoreCommand {
    @Override
    public Integer call() {
        try (SessionStore store = open()) {
            boolean supported = store.features().contains(StoreFeature.PURGE_EXPIRED);
            int purged = supported ? store.purgeExpired() : 0;
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("purged", purged);
                m.put("supported", supported);
                printJson(m);
            } else if (supported) {
                out().println("purged " + purged + " expired " + (purged == 1 ? "record" : "records"));
            } else {
                out().println("nothing to purge: this store ("
                        + store.getClass().getSimpleName() + ") removes expired records itself");
            }
        }
        return SessionKitCli.OK;
    }
}
