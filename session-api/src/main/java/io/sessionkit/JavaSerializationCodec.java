package io.sessionkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Opt-in codec for legacy apps that keep {@link Serializable} objects in the session and cast what they read back. Every
 * value comes back as the class that was stored, in later requests too, in one of three stored forms:
 *
 * <ul>
 *   <li>plain JSON for {@code null}, {@link String}, {@link Boolean} and {@link Integer}, the types a JSON reader gives
 *       back exactly;</li>
 *   <li>a tagged scalar for the other {@code java.lang} numbers and {@link Character}: a one-member object whose name
 *       says the type and whose value is the Java {@code toString()} text, e.g. {@code {"@long":"5"}},
 *       {@code {"@double":"NaN"}}, {@code {"@bigdecimal":"1.50"}} (see {@link Tag}). No class name is stored and none is
 *       looked up when reading: the tags are a fixed list;</li>
 *   <li>anything else as Java serialization, {@code {"@java":"<base64>"}}, read back only through a JEP 290
 *       {@link ObjectInputFilter} built from an allow-list: a class outside it is refused before it is instantiated.
 *       A {@code BigInteger} or {@code BigDecimal} whose text would exceed {@link #MAX_TAGGED_TEXT} characters, and a
 *       {@code Character} that is a lone surrogate (which UTF-8 stores cannot hold as text), take this form too.</li>
 * </ul>
 *
 * A tag is recognised only as an object with exactly that one member holding a string; any other object is a plain map.
 */
final class JavaSerializationCodec implements AttributeCodec {
    static final String FIELD = "@java";
    /**
     * The longest text a tagged scalar may hold, as long as the longest JSON number {@link Json} reads, so that a stored
     * tag cannot make a read parse an unbounded number.
     */
    static final int MAX_TAGGED_TEXT = 1000;
    /**
     * Always allowed: the plain JDK value types ({@code java.lang.Object} itself only so that the {@code Object[]}
     * inside collections passes; it is not Serializable), their usual collections, and a few JDK enums. None of them
     * runs application code when read. Applications add their own classes and packages, their enums included.
     */
    static final String BASE_ALLOW =
            "java.lang.Object;java.lang.String;java.lang.Number;java.lang.Integer;java.lang.Long;java.lang.Short;"
                    + "java.lang.Byte;java.lang.Double;java.lang.Float;java.lang.Boolean;java.lang.Character;java.lang.Enum;"
                    + "java.math.BigDecimal;java.math.BigInteger;java.math.RoundingMode;"
                    + "java.util.ArrayList;java.util.LinkedList;java.util.ArrayDeque;java.util.Arrays$ArrayList;"
                    + "java.util.HashMap;java.util.LinkedHashMap;java.util.TreeMap;java.util.EnumMap;java.util.Map$Entry;"
                    + "java.util.HashSet;java.util.LinkedHashSet;java.util.TreeSet;"
                    // An EnumSet travels as its proxy, whose readResolve builds one of these (which refuse to be read
                    // directly).
                    + "java.util.EnumSet$SerializationProxy;java.util.RegularEnumSet;java.util.JumboEnumSet;"
                    + "java.util.Collections$*;java.util.ImmutableCollections$*;java.util.CollSer;"
                    + "java.util.UUID;java.util.Locale;java.util.Date;java.net.URI;java.util.concurrent.TimeUnit;"
                    + "java.time.Ser;java.time.*;java.time.temporal.ChronoUnit";

    static final String LIMITS = "maxdepth=32;maxrefs=100000;maxarray=1000000;maxbytes=16777216";

    /** {@link #LIMITS} alone: tells a refusal for size or depth from one for the class. */
    private static final ObjectInputFilter LIMITS_ONLY = ObjectInputFilter.Config.createFilter(LIMITS);

    /**
     * The tagged scalars: the stored name and how the {@code toString()} text is read back. Each parse accepts exactly
     * the text {@code toString()} writes (and somewhat more: it is Java's own parser for the type).
     */
    enum Tag {
        LONG("@long", Long.class),
        SHORT("@short", Short.class),
        BYTE("@byte", Byte.class),
        FLOAT("@float", Float.class),
        DOUBLE("@double", Double.class),
        CHARACTER("@character", Character.class),
        BIG_INTEGER("@biginteger", BigInteger.class),
        BIG_DECIMAL("@bigdecimal", BigDecimal.class);

        final String field;
        final Class<?> type;

        Tag(String field, Class<?> type) {
            this.field = field;
            this.type = type;
        }

        /** Java's own parser for the type (a switch, not a function field, so the enum stays immutable). */
        Object parse(String text) {
            return switch (this) {
                case LONG -> Long.valueOf(text);
                case SHORT -> Short.valueOf(text);
                case BYTE -> Byte.valueOf(text);
                case FLOAT -> Float.valueOf(text);
                case DOUBLE -> Double.valueOf(text);
                case CHARACTER -> character(text);
                case BIG_INTEGER -> new BigInteger(text);
                case BIG_DECIMAL -> new BigDecimal(text);
            };
        }

        static @Nullable Tag of(Class<?> type) {
            for (Tag t : values()) {
                if (t.type == type) {
                    return t;
                }
            }
            return null;
        }

        static @Nullable Tag named(String field) {
            for (Tag t : values()) {
                if (t.field.equals(field)) {
                    return t;
                }
            }
            return null;
        }

        private static Object character(String text) {
            if (text.length() != 1) {
                throw new IllegalArgumentException("a character is one UTF-16 unit, not " + text.length());
            }
            return text.charAt(0);
        }
    }

    private static final System.Logger LOG = System.getLogger("io.sessionkit.codec");

    private final ObjectInputFilter filter;
    private final String pattern;

    JavaSerializationCodec(@Nullable String allowList) {
        this(allowList, false);
    }

    private JavaSerializationCodec(@Nullable String allowList, boolean learning) {
        String user = allowList == null ? "" : allowList.trim();
        this.pattern = LIMITS + ";" + BASE_ALLOW + (user.isEmpty() ? "" : ";" + user) + ";!*";
        ObjectInputFilter enforcing = ObjectInputFilter.Config.createFilter(pattern);
        this.filter = learning ? new Learning(enforcing, ObjectInputFilter.Config.createFilter(LIMITS)) : enforcing;
    }

    /**
     * {@code sessionkit.codec.java.mode=learn}: for staging, never production. A class the allow-list would refuse is
     * read anyway and named once in a WARNING line (its class name only, never data), so a legacy team can build
     * its list; the size and depth limits still refuse.
     */
    static JavaSerializationCodec learning(@Nullable String allowList) {
        LOG.log(
                System.Logger.Level.WARNING,
                "sessionkit.codec.java.mode=learn: classes outside sessionkit.codec.java.filter are deserialized and"
                        + " logged instead of refused. Use it in staging to build the allow-list, never in production");
        return new JavaSerializationCodec(allowList, true);
    }

    /** Allows and names, once each, the classes {@code enforcing} refuses; {@code limits} still refuses. */
    private static final class Learning implements ObjectInputFilter {
        private final ObjectInputFilter enforcing;
        private final ObjectInputFilter limits;
        private final java.util.Set<String> named = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Learning(ObjectInputFilter enforcing, ObjectInputFilter limits) {
            this.enforcing = enforcing;
            this.limits = limits;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (limits.checkInput(info) == Status.REJECTED) {
                return Status.REJECTED;
            }
            Status status = enforcing.checkInput(info);
            Class<?> type = info.serialClass();
            if (status != Status.REJECTED || type == null) {
                return status;
            }
            Class<?> named = type;
            while (named.isArray()) {
                named = named.getComponentType();
            }
            if (this.named.add(named.getName())) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "sessionkit.codec.java.mode=learn: the allow-list would refuse {0}; add it (or its package,"
                                + " e.g. {1}.*) to sessionkit.codec.java.filter",
                        named.getName(),
                        named.getPackageName());
            }
            return Status.ALLOWED;
        }
    }

    String pattern() {
        return pattern;
    }

    @Override
    public JsonNode encode(String name, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer) {
            return JsonAttributeCodec.INSTANCE.encode(name, value);
        }
        // The exact class: a subclass of BigInteger or BigDecimal is not the class the tag gives back.
        Tag tag = Tag.of(value.getClass());
        if (tag != null) {
            String text = value.toString();
            boolean loneSurrogate = value instanceof Character c && Character.isSurrogate(c);
            if (text.length() <= MAX_TAGGED_TEXT && !loneSurrogate) {
                return JsonNodeFactory.instance.objectNode().put(tag.field, text);
            }
        }
        if (!(value instanceof Serializable)) {
            throw new SessionCodecException(
                    "attribute '" + name + "': " + value.getClass().getName()
                            + " is not Serializable, so the Java serialization codec cannot store it");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new SessionCodecException(
                    "attribute '" + name + "': cannot serialize "
                            + value.getClass().getName() + ": " + e,
                    e);
        }
        // Refuse at write time what could not be read back, instead of failing every later request.
        decodeBytes(name, bytes.toByteArray());
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put(FIELD, Base64.getEncoder().encodeToString(bytes.toByteArray()));
        return node;
    }

    @Override
    public @Nullable Object decode(String name, JsonNode node) {
        String field = singleTextField(node);
        if (FIELD.equals(field)) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.get(FIELD).textValue());
            } catch (IllegalArgumentException e) {
                throw new SessionCodecException("attribute '" + name + "': stored Java object is not valid base64", e);
            }
            return decodeBytes(name, bytes);
        }
        Tag tag = field == null ? null : Tag.named(field);
        if (tag != null) {
            return decodeTagged(name, tag, node.get(field).textValue());
        }
        return Json.toPlain(node);
    }

    @Override
    public <T> @Nullable T decode(String name, JsonNode node, Class<T> type) {
        Object value = decode(name, node);
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        // A tagged scalar converts as its plain JSON form would (a Long read as long.class or Integer.class).
        String field = singleTextField(node);
        if (field != null && Tag.named(field) != null) {
            return JsonAttributeCodec.INSTANCE.decode(name, Json.MAPPER.valueToTree(value), type);
        }
        return JsonAttributeCodec.INSTANCE.decode(name, node, type);
    }

    /** The name of the only member of {@code node} when it is an object whose one member is a string, else null. */
    private static @Nullable String singleTextField(@Nullable JsonNode node) {
        if (node == null || !node.isObject() || node.size() != 1) {
            return null;
        }
        Map.Entry<String, JsonNode> only = node.properties().iterator().next();
        return only.getValue().isTextual() ? only.getKey() : null;
    }

    private static Object decodeTagged(String name, Tag tag, String text) {
        if (text.length() > MAX_TAGGED_TEXT) {
            throw new SessionCodecException("attribute '" + name + "': stored " + tag.field + " is longer than "
                    + MAX_TAGGED_TEXT + " characters");
        }
        try {
            return tag.parse(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
            // NumberFormatException is an IllegalArgumentException. The text is data, not echoed: it could be anything.
            throw new SessionCodecException(
                    "attribute '" + name + "': stored " + tag.field + " is not a valid " + tag.type.getSimpleName()
                            + " (" + e.getClass().getSimpleName() + ")",
                    e);
        }
    }

    Object decodeBytes(String name, byte[] bytes) {
        // The JDK's refusal says only "filter status: REJECTED"; the class it refused is what the operator must add.
        String[] refused = new String[1];
        ObjectInputFilter recording = info -> {
            ObjectInputFilter.Status status = filter.checkInput(info);
            Class<?> type = info.serialClass();
            if (status == ObjectInputFilter.Status.REJECTED && refused[0] == null) {
                if (LIMITS_ONLY.checkInput(info) == ObjectInputFilter.Status.REJECTED) {
                    // A limit, not the class: naming the class would send the operator to the allow-list for nothing.
                    refused[0] = "the stream exceeds a limit (" + LIMITS + "), so it was not read";
                } else if (type != null) {
                    while (type.isArray()) {
                        type = type.getComponentType();
                    }
                    refused[0] = "class " + type.getName() + " is not on the allow-list, so it was not instantiated";
                }
            }
            return status;
        };
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(recording);
            return in.readObject();
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            String why = refused[0] != null ? refused[0] : e.getMessage();
            throw new SessionCodecException(
                    "attribute '" + name + "': Java object refused or unreadable (allow-list: "
                            + "sessionkit.codec.java.filter): " + why,
                    e);
        }
    }
}
