package io.sessionkit.cli;

import io.sessionkit.SessionStore;
import io.sessionkit.migration.BulkCopier;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "verify",
        description = {
            "Compare two stores session by session (both need SCAN): missing in the target, different (version,",
            "times, expiry, principal or attributes), extra in the target. Exit 1 if any."
        })
final class VerifyCommand extends StoreCommand {
    @Mixin
    StorePair stores = new StorePair();

    @Mixin
    PageSize pageSize = new PageSize();

    @Override
    public Integer call() {
        int size = pageSize.checked();
        BulkCopier.Verification v;
        try (SessionStore source = open(Configs.side("--from", stores.from, options()));
                SessionStore target = open(Configs.side("--to", stores.to, options()))) {
            v = BulkCopier.verify(source, target, size);
        }
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("checked", v.checked());
            m.put("missing", v.missing());
            m.put("different", v.different());
            m.put("extra", v.extra());
            m.put("clean", v.clean());
            m.put("missingKeys", v.missingKeys());
            m.put("differentKeys", v.differentKeys());
            m.put("extraKeys", v.extraKeys());
            printJson(m);
        } else {
            out().printf(
                            "checked %d: missing %d, different %d, extra %d%s%n",
                            v.checked(), v.missing(), v.different(), v.extra(), v.clean() ? " (clean)" : "");
            if (!v.missingKeys().isEmpty()) {
                out().println("missing:   " + String.join(" ", v.missingKeys()));
            }
            if (!v.differentKeys().isEmpty()) {
                out().println("different: " + String.join(" ", v.differentKeys()));
            }
            if (!v.extraKeys().isEmpty()) {
                out().println("extra:     " + String.join(" ", v.extraKeys()));
            }
            out().flush();
        }
        return v.clean() ? SessionKitCli.OK : SessionKitCli.PROBLEM;
    }
}
