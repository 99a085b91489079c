package io.sessionkit.cli;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "count", description = "Count the live sessions (needs SCAN: every store but memcached).")
final class CountCommand extends StoreCommand {
    @Mixin
    PageSize pageSize = new PageSize();

    @Override
    public Integer call() {
        int size = pageSize.checked();
        try (SessionStore store = open()) {
            require(store, StoreFeature.SCAN, "count");
            long n = 0;
            @Nullable String cursor = null;
            do {
                ScanPage page = store.scan(cursor, size);
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
