package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.RecordEnvelope;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.ValueLimits;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The policy defects of issue 14, each reproduced as a user meets it, on the reference store (the conformance kit
 * holds every backend to the same rules: 4.8-4.11, 6.4, 8.6-8.8, 12.5-12.6). Each test failed before its fix.
 */
class Issue14ItemsTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final MapStore shared = new MapStore(clock);
    private final SessionManager node1 =
            SessionManager.builder(shared).clock(clock).build();
    private final SessionManager node2 =
            SessionManager.builder(shared).clock(clock).build();

    private Session loggedOut() {
        Session s = node1.create();
        s.setAttribute("cart", List.of("apple"));
        node1.save(s);
        return s;
    }

    @Test
    void item3_rotatingASessionLoggedOutMeanwhileFailsAndResurrectsNothing() {
        Session s = loggedOut();
        Session loginRequest = node1.find(s.id()).orElseThrow();
        loginRequest.setPrincipal("alice");
        node2.invalidate(s.id().value()); // "log out" in another tab, before the login request rotates
        assertThatThrownBy(() -> node1.rotateId(loginRequest))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invalidated");
        assertThat(shared.map.values())
                .as("nothing live, principal included")
                .noneMatch(r -> !r.isExpiredAt(clock.instant()));
    }

    @Test
    void item4_rotationKeepsAWriteAcknowledgedToAnotherRequest() {
        Session s = loggedOut();
        Session loginRequest = node1.find(s.id()).orElseThrow();
        Session cartRequest = node2.find(s.id()).orElseThrow();
        cartRequest.setAttribute("cart", List.of("apple", "pear"));
        assertThat(node2.save(cartRequest)).isEqualTo(SaveResult.UPDATED);
        loginRequest.setPrincipal("alice");
        node1.rotateId(loginRequest);
        Session after = node1.find(loginRequest.id()).orElseThrow();
        assertThat(after.getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
        assertThat(after.principal()).contains("alice");
    }

    @Test
    void item5_aSessionWithAShortIdleTimeoutStaysLiveWhileReadEveryMinute() {
        Session s = node1.create();
        s.setMaxIdle(Duration.ofMinutes(2)); // setMaxInactiveInterval(120) under the default 3-minute touch interval
        node1.save(s);
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMinutes(1));
            Session found = node1.find(s.id()).orElseThrow(() -> new AssertionError("expired while in use"));
            node1.save(found);
        }
        assertThat(ExpiryPolicy.defaults().touchIntervalFor(Duration.ofSeconds(120)))
                .isEqualTo(Duration.ofSeconds(12));
    }

    @Test
    void item9_aReadModifyWriteThatLostTheRaceFailsInsteadOfOverwriting() {
        Session s = loggedOut();
        Session a = node1.find(s.id()).orElseThrow();
        Session b = node2.find(s.id()).orElseThrow();
        KitFixtures.addToList(a, "cart", "pear");
        KitFixtures.addToList(b, "cart", "plum");
        node1.save(a);
        assertThatThrownBy(() -> node2.save(b)).isInstanceOf(SessionConflictException.class);
        assertThat(node1.find(s.id()).orElseThrow().getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
    }

    @Test
    void item9_twoHundredParallelAddsToCartOnTwoNodesKeepAllTwoHundred() throws Exception {
        Session s = node1.create();
        s.setAttribute("cart", List.of());
        node1.save(s);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<SaveResult>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                SessionManager node = i % 2 == 0 ? node1 : node2;
                String item = "item" + i;
                results.add(pool.submit(() -> {
                    Session mine = node.find(s.id()).orElseThrow();
                    mine.updateAttribute("cart", List.class, cart -> {
                        List<?> items = cart; // List.class is raw: widen it to a wildcard before copying
                        List<Object> next = new ArrayList<>(items);
                        next.add(item);
                        return next;
                    });
                    return node.save(mine);
                }));
            }
            for (Future<SaveResult> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isEqualTo(SaveResult.UPDATED);
            }
        } finally {
            pool.shutdownNow();
        }
        Session after = node1.find(s.id()).orElseThrow();
        assertThat((List<?>) after.getAttribute("cart")).hasSize(200).doesNotHaveDuplicates();
        assertThat(after.version()).isEqualTo(201);
    }

    @Test
    void item10_valuesNoBackendCanReadBackAreRefusedWhenSet() {
        Session s = node1.create();
        Object deep = "leaf";
        for (int i = 0; i < ValueLimits.MAX_DEPTH; i++) {
            deep = List.of(deep);
        }
        s.setAttribute("deep", deep);
        Object tooDeep = List.of(deep);
        assertThatThrownBy(() -> s.setAttribute("deeper", tooDeep)).isInstanceOf(SessionCodecException.class);
        assertThatThrownBy(() -> s.setAttribute("n", new BigInteger("1" + "0".repeat(1000))))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining("digits");
        assertThatThrownBy(() -> s.setAttribute("n", new BigInteger("9".repeat(35))))
                .isInstanceOf(SessionCodecException.class);
        s.setAttribute("n", new BigInteger("9".repeat(34)));
        s.setAttribute("n2", Long.MIN_VALUE);
        assertThatThrownBy(() -> s.setAttribute("n", new java.math.BigDecimal("1E+1001")))
                .isInstanceOf(SessionCodecException.class);
        s.setAttribute("ok", Double.MIN_VALUE);
        s.setAttribute("ok2", Double.MAX_VALUE);
        assertThat(node1.save(s)).isEqualTo(SaveResult.CREATED);
        assertThat(node1.find(s.id()).orElseThrow().getAttribute("deep")).isEqualTo(deep);
    }

    @Test
    void item13_aStoredAbsurdIdleTimeoutIsUndecodableInsteadOfBreakingTheSave() {
        SessionId id = SessionId.generate();
        long now = Instant.now().toEpochMilli();
        for (String bad : List.of("\"mi\":1000000000000000", "\"mi\":-5", "\"mi\":0")) {
            String text = "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + (now + 60_000) + "," + bad
                    + ",\"p\":null,\"attrs\":{}}";
            assertThatThrownBy(() -> RecordEnvelope.decode(id.key(), text))
                    .as(bad)
                    .isInstanceOf(SessionCodecException.class);
        }
        String farFuture = "{\"fmt\":1,\"v\":1,\"c\":" + now + ",\"a\":" + now + ",\"e\":" + Long.MAX_VALUE
                + ",\"mi\":1800,\"p\":null,\"attrs\":{}}";
        assertThatThrownBy(() -> RecordEnvelope.decode(id.key(), farFuture)).isInstanceOf(SessionCodecException.class);
        assertThatThrownBy(() -> new SessionRecord(
                        id.key(),
                        1,
                        Instant.now(),
                        Instant.now(),
                        Duration.ofSeconds(Long.MAX_VALUE / 2),
                        Instant.now(),
                        null,
                        "{}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
