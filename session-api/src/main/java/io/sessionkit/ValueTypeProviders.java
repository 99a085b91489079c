package io.sessionkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;

/** {@code sessionkit.codec.types}: the {@link ValueTypes.Provider}s named there, found with {@link ServiceLoader}. */
final class ValueTypeProviders {
    private ValueTypeProviders() {}

    static ValueTypes fromConfig(String names) {
        List<String> wanted = new ArrayList<>();
        for (String n : names.split(",", -1)) {
            String name = n.trim().toLowerCase(Locale.ROOT);
            if (!name.isEmpty() && !name.equals("none")) {
                wanted.add(name);
            }
        }
        if (wanted.isEmpty()) {
            return ValueTypes.none();
        }
        Map<String, ValueTypes.Provider> found = new LinkedHashMap<>();
        for (ValueTypes.Provider p : ServiceLoader.load(ValueTypes.Provider.class, classLoader())) {
            found.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
        }
        ValueTypes.Builder b = ValueTypes.builder();
        for (String name : wanted) {
            ValueTypes.Provider p = found.get(name);
            if (p == null) {
                throw SessionKitConfig.invalid(
                        "sessionkit.codec.types",
                        names,
                        "names of value-type providers on the class path ("
                                + (found.isEmpty() ? "none found" : String.join(", ", found.keySet()))
                                + "); '" + name + "' is not one of them");
            }
            b.add(p);
        }
        return b.build();
    }

    private static ClassLoader classLoader() {
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        return tccl != null ? tccl : ValueTypeProviders.class.getClassLoader();
    }
}
