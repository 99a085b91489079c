package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.Serializable;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Typed values on the JSON codec: registered types come back as themselves, nothing else is ever instantiated. */
class ValueTypesTest {
    record Item(String sku, int quantity) {}

    record Cart(List<Item> items, @Nullable Object note) {}

    /** Immutable, no properties Jackson could map: written by an adapter, like a framework's token. */
    static final class Token {
        final String value;
        final @Nullable Object owner;

        Token(String value, @Nullable Object owner) {
            this.value = value;
            this.owner = owner;
        }
    }

    static final class TokenAdapter implements ValueAdapter<Token> {
        @Override
        public JsonNode write(Token value, ValueContext context) {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            node.put("value", value.value);
            node.set("owner", context.write(value.owner));
            return node;
        }

        @Override
        public Token read(JsonNode json, ValueContext context) {
            return new Token(json.get("value").textValue(), context.read(json.get("owner")));
        }
    }

    /** Counts every construction and property set: a hostile record must never reach either. */
    public static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger TOUCHED = new AtomicInteger();

        public Gadget() {
            TOUCHED.incrementAndGet();
        }

        public void setCommand(String command) {
            TOUCHED.incrementAndGet();
        }
    }

    /** A registered type whose field asks Jackson for class-name typing: refused by the deny-all validator. */
    record Holder(
            @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) @Nullable
            Object payload) {}

    static final ValueTypes TYPES = ValueTypes.builder()
            .register("shop.item", Item.class)
            .register("shop.cart", Cart.class)
            .register("test.token", Token.class, new TokenAdapter())
            .register("test.holder", Holder.class)
            .build();

    private final EnvelopeMapStore store = new EnvelopeMapStore(Clock.systemUTC());

    private SessionManager manager(DecodeFailurePolicy policy) {
        return SessionManager.builder(store)
                .jsonCodec(TYPES)
                .decodeFailurePolicy(policy)
                .build();
    }

    private SessionId saved(SessionManager sessions, String name, Object value) {
        Session s = sessions.create();
        s.setAttribute(name, value);
        sessions.save(s);
        return s.id();
    }

    @Test
    void registeredTypesComeBackAsThemselvesInALaterRequestNestedInListsMapsAndObjectFields() {
        SessionManager sessions = manager(DecodeFailurePolicy.DROP_SESSION);
        Cart cart = new Cart(List.of(new Item("apple", 2), new Item("pear", 1)), new Item("gift", 1));
        Session s = sessions.create();
        s.setAttribute("cart", cart);
        s.setAttribute("items", List.of(new Item("a", 1)));
        s.setAttribute("byName", Map.of("x", new Item("b", 2)));
        s.setAttribute("token", new Token("t-1", new Item("c", 3)));
        sessions.save(s);

        Session later = sessions.find(s.id().value()).orElseThrow();
        assertThat(later.getAttribute("cart")).isEqualTo(cart);
        assertThat(later.getAttribute("cart", Cart.class)).isEqualTo(cart);
        assertThat(later.getAttribute("items")).isEqualTo(List.of(new Item("a", 1)));
        assertThat(later.getAttribute("byName")).isEqualTo(Map.of("x", new Item("b", 2)));
        Token token = later.getAttribute("token", Token.class);
        assertThat(token).isNotNull();
        assertThat(token.value).isEqualTo("t-1");
        assertThat(token.owner).isEqualTo(new Item("c", 3));
    }

    @Test
    void theStoredFormIsDocumentedJsonWithTheAliasNeverAClassName() {
        SessionManager sessions = manager(DecodeFailurePolicy.DROP_SESSION);
        SessionId id = saved(sessions, "item", new Item("apple", 2));
        assertThat(store.storedAttributes(id.key()))
                .isEqualTo("{\"item\":{\"@type\":\"shop.item\",\"@value\":{\"sku\":\"apple\",\"quantity\":2}}}")
                .doesNotContain(Item.class.getName());
    }

    @Test
    void withoutRegistrationTheSameDataIsPlainJsonAndTheTagIsVisible() {
        SessionId id = saved(manager(DecodeFailurePolicy.DROP_SESSION), "item", new Item("apple", 2));
        SessionManager plain = SessionManager.builder(store)
                .decodeFailurePolicy(DecodeFailurePolicy.DROP_ATTRIBUTE)
                .build();
        // The default codec knows no alias: the attribute is undecodable, never a class lookup.
        Session s = plain.find(id.value()).orElseThrow();
        assertThat(s.getAttribute("item")).isNull();
    }

    private SessionId hostile(String attributes) {
        SessionManager sessions = manager(DecodeFailurePolicy.DROP_SESSION);
        Session s = sessions.create();
        s.setAttribute("n", 1);
        sessions.save(s);
        SessionRecord r = store.load(s.id().key()).orElseThrow();
        assertThat(store.replace(r.withAttributes(attributes), r.version())).isEqualTo(ReplaceResult.OK);
        return s.id();
    }

    static final List<String> HOSTILE = List.of(
            // a class name where an alias belongs
            "{\"a\":{\"@type\":\"io.sessionkit.ValueTypesTest$Gadget\",\"@value\":{\"command\":\"touch /tmp/x\"}}}",
            // the classic Jackson gadget, nested inside a registered type's Object field
            "{\"a\":{\"@type\":\"shop.cart\",\"@value\":{\"items\":[],\"note\":{\"@type\":\"com.sun.rowset.JdbcRowSetImpl\","
                    + "\"@value\":{\"dataSourceName\":\"ldap://127.0.0.1:1/x\",\"autoCommit\":true}}}}}",
            // an unknown alias deep in a list
            "{\"a\":[1,[{\"@type\":\"no.such.alias\",\"@value\":{}}]]}",
            // an alias that is not even well-formed
            "{\"a\":{\"@type\":\"$(rm -rf /)\",\"@value\":null}}");

    @Test
    void aTagNamingNoRegisteredTypeDropsTheSessionByDefaultAndInstantiatesNothing() {
        int before = Gadget.TOUCHED.get();
        for (String attributes : HOSTILE) {
            SessionId id = hostile(attributes);
            try (LogCapture log = LogCapture.of("io.sessionkit")) {
                assertThat(manager(DecodeFailurePolicy.DROP_SESSION).find(id.value()))
                        .as(attributes)
                        .isEmpty();
                assertThat(log.warnings())
                        .anySatisfy(w -> assertThat(w)
                                .contains("names no registered type")
                                .doesNotContain(id.value()));
            }
        }
        assertThat(Gadget.TOUCHED.get()).isEqualTo(before);
    }

    @Test
    void underDropAttributeAndFailTheAttributeIsDroppedOrRefusedAndNothingIsInstantiated() {
        int before = Gadget.TOUCHED.get();
        for (String attributes : HOSTILE) {
            SessionId id = hostile(attributes);
            Session dropping =
                    manager(DecodeFailurePolicy.DROP_ATTRIBUTE).find(id.value()).orElseThrow();
            assertThat(dropping.getAttribute("a")).isNull();
            Session failing = manager(DecodeFailurePolicy.FAIL).find(id.value()).orElseThrow();
            assertThatThrownBy(() -> failing.getAttribute("a"))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining("nothing was instantiated")
                    .hasMessageNotContaining("rm -rf");
            assertThatThrownBy(() -> failing.getAttribute("a", Cart.class)).isInstanceOf(SessionCodecException.class);
        }
        assertThat(Gadget.TOUCHED.get()).isEqualTo(before);
    }

    @Test
    void aRegisteredTagWithABrokenBodyIsDroppedWhenReadUnderDropSessionNotAFailureOnEveryRequest() {
        SessionId id = hostile("{\"a\":{\"@type\":\"test.token\",\"@value\":{\"nope\":1}},\"b\":2}");
        SessionManager sessions = manager(DecodeFailurePolicy.DROP_SESSION);
        Session s = sessions.find(id.value()).orElseThrow();
        try (LogCapture log = LogCapture.of("io.sessionkit")) {
            assertThat(s.getAttribute("a")).isNull();
            assertThat(log.warnings()).anySatisfy(w -> assertThat(w).contains("dropping undecodable attribute 'a'"));
        }
        assertThat(s.getAttribute("b")).isEqualTo(2);
        sessions.save(s);
        Session next = sessions.find(id.value()).orElseThrow();
        assertThat(next.attributeNames()).containsExactly("b");
    }

    @Test
    void classNameTypingInsideARegisteredTypeIsRefusedAndInstantiatesNothing() {
        int before = Gadget.TOUCHED.get();
        SessionId id = hostile("{\"h\":{\"@type\":\"test.holder\",\"@value\":{\"payload\":"
                + "[\"io.sessionkit.ValueTypesTest$Gadget\",{\"command\":\"x\"}]}}}");
        Session s = manager(DecodeFailurePolicy.FAIL).find(id.value()).orElseThrow();
        assertThatThrownBy(() -> s.getAttribute("h")).isInstanceOf(SessionCodecException.class);
        SessionId jacksonStyle = hostile("{\"c\":{\"@type\":\"shop.cart\",\"@value\":{\"items\":[],"
                + "\"note\":{\"@class\":\"io.sessionkit.ValueTypesTest$Gadget\",\"command\":\"x\"}}}}");
        Cart cart = manager(DecodeFailurePolicy.FAIL)
                .find(jacksonStyle.value())
                .orElseThrow()
                .getAttribute("c", Cart.class);
        assertThat(cart).isNotNull();
        assertThat(cart.note()).isEqualTo(Map.of("@class", "io.sessionkit.ValueTypesTest$Gadget", "command", "x"));
        assertThat(Gadget.TOUCHED.get()).isEqualTo(before);
    }

    @Test
    void aTaggedValueOfAnotherTypeIsNotReadAsTheAskedType() {
        SessionId id = saved(manager(DecodeFailurePolicy.FAIL), "item", new Item("apple", 2));
        Session s = manager(DecodeFailurePolicy.FAIL).find(id.value()).orElseThrow();
        assertThatThrownBy(() -> s.getAttribute("item", Cart.class))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("not a " + Cart.class.getName());
    }

    @Test
    void adaptersRefuseANestedValueThatWouldNotComeBackAsItself() {
        Session s = manager(DecodeFailurePolicy.FAIL).create();
        assertThatThrownBy(() -> s.setAttribute("token", new Token("t", new Gadget())))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("attribute 'token'")
                .hasMessageContaining(Gadget.class.getName() + " is not a registered value type");
    }

    @Test
    void aPlainMapShapedLikeAnUnknownTagIsRefusedWhenSetNotLostLater() {
        Session s = manager(DecodeFailurePolicy.FAIL).create();
        assertThatThrownBy(() -> s.setAttribute("m", Map.of("@type", "x.y", "@value", 1)))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("attribute 'm'")
                .hasMessageContaining("would not read back");
        s.setAttribute("ok", Map.of("@type", "x.y", "other", 1));
        assertThat(s.getAttribute("ok")).isEqualTo(Map.of("@type", "x.y", "other", 1));
    }

    @Test
    void registrationMistakesFailAtBuildTime() {
        assertThatThrownBy(() -> ValueTypes.builder().register("a b", Item.class))
                .hasMessageContaining("alias 'a b' is not valid");
        assertThatThrownBy(() -> ValueTypes.builder().register("x", Item.class).register("x", Cart.class))
                .hasMessageContaining("alias 'x' is already " + Item.class.getName());
        assertThatThrownBy(() -> ValueTypes.builder().register("x", Item.class).register("y", Item.class))
                .hasMessageContaining("already registered as 'x'");
        assertThatThrownBy(() -> ValueTypes.builder().register("x", Runnable.class))
                .hasMessageContaining("not a concrete class");
        ObjectMapper typing = JsonMapper.builder()
                .activateDefaultTyping(BasicPolymorphicTypeValidator.builder()
                        .allowIfBaseType(Object.class)
                        .build())
                .build();
        assertThatThrownBy(() -> ValueTypes.builder().objectMapper(typing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default typing");
    }

    /** A value type only the application's module knows how to write. */
    record Money(long cents) {
        @Override
        public String toString() {
            return cents / 100 + "." + String.format(java.util.Locale.ROOT, "%02d", cents % 100);
        }
    }

    @Test
    void jacksonModulesAreExactlyTheOnesGiven() {
        SimpleModule money = new SimpleModule().addSerializer(Money.class, ToStringSerializer.instance);
        ValueTypes withModule = ValueTypes.builder().modules(money).build();
        SessionManager sessions =
                SessionManager.builder(store).jsonCodec(withModule).build();
        Session s = sessions.create();
        s.setAttribute("price", new Money(1250));
        assertThat(s.getAttribute("price")).isEqualTo("12.50");
        Session plain = SessionManager.builder(store).build().create();
        plain.setAttribute("price", new Money(1250));
        // Read as it will be after the round trip: an integer is an Integer when it fits one.
        assertThat(plain.getAttribute("price")).isEqualTo(Map.of("cents", 1250));
    }

    @Test
    void anApplicationMapperIsCopiedNotChanged() {
        ObjectMapper app = JsonMapper.builder().build();
        ValueTypes types = ValueTypes.builder()
                .objectMapper(app)
                .register("shop.item", Item.class)
                .build();
        assertThat(types.encode(new Item("a", 1)).path(ValueTypes.TYPE).asText())
                .isEqualTo("shop.item");
        assertThat(app.valueToTree(new Item("a", 1)).has(ValueTypes.TYPE)).isFalse();
    }

    /** Registered in META-INF/services for the configuration test. */
    public static final class TestProvider implements ValueTypes.Provider {
        @Override
        public String name() {
            return "test-shop";
        }

        @Override
        public void register(ValueTypes.Builder builder) {
            builder.register("shop.item", Item.class);
        }
    }

    @Test
    void configurationNamesProvidersFoundOnTheClassPath() {
        try (SessionManager sessions = SessionManager.policyFrom(
                        SessionKitConfig.of(Map.of("sessionkit.codec.types", "test-shop")))
                .store(store)
                .build()) {
            Session s = sessions.create();
            s.setAttribute("item", new Item("a", 1));
            sessions.save(s);
            assertThat(sessions.find(s.id().value()).orElseThrow().getAttribute("item"))
                    .isEqualTo(new Item("a", 1));
        }
        assertThatThrownBy(() -> SessionManager.policyFrom(
                        SessionKitConfig.of(Map.of("sessionkit.codec.types", "spring-securty"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.codec.types")
                .hasMessageContaining("test-shop")
                .hasMessageContaining("'spring-securty' is not one of them");
    }
}
