package io.sessionkit.cli;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "count", description = "Count the live sessions (needs SCAN: every store but memcached).")
final class CountCommand extends StoreCommand {
    @Option(
            names = "--page-size",
            defaultValue = "1000",
            description = "Records per scan page (default ${DEFAULT-VALUE}).")
    int pageSize;

    @Override
    public Integer call() {
        if (pageSize < 1) {
            throw new SessionKitCli.UsageException("--page-size must be at least 1");
        }
        try (SessionStore store = open()) {
            require(store, StoreFeature.SCAN, "count");
            long n = 0;
            @Nullable String cursor = null;
            do {
                ScanPage page = store.scan(cursor, pageSize);
                n += page.records().size();
                cursor = page.next();
            } while (cursor != null);
            if (json()) {
                printJson(Map.of("count", n));
            } else {
                out().println(n);
            }
        }
        return SessionKitCli.OK;
    }
}
