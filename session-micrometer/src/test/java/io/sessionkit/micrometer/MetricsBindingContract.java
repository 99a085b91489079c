package io.sessionkit.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.Session;
import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFeature;
import io.sessionkit.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The binding on a real {@link SessionManager} over a real store: one scripted sequence (create, save, load, touch,
 * conflict, conflicts exhausted, rotate, oversize, decode failure, a save of a gone session, the three kinds of
 * invalidation, a sweep of expired sessions, a dropped event), then every meter it should have made, with its tags and
 * counts, and every tag checked for ids, keys and principals. Subclasses give the store.
 */
abstract class MetricsBindingContract {
    static final String STORE = "under-test";
    static final String PRINCIPAL = "alice@example.com";
    static final long MAX_SESSION_SIZE = 1024;

    final MutableClock clock = MutableClock.startingNow();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TestObservationRegistry observations = TestObservationRegistry.create();
    /** What the Observations' meter handler records, apart from the binding's own meters. */
    final SimpleMeterRegistry observed = new SimpleMeterRegistry();
    /** Every raw id, hashed key (and its short form) the script used: none may appear in a tag. */
    final List<String> secrets = new ArrayList<>(List.of(PRINCIPAL));

    SessionStore store;
    SessionKitMetrics metrics;
    /** What {@link SessionManager#sweepExpired()} returned in the script. */
    int collected;

    /** A store in a namespace of its own, on {@code clock}. */
    abstract SessionStore newStore(MutableClock clock);

    /** Adds what this store can offer to the binding (the size gauge, for a local store). */
    void configure(SessionKitMetrics.Builder builder) {}

    @BeforeEach
    void runScript() {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(observed));
        store = newStore(clock);
        SessionKitMetrics.Builder builder =
                SessionKitMetrics.builder(meters).store(STORE).observationRegistry(observations);
        configure(builder);
        metrics = builder.build();
        SessionManager a = metrics.bindTo(node()).build(); // the node measured
        SessionManager b = node().build(); // another node, not measured: it makes the conflicts
        SessionManager c = metrics.bindTo(node().maxRetries(0)).build(); // measured too, gives up at once
        try {
            script(a, b, c);
        } finally {
            b.close();
            c.close();
        }
    }

    private SessionManager.Builder node() {
        return SessionManager.builder(store)
                .clock(clock)
                .maxSessionSize(MAX_SESSION_SIZE)
                .sweepInterval(Duration.ZERO);
    }

    private void script(SessionManager a, SessionManager b, SessionManager c) {
        Session s = a.create();
        s.setPrincipal(PRINCIPAL);
        s.setAttribute("cart", List.of("apple"));
        a.save(s); // create/ok, CREATED
        SessionId id = remember(s.id());

        s = a.find(id).orElseThrow(); // load/ok
        s.setAttribute("cart", List.of("apple", "pear"));
        a.save(s); // replace/ok, UPDATED

        a.save(a.find(id).orElseThrow()); // load/ok, UNCHANGED (no store call)

        clock.advance(ExpiryPolicy.defaults().touchInterval().plusSeconds(1));
        a.save(a.find(id).orElseThrow()); // load/ok, replace/ok, TOUCHED

        Session mine = a.find(id).orElseThrow(); // load/ok
        writeElsewhere(b, id, "b", 1);
        mine.setAttribute("a", 1);
        a.save(mine); // replace/conflict, retry 1: load/ok, replace/ok, UPDATED

        Session giveUp = c.find(id).orElseThrow(); // load/ok
        writeElsewhere(b, id, "b", 2);
        giveUp.setAttribute("c", 1);
        assertThatThrownBy(() -> c.save(giveUp)).isInstanceOf(SessionConflictException.class); // replace/conflict

        Session rotating = a.find(id).orElseThrow(); // load/ok
        a.rotateId(rotating); // create/ok, delete_if_version/ok, ROTATED
        SessionId rotated = remember(rotating.id());

        Session big = a.find(rotated).orElseThrow(); // load/ok
        big.setAttribute("big", "x".repeat((int) MAX_SESSION_SIZE));
        assertThatThrownBy(() -> a.save(big)).isInstanceOf(SessionTooLargeException.class); // no store call

        SessionId undecodable = remember(SessionId.generate());
        store.create(record(undecodable, "{\"cart\":{\"@type\":\"com.example.NoSuchType\",\"@value\":1}}"));
        assertThat(a.find(undecodable)).isEmpty(); // load/ok, decode failure under DROP_SESSION

        Session gone = a.find(rotated).orElseThrow(); // load/ok
        b.invalidate(rotated.value());
        gone.setAttribute("late", true);
        a.save(gone); // replace/gone, GONE

        Session byRequest = saveNew(a, null); // create/ok, CREATED
        a.invalidate(byRequest); // delete/ok, INVALIDATED request
        Session byAdmin = saveNew(a, null); // create/ok, CREATED
        a.invalidate(byAdmin.id().key()); // delete/ok, INVALIDATED admin
        saveNew(a, PRINCIPAL); // create/ok, CREATED
        assertThat(a.invalidateAll(PRINCIPAL)).isEqualTo(1); // find_by_principal/ok, delete/ok, INVALIDATED principal

        saveNew(a, null); // create/ok, CREATED
        clock.advance(ExpiryPolicy.DEFAULT_MAX_IDLE.plusMinutes(5)); // past the store's expiry grace too
        collected = a.sweepExpired(); // claim_expired + remove_expired, or purge_expired

        a.close(); // delivers the queued events
        a.invalidate(remember(SessionId.generate()).value()); // delete/ok; its event is dropped: the manager is closed
    }

    /** A live record written to the store directly, past the manager. */
    SessionRecord record(SessionId id, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(
                id.key(),
                1,
                now,
                now,
                ExpiryPolicy.DEFAULT_MAX_IDLE,
                now.plus(ExpiryPolicy.DEFAULT_MAX_IDLE),
                null,
                attributes);
    }

    private Session saveNew(SessionManager manager, String principal) {
        Session s = manager.create();
        s.setPrincipal(principal);
        s.setAttribute("n", 1);
        manager.save(s);
        remember(s.id());
        return s;
    }

    private static void writeElsewhere(SessionManager other, SessionId id, String name, int value) {
        Session s = other.find(id).orElseThrow();
        s.setAttribute(name, value);
        other.save(s);
    }

    private SessionId remember(SessionId id) {
        secrets.add(id.value());
        secrets.add(id.key().value());
        secrets.add(id.key().shortForm());
        return id;
    }

    boolean expiryEvents() {
        return store.features().contains(StoreFeature.EXPIRY_EVENTS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    @DisplayName("store call timers: one per operation and outcome that occurred, each with its count")
    void storeCallTimers() {
        Map<String, Long> expected = requestPathCalls();
        if (expiryEvents()) {
            expected.put("claim_expired/ok", 1L);
            expected.put("remove_expired/ok", 1L);
        } else {
            expected.put("purge_expired/ok", 1L);
        }
        Map<String, Long> timers = meters.find("sessionkit.store.calls").timers().stream()
                .collect(Collectors.toMap(
                        t -> t.getId().getTag("operation") + "/" + t.getId().getTag("outcome"),
                        Timer::count,
                        Long::sum,
                        TreeMap::new));
        assertThat(timers).isEqualTo(expected);
        assertThat(meters.find("sessionkit.store.calls").timers())
                .allSatisfy(t -> assertThat(t.getId().getTag("store")).isEqualTo(STORE));
        assertThat(meters.find("sessionkit.store.calls").timers())
                .allSatisfy(t -> assertThat(t.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
                        .isPositive());
    }

    @Test
    @DisplayName("save outcomes by result, session sizes, compare-and-set retries and give-ups, refusals")
    void saveMeters() {
        assertThat(count("sessionkit.saves", "result", "created")).isEqualTo(5);
        assertThat(count("sessionkit.saves", "result", "updated")).isEqualTo(2);
        assertThat(count("sessionkit.saves", "result", "touched")).isEqualTo(1);
        assertThat(count("sessionkit.saves", "result", "unchanged")).isEqualTo(1);
        assertThat(count("sessionkit.saves", "result", "gone")).isEqualTo(1);

        DistributionSummary size = summary("sessionkit.session.size");
        assertThat(size.count()).isEqualTo(8); // every save that wrote: 5 created, 2 updated, 1 touched
        assertThat(size.max()).isPositive().isLessThanOrEqualTo(MAX_SESSION_SIZE);
        assertThat(size.getId().getBaseUnit()).isEqualTo("bytes");

        DistributionSummary retries = summary("sessionkit.cas.retries");
        assertThat(retries.count()).isEqualTo(1);
        assertThat(retries.max()).isEqualTo(1);
        assertThat(count("sessionkit.cas.exhausted")).isEqualTo(1);
        assertThat(count("sessionkit.oversize.refusals")).isEqualTo(1);

        assertThat(count("sessionkit.decode.failures", "policy", "drop_session"))
                .isEqualTo(1);
        assertThat(count("sessionkit.decode.failures", "policy", "drop_attribute"))
                .isZero();
        assertThat(count("sessionkit.decode.failures", "policy", "fail")).isZero();
    }

    @Test
    @DisplayName("session counters from the events: created, rotated, invalidated by reason, expired; dropped events")
    void sessionCounters() {
        assertThat(count("sessionkit.sessions.created")).isEqualTo(5);
        assertThat(count("sessionkit.sessions.rotated")).isEqualTo(1);
        assertThat(count("sessionkit.sessions.invalidated", "reason", "request"))
                .isEqualTo(1);
        assertThat(count("sessionkit.sessions.invalidated", "reason", "admin")).isEqualTo(1);
        assertThat(count("sessionkit.sessions.invalidated", "reason", "principal"))
                .isEqualTo(1);
        // Expired events come from claims (EXPIRY_EVENTS): the last new session and the undecodable record.
        assertThat(count("sessionkit.sessions.expired")).isEqualTo(expiryEvents() ? 2 : 0);
        assertThat(count("sessionkit.events.dropped")).isEqualTo(1);
    }

    @Test
    @DisplayName("sweeps: one timed sweep, and what it collected")
    void sweepMeters() {
        if (expiryEvents()) {
            assertThat(collected).isEqualTo(2);
        }
        DistributionSummary collectedSummary = summary("sessionkit.sweep.collected");
        assertThat(collectedSummary.count()).isEqualTo(1);
        assertThat(collectedSummary.totalAmount()).isEqualTo(collected);
        Timer sweeps = meters.get("sessionkit.sweeps").timer();
        assertThat(sweeps.count()).isEqualTo(1);
        assertThat(sweeps.getId().getTag("store")).isEqualTo(STORE);
    }

    @Test
    @DisplayName("no meter, tag or Observation key value carries a raw id, a hashed key or a principal")
    void noIdentifyingTags() {
        assertThat(secrets).hasSizeGreaterThan(10);
        List<String> values = new ArrayList<>();
        for (Meter meter : meters.getMeters()) {
            values.add(meter.getId().getName());
            for (Tag tag : meter.getId().getTags()) {
                values.add(tag.getKey());
                values.add(tag.getValue());
            }
        }
        TestObservationRegistryAssert.assertThat(observations).hasHandledContextsThatSatisfy(contexts -> {
            for (Observation.Context context : contexts) {
                values.add(String.valueOf(context.getContextualName()));
                context.getAllKeyValues().forEach(kv -> {
                    values.add(kv.getKey());
                    values.add(kv.getValue());
                });
            }
        });
        assertThat(values).hasSizeGreaterThan(100);
        for (String value : values) {
            for (String secret : secrets) {
                assertThat(value).as("a tag or name").doesNotContain(secret);
            }
        }
        // Tag values come from enums and the configured store name only.
        assertThat(meters.getMeters().stream()
                        .flatMap(m -> m.getId().getTags().stream())
                        .map(Tag::getKey)
                        .distinct())
                .allMatch(key -> List.of("store", "operation", "outcome", "result", "reason", "policy")
                        .contains(key));
    }

    @Test
    @DisplayName("sessionkit.store Observations around the request-path store calls, started and stopped, tagged")
    void observations() {
        // Request-path calls only: 6 create, 10 load, 6 replace, 4 delete, 1 delete_if_version, 1 find_by_principal.
        TestObservationRegistryAssert.assertThat(observations)
                .hasNumberOfObservationsWithNameEqualTo(SessionKitMetrics.OBSERVATION_NAME, 28)
                .forAllObservationsWithNameEqualTo(
                        SessionKitMetrics.OBSERVATION_NAME,
                        o -> o.hasLowCardinalityKeyValue("store", STORE)
                                .hasLowCardinalityKeyValueWithKey("operation")
                                .hasLowCardinalityKeyValueWithKey("outcome")
                                .doesNotHaveHighCardinalityKeyValueWithKey("operation"))
                .hasHandledContextsThatSatisfy(contexts -> {
                    Map<String, Long> byCall = contexts.stream()
                            .collect(Collectors.groupingBy(
                                    c -> value(c, "operation") + "/" + value(c, "outcome"),
                                    TreeMap::new,
                                    Collectors.counting()));
                    assertThat(byCall).isEqualTo(requestPathCalls());
                });
        TestObservationRegistryAssert.assertThat(observations)
                .hasAnObservation(o -> o.hasContextualNameEqualTo("sessionkit load"))
                .hasObservationWithNameEqualTo(SessionKitMetrics.OBSERVATION_NAME)
                .that()
                .hasBeenStarted()
                .hasBeenStopped();
        // Every one stopped: the meter handler an application (Spring Boot) installs timed 28 and has none running.
        assertThat(observed.find(SessionKitMetrics.OBSERVATION_NAME).timers().stream()
                        .mapToLong(Timer::count)
                        .sum())
                .isEqualTo(28);
        assertThat(observed.get(SessionKitMetrics.OBSERVATION_NAME + ".active")
                        .longTaskTimer()
                        .activeTasks())
                .isZero();
    }

    @Test
    @DisplayName("meters are named by Micrometer's conventions and carry their base units")
    void units() {
        assertThat(meters.get("sessionkit.sessions.created").counter().getId().getBaseUnit())
                .isEqualTo("sessions");
        assertThat(summary("sessionkit.sweep.collected").getId().getBaseUnit()).isEqualTo("sessions");
        assertThat(summary("sessionkit.cas.retries").getId().getBaseUnit()).isEqualTo("retries");
        assertThat(meters.get("sessionkit.events.dropped").counter().getId().getBaseUnit())
                .isEqualTo("events");
        assertThat(meters.getMeters())
                .allSatisfy(m -> assertThat(m.getId().getName()).matches("sessionkit(\\.[a-z]+)+"));
        assertThat(metrics.store()).isEqualTo(STORE);
    }

    private static String value(Observation.Context context, String key) {
        var kv = context.getLowCardinalityKeyValue(key);
        return kv == null ? "<none>" : kv.getValue();
    }

    double count(String name) {
        return counter(meters.get(name).tag("store", STORE).counter());
    }

    double count(String name, String tag, String value) {
        return counter(meters.get(name).tag("store", STORE).tag(tag, value).counter());
    }

    /** The store calls of the scenario's request path, as {@code operation/outcome} → count. */
    private static Map<String, Long> requestPathCalls() {
        return new TreeMap<>(Map.of(
                "create/ok", 6L,
                "load/ok", 10L,
                "replace/ok", 3L,
                "replace/conflict", 2L,
                "replace/gone", 1L,
                "delete/ok", 4L,
                "delete_if_version/ok", 1L,
                "find_by_principal/ok", 1L));
    }

    private static double counter(Counter c) {
        return c.count();
    }

    DistributionSummary summary(String name) {
        return meters.get(name).tag("store", STORE).summary();
    }
}
