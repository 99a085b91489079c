package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.management.BadAttributeValueExpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stored bytes are attacker-controlled as soon as someone can write to the store. With the opt-in Java codec, the
 * JEP 290 allow-list must refuse every class outside it before anything is instantiated; the JSON codec must never
 * instantiate a type named by the data. Payloads are written straight into the store, as an attacker with store
 * access would, and then read through {@link SessionManager}.
 *
 * <p>The codec is the same on every backend (backends store the attribute text without interpreting it), so the
 * in-process store serves here.
 */
class DeserializationSafetyTest {
    private static final String CART = Cart.class.getName();

    private SessionStore store;

    @BeforeEach
    void open() {
        store = SessionStores.open(SessionKitConfig.of(Map.of("sessionkit.store", "local")));
        GadgetBase.INSTANTIATIONS.set(0);
        EvilGadget.READS.set(0);
        EvilComparator.CALLS.set(0);
        JsonBomb.INSTANTIATIONS.set(0);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    @DisplayName("positive control: an allow-listed class round-trips through the Java codec")
    void allowListedClassRoundTrips() {
        SessionManager manager =
                SessionManager.builder(store).javaSerialization(CART).build();
        Session s = manager.create();
        s.setAttribute("cart", new Cart(List.of("apple", "pear")));
        manager.save(s);
        Session found = manager.find(s.id().value()).orElseThrow();
        assertThat(found.getAttribute("cart")).isEqualTo(new Cart(List.of("apple", "pear")));
    }

    static List<Gadget> gadgets() {
        List<Gadget> g = new ArrayList<>();
        g.add(new Gadget("a class outside the allow-list with readObject side effects", new EvilGadget()));
        g.add(new Gadget(
                "an allowed ArrayList holding a refused class", new ArrayList<>(List.of("ok", new EvilGadget()))));
        g.add(new Gadget("an allowed HashMap holding a refused class", new HashMap<>(Map.of("k", new EvilGadget()))));
        PriorityQueue<Object> queue = new PriorityQueue<>(new EvilComparator());
        queue.add("b");
        queue.add("a");
        g.add(new Gadget("java.util.PriorityQueue with a comparator not on the list", queue));
        g.add(new Gadget(
                "javax.management.BadAttributeValueExpException",
                new BadAttributeValueExpException("toString gadget")));
        g.add(new Gadget("a URLDNS-shaped HashMap<java.net.URL, String>", urlDnsShape()));
        g.add(new Gadget(
                "java.util.concurrent.atomic.AtomicReference (JDK, not on the list)", new AtomicReference<>("x")));
        g.add(new Gadget("a harmless Serializable app class that is not allow-listed", new Cart(List.of("x"))));
        g.add(new Gadget("nesting deeper than maxdepth=32", nested(40)));
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gadgets")
    @DisplayName("Java codec: stored gadget refused on read, nothing instantiated")
    void storedGadgetIsRefusedOnRead(Gadget gadget) {
        // Cart is allow-listed in the positive control only; here the list holds an unrelated class.
        String id = plant("{\"g\":{\"@java\":\"" + gadget.base64 + "\"}}");
        resetCounters();

        Session s = unrelatedAllowList(DecodeFailurePolicy.FAIL).find(id).orElseThrow();
        assertThatThrownBy(() -> s.getAttribute("g"))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("refused or unreadable");
        // Refused only when read: both DROP policies drop the attribute (DROP_SESSION cannot drop a session in use).
        for (DecodeFailurePolicy dropping :
                List.of(DecodeFailurePolicy.DROP_SESSION, DecodeFailurePolicy.DROP_ATTRIBUTE)) {
            assertThat(unrelatedAllowList(dropping).find(id).orElseThrow().getAttribute("g"))
                    .as(dropping.name())
                    .isNull();
        }
        assertNothingInstantiated();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("gadgets")
    @DisplayName("Java codec: a gadget set by the application is refused before anything is written")
    void gadgetIsRefusedOnWrite(Gadget gadget) {
        SessionManager manager = unrelatedAllowList(DecodeFailurePolicy.DROP_SESSION);
        Session s = manager.create();
        resetCounters();
        assertThatThrownBy(() -> s.setAttribute("g", gadget.value)).isInstanceOf(SessionCodecException.class);
        assertThat(s.hasChanges()).isFalse();
        assertNothingInstantiated();
    }

    @Test
    @DisplayName("JSON codec: type names in the data (@class, @type, wrapper arrays, @java) are never instantiated")
    void jsonCodecNeverInstantiatesATypeNamedByTheData() {
        SessionManager manager = SessionManager.builder(store).build();
        String bomb = JsonBomb.class.getName();
        String evil = Base64.getEncoder().encodeToString(serialize(new EvilGadget()));
        resetCounters();
        String id = plant("{"
                + "\"a\":{\"@class\":\"" + bomb + "\",\"cmd\":\"boom\"},"
                + "\"b\":[\"" + bomb + "\",{\"cmd\":\"boom\"}],"
                + "\"c\":{\"@type\":\"" + bomb + "\",\"@c\":\"" + bomb + "\",\"cmd\":\"boom\"},"
                + "\"d\":[\"java.util.PriorityQueue\",{\"comparator\":[\"" + bomb + "\",{}]}],"
                + "\"e\":{\"payload\":{\"@class\":\"" + bomb + "\",\"cmd\":\"boom\"}},"
                + "\"f\":{\"@java\":\"" + evil + "\"}"
                + "}");
        Session s = manager.find(id).orElseThrow();
        for (String name : List.of("a", "b", "c", "d", "e", "f")) {
            assertThat(s.getAttribute(name)).as(name).isInstanceOfAny(Map.class, List.class);
            assertThat(s.getAttribute(name, Object.class)).as(name).isInstanceOfAny(Map.class, List.class);
        }
        Holder holder = s.getAttribute("e", Holder.class);
        assertThat(holder.payload).isInstanceOf(Map.class);
        // Even a property of an abstract type binds to plain maps: the data's type id is not used.
        assertThat(s.getAttribute("e", SerializableHolder.class).payload).isInstanceOf(Map.class);
        assertNothingInstantiated();
        assertThat(JsonBomb.INSTANTIATIONS).hasValue(0);
    }

    // ---- helpers

    /** Java serialization on, with an allow-list that holds none of the gadgets' classes (nor Cart). */
    private SessionManager unrelatedAllowList(DecodeFailurePolicy onDecodeFailure) {
        return SessionManager.builder(store)
                .javaSerialization("com.example.Unrelated")
                .decodeFailurePolicy(onDecodeFailure)
                .build();
    }

    /** Writes a live record with these attributes straight into the store, as someone with store access could. */
    private String plant(String attributes) {
        SessionId id = SessionId.generate();
        Instant now = Instant.now();
        assertThat(store.create(new SessionRecord(
                        id.key(),
                        1,
                        now,
                        now,
                        Duration.ofMinutes(30),
                        now.plus(Duration.ofMinutes(30)),
                        null,
                        attributes)))
                .isTrue();
        return id.value();
    }

    private static void resetCounters() {
        GadgetBase.INSTANTIATIONS.set(0);
        EvilGadget.READS.set(0);
        EvilComparator.CALLS.set(0);
        JsonBomb.INSTANTIATIONS.set(0);
    }

    private static void assertNothingInstantiated() {
        assertThat(GadgetBase.INSTANTIATIONS).as("gadget constructors run").hasValue(0);
        assertThat(EvilGadget.READS).as("gadget readObject/readResolve calls").hasValue(0);
        assertThat(EvilComparator.CALLS).as("comparator calls and reads").hasValue(0);
    }

    static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The shape of ysoserial's URLDNS: a HashMap whose key is a java.net.URL, so that HashMap.readObject hashes the
     * URL and resolves its host. Defused twice: the host is under {@code .invalid}, and the URL is built with a handler
     * that never resolves, whose hash is cached in the serialized form. The point is the refusal of java.net.URL.
     */
    // A HashMap keyed by java.net.URL is the very gadget (URL.hashCode resolving the host): on purpose here.
    @SuppressWarnings("URLEqualsHashCode")
    private static Map<URL, String> urlDnsShape() {
        URLStreamHandler noDns = new URLStreamHandler() {
            @Override
            protected URLConnection openConnection(URL u) {
                throw new UnsupportedOperationException();
            }

            @Override
            protected int hashCode(URL u) {
                return 42;
            }
        };
        try {
            HashMap<URL, String> map = new HashMap<>();
            map.put(new URL(null, "http://sessionkit-gadget.invalid/", noDns), "x");
            return map;
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object nested(int depth) {
        ArrayList<Object> inner = new ArrayList<>();
        Object current = inner;
        for (int i = 0; i < depth; i++) {
            ArrayList<Object> outer = new ArrayList<>();
            outer.add(current);
            current = outer;
        }
        return current;
    }

    /** A named payload, and its serialized form in Base64 (as the Java codec stores it). */
    record Gadget(String description, Object value, String base64) {
        Gadget(String description, Object value) {
            this(description, value, Base64.getEncoder().encodeToString(serialize(value)));
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** Deserialization runs the no-arg constructor of the first non-Serializable superclass: counted here. */
    public static class GadgetBase {
        static final AtomicInteger INSTANTIATIONS = new AtomicInteger();

        public GadgetBase() {
            INSTANTIATIONS.incrementAndGet();
        }
    }

    /** Stands for a gadget chain's entry point: its readObject has side effects. */
    public static class EvilGadget extends GadgetBase implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();
        String command = "touch /tmp/pwned";

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            READS.incrementAndGet();
            in.defaultReadObject();
        }

        private Object readResolve() {
            READS.incrementAndGet();
            return this;
        }
    }

    /** A comparator that PriorityQueue.readObject would call while re-heapifying. */
    public static class EvilComparator implements Comparator<Object>, Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        public int compare(Object a, Object b) {
            CALLS.incrementAndGet();
            return String.valueOf(a).compareTo(String.valueOf(b));
        }

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            CALLS.incrementAndGet();
            in.defaultReadObject();
        }
    }

    /** A harmless application value: accepted only when allow-listed. */
    public static final class Cart implements Serializable {
        private static final long serialVersionUID = 1L;
        private final ArrayList<String> items;

        public Cart(List<String> items) {
            this.items = new ArrayList<>(items);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cart c && c.items.equals(items);
        }

        @Override
        public int hashCode() {
            return Objects.hash(items);
        }
    }

    /** A bean whose construction is the side effect a JSON polymorphic-typing gadget would trigger. */
    public static class JsonBomb {
        static final AtomicInteger INSTANTIATIONS = new AtomicInteger();
        public String cmd;

        public JsonBomb() {
            INSTANTIATIONS.incrementAndGet();
        }
    }

    /** An application type with an untyped property. */
    public static class Holder {
        public Object payload;
    }

    /** An application type with an abstract property. */
    public static class SerializableHolder {
        public Serializable payload;
    }
}
