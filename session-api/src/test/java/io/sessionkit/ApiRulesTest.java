package io.sessionkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The API rules of {@code session-tck/SPEC.md}, marked <em>(API)</em> there: what {@link SessionManager}, {@link Session}
 * and the attribute codec promise whatever the store. No backend can change their outcome, so they run once, here,
 * over the reference {@link EnvelopeMapStore}, instead of in every backend's conformance run. The display names are
 * the rule titles of SPEC.md; {@code SpecSyncTest} in session-tck checks that the two agree.
 */
class ApiRulesTest {
    private final EnvelopeMapStore store = new EnvelopeMapStore(Clock.systemUTC());
    private final SessionManager manager = SessionManager.builder(store).build();

    private Session saved(Map<String, ?> attributes) {
        Session s = manager.create();
        attributes.forEach(s::setAttribute);
        assertThat(manager.save(s)).isEqualTo(SaveResult.CREATED);
        return s;
    }

    private Session reload(Session s) {
        return manager.find(s.id()).orElseThrow(() -> new AssertionError("session should be live"));
    }

    @Test
    @DisplayName("1.1 ids are 32 characters of URL-safe base64")
    void idShape() {
        for (int i = 0; i < 1000; i++) {
            String id = manager.create().id().value();
            assertThat(id).hasSize(32).matches("[A-Za-z0-9_-]{32}");
        }
    }

    @Test
    @DisplayName("1.2 ids are unique (100 000 drawn)")
    void idsUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(SessionId.generate().value())).isTrue();
        }
    }

    @Test
    @DisplayName("1.5 a new session always gets a fresh id, never one the client chose")
    void newSessionHasFreshId() {
        Session a = manager.create();
        Session b = manager.create();
        assertThat(a.id()).isNotEqualTo(b.id());
    }

    @Test
    @DisplayName("1.6 an id's toString never shows the raw id")
    void toStringRedacted() {
        Session s = saved(Map.of("a", 1));
        assertThat(s.id().toString()).doesNotContain(s.id().value());
        assertThat(s.toString()).doesNotContain(s.id().value());
    }

    @Test
    @DisplayName("10.9 a value the codec cannot store fails at setAttribute")
    void unencodable() {
        Session s = manager.create();
        assertThatThrownBy(() -> s.setAttribute("bad", new Object()))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("bad");
    }

    @Test
    @DisplayName("10.10 a type name in the data is never instantiated")
    void noPolymorphicTyping() {
        Map<String, Object> hostile = Map.of("@class", "java.io.File", "path", "/etc/passwd");
        Session s = saved(Map.of("v", List.of("java.util.ArrayList", hostile)));
        assertThat(reload(s).getAttribute("v")).isEqualTo(List.of("java.util.ArrayList", hostile));
    }

    @Test
    @DisplayName("10.11 returned values are copies: mutating one changes nothing stored")
    void copies() {
        Session s = saved(Map.of("list", List.of(1, 2)));
        Session found = reload(s);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) found.getAttribute("list");
        list.add(3);
        assertThat(found.getAttribute("list")).isEqualTo(List.of(1, 2));
    }

    record Point(int x, int y) {}

    /** A manager over the same store whose codec knows {@link Point} as {@code geo.point}. */
    private SessionManager withPoints() {
        return SessionManager.builder(store)
                .jsonCodec(
                        ValueTypes.builder().register("geo.point", Point.class).build())
                .build();
    }

    @Test
    @DisplayName("10.12 registered value types come back as themselves, stored under their alias")
    void registeredTypes() {
        SessionManager typed = withPoints();
        Session s = typed.create();
        s.setAttribute("p", List.of(new Point(1, 2)));
        typed.save(s);
        assertThat(typed.find(s.id()).orElseThrow().getAttribute("p")).isEqualTo(List.of(new Point(1, 2)));
        assertThat(store.storedAttributes(s.id().key()))
                .isEqualTo("{\"p\":[{\"@type\":\"geo.point\",\"@value\":{\"x\":1,\"y\":2}}]}");
    }

    @Test
    @DisplayName("10.13 a type tag that names no registered type is undecodable and instantiates nothing")
    void unknownTags() {
        Session s = saved(Map.of("n", 1));
        SessionRecord r = store.load(s.id().key()).orElseThrow();
        String hostile = "{\"p\":{\"@type\":\"java.io.File\",\"@value\":\"/etc/passwd\"}}";
        assertThat(store.replace(r.withAttributes(hostile), r.version())).isEqualTo(ReplaceResult.OK);
        assertThat(manager.find(s.id())).isEmpty();
        Session kept = SessionManager.builder(store)
                .decodeFailurePolicy(DecodeFailurePolicy.FAIL)
                .build()
                .find(s.id())
                .orElseThrow();
        assertThatThrownBy(() -> kept.getAttribute("p"))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("names no registered type");
    }

    @Test
    @DisplayName("10.14 under the default policy, a value that fails to decode only when read is dropped, not thrown")
    void lateDecodeFailureDrops() {
        SessionManager typed = withPoints();
        Session s = typed.create();
        s.setAttribute("n", 1);
        typed.save(s);
        SessionRecord r = store.load(s.id().key()).orElseThrow();
        String broken = "{\"p\":{\"@type\":\"geo.point\",\"@value\":\"not a point\"},\"n\":1}";
        assertThat(store.replace(r.withAttributes(broken), r.version())).isEqualTo(ReplaceResult.OK);
        Session found = typed.find(s.id()).orElseThrow();
        assertThat(found.getAttribute("p")).isNull();
        assertThat(found.getAttribute("n")).isEqualTo(1);
        typed.save(found);
        assertThat(store.storedAttributes(s.id().key())).isEqualTo("{\"n\":1}");
    }

    @Test
    @DisplayName("12.3 bad attribute names are refused")
    void badNames() {
        Session s = manager.create();
        assertThatThrownBy(() -> s.setAttribute("", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.setAttribute("ctl\u0001", 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.setAttribute("x".repeat(257), 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.setAttribute(null, 1)).isInstanceOf(NullPointerException.class);
    }
}
