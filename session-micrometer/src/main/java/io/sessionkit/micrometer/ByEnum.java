package io.sessionkit.micrometer;

import java.util.function.Function;

/**
 * One value for every constant of an enum, made up front and read-only after: an {@link java.util.EnumMap} that is
 * full by construction, so a read is one array load and never null.
 */
final class ByEnum<K extends Enum<K>, V> {
    private final Object[] values;

    private ByEnum(K[] constants, Function<K, V> value) {
        values = new Object[constants.length];
        for (K k : constants) {
            values[index(k)] = value.apply(k);
        }
    }

    static <K extends Enum<K>, V> ByEnum<K, V> of(Class<K> type, Function<K, V> value) {
        return new ByEnum<>(type.getEnumConstants(), value);
    }

    @SuppressWarnings("unchecked") // only ever filled with V, in the constructor
    V get(K key) {
        return (V) values[index(key)];
    }

    @SuppressWarnings("EnumOrdinal") // an in-memory index, as EnumMap's own; never stored or sent anywhere
    private static int index(Enum<?> key) {
        return key.ordinal();
    }
}
