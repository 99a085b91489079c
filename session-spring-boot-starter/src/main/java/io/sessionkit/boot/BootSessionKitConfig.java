package io.sessionkit.boot;

import io.sessionkit.SessionKitConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * The {@link SessionKitConfig} the starter hands to SessionKit: the keys {@link SessionKitProperties} covers, as Boot
 * bound and converted them, written back in SessionKit's syntax under their canonical names; the defaults Boot's own
 * properties give ({@code server.servlet.session.*}, see {@link BootDefaults}; {@code spring.data.redis.*} and connection
 * details beans are read by {@link RedisConnection} when it opens the store); and, for
 * every other {@code sessionkit.*} key (the codec's sub-keys, a third-party store's keys), the environment's value
 * looked up with relaxed names. So each value is parsed once: by Boot for the bound keys, by SessionKit for the rest.
 */
final class BootSessionKitConfig implements SessionKitConfig {
    /** Keys of this starter, not SessionKit's: never handed on, never reported as unknown. */
    private static final Set<String> STARTER_NAMESPACES = Set.of("enabled", "filter", "security", "metrics");

    /** Every key {@link SessionKitProperties} can hold (its record structure), canonical form. */
    static final List<String> BOUND_KEYS = List.copyOf(keysOf(SessionKitProperties.class, PREFIX));

    private static final String SPRING_SECURITY = "spring-security";

    private final Map<String, String> values;
    private final @Nullable Binder binder;
    private final Set<String> rawKeys;

    private BootSessionKitConfig(Map<String, String> values, @Nullable Binder binder, Set<String> rawKeys) {
        this.values = Map.copyOf(values);
        this.binder = binder;
        this.rawKeys = Set.copyOf(rawKeys);
    }

    /** The view over {@code properties} (bound by Boot), Boot's defaults from {@code environment}, then the rest. */
    static BootSessionKitConfig of(SessionKitProperties properties, Environment environment) {
        Map<String, String> values = new LinkedHashMap<>();
        flatten(properties, PREFIX, values);
        Binder binder = Binder.get(environment);
        BootDefaults.apply(binder, values);
        if (springSecurityTypesWanted(properties)) {
            addSpringSecurityTypes(binder, values);
        }
        return new BootSessionKitConfig(values, binder, unboundKeys(environment));
    }

    /**
     * Whether Spring Security's session objects are to be registered with the JSON codec: Spring Security and
     * session-spring-security on the class path, the integration not switched off ({@code sessionkit.security.enabled}).
     */
    static boolean springSecurityTypesWanted(SessionKitProperties properties) {
        ClassLoader loader = BootSessionKitConfig.class.getClassLoader();
        return (properties.security() == null
                        || !Boolean.FALSE.equals(properties.security().enabled()))
                && ClassUtils.isPresent(SessionKitSecurityAutoConfiguration.VALUE_TYPES, loader)
                && ClassUtils.isPresent("org.springframework.security.web.csrf.DefaultCsrfToken", loader);
    }

    /** {@code spring-security} added to {@code sessionkit.codec.types}, unless the list says {@code none} or has it. */
    private static void addSpringSecurityTypes(Binder binder, Map<String, String> values) {
        String key = PREFIX + "codec.types";
        String types = binder.bind(key, String.class).orElse("").trim();
        List<String> names = new ArrayList<>();
        for (String n : types.split(",", -1)) {
            if (!n.isBlank()) {
                names.add(n.trim().toLowerCase(Locale.ROOT));
            }
        }
        if (names.contains("none") || names.contains(SPRING_SECURITY)) {
            return;
        }
        values.put(key, types.isEmpty() ? SPRING_SECURITY : types + "," + SPRING_SECURITY);
    }

    @Override
    public @Nullable String get(String key) {
        String v = values.get(key);
        if (v != null || BOUND_KEYS.contains(key) || binder == null || !ConfigurationPropertyName.isValid(key)) {
            return v;
        }
        return binder.bind(key, String.class).orElse(null);
    }

    @Override
    public Set<String> keys() {
        Set<String> keys = new TreeSet<>(values.keySet());
        keys.addAll(rawKeys);
        return keys;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The {@code sessionkit.*} names in the environment that {@link SessionKitProperties} does not cover, for
     * SessionKit's warning about unknown keys; a bound key in another spelling ({@code sessionkit.maxIdle}) is covered.
     */
    private static Set<String> unboundKeys(Environment environment) {
        List<ConfigurationPropertyName> bound = new ArrayList<>();
        BOUND_KEYS.forEach(k -> bound.add(ConfigurationPropertyName.of(k)));
        ConfigurationPropertyName root = ConfigurationPropertyName.of("sessionkit");
        Set<String> out = new TreeSet<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            for (ConfigurationPropertyName name : iterable) {
                if (!root.isAncestorOf(name)
                        || bound.contains(name)
                        || STARTER_NAMESPACES.contains(name.getElement(1, ConfigurationPropertyName.Form.DASHED))
                        || isListElement(name, bound)) {
                    continue;
                }
                out.add(name.toString());
            }
        }
        return out;
    }

    /** {@code sessionkit.redis.cluster.nodes[0]}: an element of a bound list. */
    private static boolean isListElement(ConfigurationPropertyName name, List<ConfigurationPropertyName> bound) {
        return name.isLastElementIndexed() && bound.contains(name.getParent());
    }

    /** The leaf keys of a properties record, {@code sessionkit.redis.pool.max-total}, leaving out the starter's own. */
    private static List<String> keysOf(Class<?> type, String prefix) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String key = prefix + kebab(c.getName());
            if (prefix.equals(PREFIX) && STARTER_NAMESPACES.contains(kebab(c.getName()))) {
                continue;
            }
            if (c.getType().isRecord()) {
                out.addAll(keysOf(c.getType(), key + "."));
            } else {
                out.add(key);
            }
        }
        return out;
    }

    /** Writes each set value of {@code record} under its key, in SessionKit's syntax. */
    private static void flatten(Record record, String prefix, Map<String, String> out) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            String name = kebab(c.getName());
            if (prefix.equals(PREFIX) && STARTER_NAMESPACES.contains(name)) {
                continue;
            }
            Object value;
            try {
                value = c.getAccessor().invoke(record);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read " + prefix + name, e);
            }
            if (value == null) {
                continue;
            }
            if (value instanceof Record nested) {
                flatten(nested, prefix + name + ".", out);
            } else {
                out.put(prefix + name, text(value));
            }
        }
    }

    /** A bound value as SessionKit's parsers read it. */
    static String text(Object value) {
        if (value instanceof Duration d) {
            return d.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (value instanceof Collection<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(o -> parts.add(String.valueOf(o)));
            return String.join(",", parts);
        }
        return value.toString();
    }

    private static String kebab(String camel) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                b.append('-').append(Character.toLowerCase(ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
