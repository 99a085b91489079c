package io.sessionkit.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "show",
        description = "Show one session: metadata, attribute names and sizes; values only with --values.")
final class ShowCommand extends StoreCommand {
    @Option(
            names = "--key",
            paramLabel = "K",
            required = true,
            description = "Hashed key (43 chars), session id (32), or the first 6+ characters of a hashed key.")
    String key = "";

    @Option(names = "--values", description = "Also print the attribute values (they may hold personal data).")
    boolean values;

    @Override
    public Integer call() {
        try (SessionStore store = open()) {
            Optional<SessionRecord> found = Keys.find(store, key);
            if (found.isEmpty()) {
                if (json()) {
                    printJson(Map.of("found", false));
                } else {
                    err().println("sessionkit: no live session for the given --key"); // never echo it: it may be a
                    // cookie id
                }
                return SessionKitCli.PROBLEM;
            }
            SessionRecord r = found.get();
            Map<String, JsonNode> attributes = Views.attributes(r);
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>(Views.metadata(r));
                List<Map<String, Object>> list = new ArrayList<>();
                attributes.forEach((name, value) -> {
                    Map<String, Object> a = new LinkedHashMap<>();
                    a.put("name", name);
                    a.put("bytes", Views.size(value));
                    if (values) {
                        a.put("value", value);
                    }
                    list.add(a);
                });
                m.put("attributes", list);
                printJson(m);
            } else {
                out().println("key            " + r.key().shortForm());
                out().println("version        " + r.version());
                out().println("principal      " + (r.principal() == null ? "-" : r.principal()));
                out().println("created        " + r.createdAt());
                out().println("last accessed  " + r.lastAccessedAt());
                out().println("expires        " + r.expiresAt());
                out().println("max idle       " + Views.human(r.maxIdle()));
                out().println("attributes     " + attributes.size());
                attributes.forEach((name, value) ->
                        out().println("  " + name + "  " + Views.size(value) + " B" + (values ? "  " + value : "")));
            }
        }
        return SessionKitCli.OK;
    }
}
