package io.sessionkit.benchmarks;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The {@code --name value} options of this module's command-line tools; a name may be given more than once. */
record Options(Map<String, List<String>> values) {

    /** Parses {@code args}, refusing a name that is not one of the space-separated {@code names}. */
    static Options parse(String[] args, String names) {
        Set<String> known = Set.of(names.split(" "));
        Map<String, List<String>> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : args[i];
            if (!known.contains(name) || i + 1 == args.length) {
                throw new IllegalArgumentException(
                        "unknown option or missing value: " + args[i] + "; options: " + names);
            }
            values.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
        }
        return new Options(values);
    }

    String get(String name, String fallback) {
        List<String> v = values.get(name);
        return v == null ? fallback : v.get(v.size() - 1);
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }
}
