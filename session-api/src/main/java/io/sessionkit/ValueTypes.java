package io.sessionkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.ResolvableDeserializer;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.ResolvableSerializer;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The closed set of application types that the JSON codec gives back as themselves. Everything else comes back as its
 * plain JSON form (Map, List, String, ...), exactly as without registration.
 *
 * <p><b>Safe by construction.</b> A registered value is stored tagged, {@code {"@type":"<alias>","@value":<json>}}
 * (docs/FORMAT.md), where the alias is a name the application (or an integration it chose) gave the type. Reading
 * looks the alias up in this set and nowhere else: a tag that names no registered type — a class name included —
 * fails as a {@link SessionCodecException} (so the decode-failure policy applies) and nothing is instantiated, no
 * class is loaded. The Jackson mapper that maps registered types refuses every class-name-based polymorphic type (a
 * deny-all {@link com.fasterxml.jackson.databind.jsontype.PolymorphicTypeValidator}), and an application mapper with
 * default typing switched on is refused at build time.
 *
 * <p><b>Jackson modules are explicit.</b> The codec's mapper has exactly the modules given to {@link Builder#modules}
 * (or those already registered in the mapper given to {@link Builder#objectMapper}); nothing is discovered from the
 * class path.
 *
 * <p>Set it with {@link SessionManager.Builder#jsonCodec(ValueTypes)}, or name {@link Provider}s in
 * {@code sessionkit.codec.types} (a comma-separated list of {@link Provider#name()}s found with
 * {@link java.util.ServiceLoader}; default none).
 */
public final class ValueTypes {
    /** The member of a tagged value that holds its alias. */
    public static final String TYPE = "@type";
    /** The member of a tagged value that holds its JSON form. */
    public static final String VALUE = "@value";

    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,99}");
    private static final ValueTypes NONE = builder().build();

    /**
     * A named registration, found with {@link java.util.ServiceLoader} and switched on by naming it in
     * {@code sessionkit.codec.types}: how an integration (e.g. {@code spring-security}) ships the types it needs.
     */
    public interface Provider {
        /** The name used in {@code sessionkit.codec.types}, e.g. {@code spring-security}. */
        String name();

        /** Registers this provider's types (and modules, if any). */
        void register(Builder builder);
    }

    private record Entry<T>(
            String alias, Class<T> type, @Nullable ValueAdapter<T> adapter) {}

    private final Map<String, Entry<?>> byAlias;
    private final Map<Class<?>, Entry<?>> byClass;
    private final ObjectMapper mapper;
    private final Context context = new Context();

    private ValueTypes(Builder b) {
        this.byAlias = Map.copyOf(b.byAlias);
        Map<Class<?>, Entry<?>> classes = new LinkedHashMap<>();
        for (Entry<?> e : b.byAlias.values()) {
            classes.put(e.type(), e);
        }
        this.byClass = Map.copyOf(classes);
        ObjectMapper m;
        if (b.mapper != null) {
            if (b.mapper.getDeserializationConfig().getDefaultTyper(b.mapper.constructType(Object.class)) != null) {
                throw new IllegalArgumentException("ValueTypes.objectMapper: the mapper has default typing switched on"
                        + " (activateDefaultTyping); it would instantiate classes named in stored data. Give a mapper"
                        + " without it; register the types that must come back instead");
            }
            m = b.mapper.copy();
        } else {
            m = Json.newMapper();
        }
        m.setPolymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build());
        m.registerModules(b.modules);
        m.registerModule(tagModule());
        Json.limit(m);
        this.mapper = m;
    }

    /** No registered types: every value comes back as its plain JSON form. */
    public static ValueTypes none() {
        return NONE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registered aliases. */
    public Set<String> aliases() {
        return Collections.unmodifiableSet(new TreeSet<>(byAlias.keySet()));
    }

    @Override
    public String toString() {
        return "ValueTypes" + aliases();
    }

    // ---- used by JsonAttributeCodec ----

    JsonNode encode(Object value) {
        JsonNode node = mapper.valueToTree(value);
        String unknown = unknownTag(node);
        if (unknown != null) {
            throw new SessionCodecException(
                    "a plain map shaped like a typed value {\"" + TYPE + "\":\"" + unknown + "\",\"" + VALUE
                            + "\":...} whose type is not registered cannot be stored: it would not read back");
        }
        return node;
    }

    @Nullable
    Object decode(JsonNode node) {
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            if (isTag(node)) {
                return readTag(node);
            }
            Map<String, @Nullable Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), decode(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<@Nullable Object> list = new ArrayList<>(node.size());
            for (JsonNode child : node) {
                list.add(decode(child));
            }
            return list;
        }
        return Json.toPlain(node);
    }

    <T> @Nullable T decode(JsonNode node, Class<T> type) {
        if (node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (isTag(node)) {
            Object value = readTag(node);
            Class<?> boxed = box(type);
            if (!boxed.isInstance(value)) {
                throw new SessionCodecException("type tag " + alias(node) + " holds a "
                        + value.getClass().getName() + ", not a " + type.getName());
            }
            @SuppressWarnings("unchecked")
            T t = (T) value;
            return t;
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new SessionCodecException(
                    "cannot be read as " + type.getName() + ": " + JsonAttributeCodec.rootMessage(e), e);
        }
    }

    // ---- the tag ----

    private static boolean isTag(JsonNode node) {
        return node.isObject() && node.size() == 2 && node.path(TYPE).isTextual() && node.has(VALUE);
    }

    /** The alias for a message: data, so only shown when it is a well-formed alias. */
    private static String alias(JsonNode tag) {
        String alias = tag.path(TYPE).asText();
        return ALIAS.matcher(alias).matches() ? "'" + alias + "'" : "(malformed)";
    }

    private Object readTag(JsonNode tag) {
        Entry<?> entry = byAlias.get(tag.get(TYPE).textValue());
        if (entry == null) {
            throw new SessionCodecException("type tag " + alias(tag)
                    + " names no registered type (ValueTypes, sessionkit.codec.types); nothing was instantiated");
        }
        return read(entry, tag.get(VALUE));
    }

    private <T> T read(Entry<T> entry, JsonNode json) {
        T value;
        try {
            if (entry.adapter() != null) {
                value = entry.adapter().read(json, context);
            } else {
                value = mapper.treeToValue(json, entry.type());
            }
        } catch (SessionCodecException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new SessionCodecException(
                    "stored '" + entry.alias() + "' cannot be read as "
                            + entry.type().getName() + ": " + JsonAttributeCodec.rootMessage(e),
                    e);
        }
        if (value == null) {
            throw new SessionCodecException("stored '" + entry.alias() + "' read as null");
        }
        return value;
    }

    /** The alias of the first tag-shaped object in {@code node} whose alias is not registered, or null. */
    @Nullable
    String unknownTag(JsonNode node) {
        if (node.isObject()) {
            if (isTag(node) && !byAlias.containsKey(node.get(TYPE).textValue())) {
                String a = node.get(TYPE).textValue();
                return ALIAS.matcher(a).matches() ? a : "?";
            }
            for (JsonNode child : node) {
                String found = unknownTag(child);
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                String found = unknownTag(child);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Class<?> box(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        return java.lang.invoke.MethodType.methodType(type).wrap().returnType();
    }

    private SimpleModule tagModule() {
        SimpleModule module = new SimpleModule("sessionkit-value-types");
        module.setSerializerModifier(new BeanSerializerModifier() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonSerializer<?> modifySerializer(
                    SerializationConfig config, BeanDescription desc, JsonSerializer<?> serializer) {
                Entry<?> entry = byClass.get(desc.getBeanClass());
                return entry == null || serializer instanceof TagSerializer
                        ? serializer
                        : new TagSerializer(entry, serializer);
            }
        });
        module.setDeserializerModifier(new BeanDeserializerModifier() {
            private static final long serialVersionUID = 1L;

            @Override
            public JsonDeserializer<?> modifyDeserializer(
                    DeserializationConfig config, BeanDescription desc, JsonDeserializer<?> deserializer) {
                Entry<?> entry = byClass.get(desc.getBeanClass());
                return entry == null || deserializer instanceof TagDeserializer
                        ? deserializer
                        : new TagDeserializer(entry, deserializer);
            }
        });
        // A value declared as Object (a Map's values, an Object field) reads tags too, and nothing else typed.
        module.addDeserializer(Object.class, new UntypedDeserializer());
        return module;
    }

    /** Writes a registered type as its tag, around the adapter or Jackson's own serializer of the type. */
    private final class TagSerializer extends JsonSerializer<Object>
            implements ContextualSerializer, ResolvableSerializer {
        private final Entry<?> entry;
        private final JsonSerializer<?> delegate;

        TagSerializer(Entry<?> entry, JsonSerializer<?> delegate) {
            this.entry = entry;
            this.delegate = delegate;
        }

        @Override
        public void serialize(Object value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartObject();
            gen.writeStringField(TYPE, entry.alias());
            gen.writeFieldName(VALUE);
            if (entry.adapter() != null) {
                gen.writeTree(write(entry, value));
            } else {
                @SuppressWarnings("unchecked")
                JsonSerializer<Object> d = (JsonSerializer<Object>) delegate;
                d.serialize(value, gen, provider);
            }
            gen.writeEndObject();
        }

        @Override
        public JsonSerializer<?> createContextual(SerializerProvider prov, @Nullable BeanProperty property)
                throws JsonMappingException {
            return delegate instanceof ContextualSerializer c
                    ? new TagSerializer(entry, c.createContextual(prov, property))
                    : this;
        }

        @Override
        public void resolve(SerializerProvider provider) throws JsonMappingException {
            if (delegate instanceof ResolvableSerializer r) {
                r.resolve(provider);
            }
        }
    }

    private <T> JsonNode write(Entry<T> entry, Object value) {
        ValueAdapter<T> adapter = Objects.requireNonNull(entry.adapter());
        return adapter.write(entry.type().cast(value), context);
    }

    /** Reads a registered type from its tag, or from its untagged JSON form where the type is declared. */
    private final class TagDeserializer extends JsonDeserializer<Object>
            implements ContextualDeserializer, ResolvableDeserializer {
        private final Entry<?> entry;
        private final JsonDeserializer<?> delegate;

        TagDeserializer(Entry<?> entry, JsonDeserializer<?> delegate) {
            this.entry = entry;
            this.delegate = delegate;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = ctxt.readTree(p);
            if (isTag(tree)) {
                Entry<?> stored = byAlias.get(tree.get(TYPE).textValue());
                if (stored == null || !entry.type().isAssignableFrom(stored.type())) {
                    throw new SessionCodecException(
                            "type tag " + alias(tree) + " where a '" + entry.alias() + "' belongs");
                }
                return read(stored, tree.get(VALUE));
            }
            if (entry.adapter() != null) {
                return read(entry, tree);
            }
            try (JsonParser body = tree.traverse(p.getCodec())) {
                JsonToken first = body.nextToken();
                if (first == null) {
                    throw new SessionCodecException("empty value where a " + entry.alias() + " belongs");
                }
                return delegate.deserialize(body, ctxt);
            }
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext ctxt, @Nullable BeanProperty property)
                throws JsonMappingException {
            return delegate instanceof ContextualDeserializer c
                    ? new TagDeserializer(entry, c.createContextual(ctxt, property))
                    : this;
        }

        @Override
        public void resolve(DeserializationContext ctxt) throws JsonMappingException {
            if (delegate instanceof ResolvableDeserializer r) {
                r.resolve(ctxt);
            }
        }
    }

    /** For values declared {@code Object}: the plain form, with registered tags read as their types. */
    private final class UntypedDeserializer extends JsonDeserializer<Object> {
        @Override
        public @Nullable Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return decode(ctxt.readTree(p));
        }

        @Override
        public @Nullable Object getNullValue(DeserializationContext ctxt) {
            return null;
        }
    }

    /** The nested-value rules for adapters: registered types or plain JSON values only. */
    private final class Context implements ValueContext {
        @Override
        public JsonNode write(@Nullable Object value) {
            requirePlainOrRegistered(value, 0);
            return value == null ? JsonNodeFactory.instance.nullNode() : mapper.valueToTree(value);
        }

        @Override
        public @Nullable Object read(@Nullable JsonNode json) {
            return json == null ? null : decode(json);
        }

        @Override
        public <T> @Nullable T read(@Nullable JsonNode json, Class<T> type) {
            return json == null ? null : decode(json, type);
        }

        private void requirePlainOrRegistered(@Nullable Object value, int depth) {
            if (value == null
                    || value instanceof String
                    || value instanceof Boolean
                    || value instanceof Integer
                    || value instanceof Long
                    || value instanceof BigInteger
                    || value instanceof BigDecimal
                    || value instanceof Double
                    || byClass.containsKey(value.getClass())) {
                return;
            }
            if (depth > 100) {
                throw new SessionCodecException("nested value deeper than 100 levels");
            }
            if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!(e.getKey() instanceof String)) {
                        throw new SessionCodecException("a nested map key is a "
                                + (e.getKey() == null
                                        ? "null"
                                        : e.getKey().getClass().getName()) + ", not a String");
                    }
                    requirePlainOrRegistered(e.getValue(), depth + 1);
                }
                return;
            }
            if (value instanceof Collection<?> c) {
                for (Object o : c) {
                    requirePlainOrRegistered(o, depth + 1);
                }
                return;
            }
            if (value instanceof Object[] array) {
                for (Object o : array) {
                    requirePlainOrRegistered(o, depth + 1);
                }
                return;
            }
            throw new SessionCodecException(
                    "a nested " + value.getClass().getName()
                            + " is not a registered value type (ValueTypes.Builder.register) and would not come back as itself");
        }
    }

    /** Registers the types; every check happens here, at startup. */
    public static final class Builder {
        private final Map<String, Entry<?>> byAlias = new LinkedHashMap<>();
        private final List<Module> modules = new ArrayList<>();
        private @Nullable ObjectMapper mapper;

        private Builder() {}

        /**
         * A type Jackson maps by its properties (a record, or a class with a default constructor or a
         * {@code @JsonCreator}), stored under {@code alias}, e.g. {@code register("shop.cart", Cart.class)}. Only
         * exactly this class is tagged; register subclasses too if they are stored.
         *
         * @param alias a stable name ({@code [A-Za-z0-9][A-Za-z0-9._:-]{0,99}}) that stays the same when the class
         *     is renamed or moved
         */
        public <T> Builder register(String alias, Class<T> type) {
            return add(new Entry<>(alias, type, null));
        }

        /** A type written and read by {@code adapter}, stored under {@code alias}. */
        public <T> Builder register(String alias, Class<T> type, ValueAdapter<T> adapter) {
            return add(new Entry<>(alias, type, Objects.requireNonNull(adapter, "adapter")));
        }

        /** Everything {@code provider} registers. */
        public Builder add(Provider provider) {
            provider.register(this);
            return this;
        }

        /** Jackson modules for the codec's mapper (e.g. {@code new JavaTimeModule()}), in this order. */
        public Builder modules(Module... modules) {
            for (Module m : modules) {
                this.modules.add(Objects.requireNonNull(m, "module"));
            }
            return this;
        }

        /**
         * The application's own mapper as the base (its modules, mixins and naming settings); a copy is used, with
         * class-name-based polymorphic types refused and SessionKit's limits applied.
         *
         * @throws IllegalArgumentException at {@link #build()} when the mapper has default typing switched on
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        public ValueTypes build() {
            return new ValueTypes(this);
        }

        private Builder add(Entry<?> entry) {
            Objects.requireNonNull(entry.type(), "type");
            if (!ALIAS.matcher(Objects.requireNonNull(entry.alias(), "alias")).matches()) {
                throw new IllegalArgumentException(
                        "ValueTypes.register: alias '" + entry.alias() + "' is not valid; expected " + ALIAS.pattern());
            }
            if (entry.type().isPrimitive()
                    || entry.type().isArray()
                    || entry.type().isInterface()
                    || java.lang.reflect.Modifier.isAbstract(entry.type().getModifiers())) {
                throw new IllegalArgumentException(
                        "ValueTypes.register: " + entry.type().getName()
                                + " is not a concrete class; register the classes whose objects are stored");
            }
            Entry<?> before = byAlias.get(entry.alias());
            if (before != null && !before.equals(entry)) {
                throw new IllegalArgumentException("ValueTypes.register: alias '" + entry.alias() + "' is already "
                        + before.type().getName());
            }
            for (Entry<?> e : byAlias.values()) {
                if (e.type() == entry.type() && !e.alias().equals(entry.alias())) {
                    throw new IllegalArgumentException("ValueTypes.register: "
                            + entry.type().getName() + " is already registered as '" + e.alias() + "'");
                }
            }
            byAlias.put(entry.alias(), entry);
            return this;
        }
    }
}
