package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod;

import io.sessionkit.tck.MapStore.Flaw;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The kit accepts a correct store and rejects each broken one with a message that says what broke. */
class ConformanceKitSelfTest {

    private static Events run(Flaw flaw, DiscoverySelector selector) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter(Kits.FLAW, flaw.name())
                .selectors(selector)
                .execute()
                .testEvents();
    }

    private static Events run(Flaw flaw) {
        return run(flaw, selectClass(Kits.MapKit.class));
    }

    /** Failed rules: display name → failure message. */
    private static Map<String, String> failures(Events events) {
        return events.failed().stream()
                .collect(Collectors.toMap(
                        e -> e.getTestDescriptor().getDisplayName(),
                        e -> e.getPayload(TestExecutionResult.class)
                                .flatMap(TestExecutionResult::getThrowable)
                                .map(t -> String.valueOf(t.getMessage()))
                                .orElse(""),
                        (a, b) -> a));
    }

    @Test
    void acceptsTheReferenceStore() {
        Events events = run(Flaw.NONE);
        assertThat(failures(events)).isEmpty();
        assertThat(events.skipped().count()).isZero();
        assertThat(events.succeeded().count()).isGreaterThanOrEqualTo(90);
    }

    /**
     * One broken store and what the kit must say about it: the rules that fail (all of them when {@code only}), and a
     * fragment the first rule's failure message contains (empty: any message).
     */
    record Rejection(Flaw flaw, List<String> rules, boolean only, String message) {
        @Override
        public String toString() {
            return flaw.name();
        }
    }

    static Stream<Rejection> rejections() {
        return Stream.of(
                new Rejection(
                        Flaw.NO_COMPARE_AND_SET,
                        List.of(
                                "3.5 replace with a stale version is a CONFLICT and writes nothing",
                                "3.12 of 8 concurrent replaces of one version exactly one wins"),
                        false,
                        "CONFLICT"),
                // Only the SPI-level rule catches it: SessionManager re-checks expiry, so the session-level rules hold.
                new Rejection(
                        Flaw.RETURNS_EXPIRED,
                        List.of("5.6 load never returns a record with expiresAt <= now"),
                        false,
                        ""),
                new Rejection(
                        Flaw.RESURRECTS,
                        List.of(
                                "3.8 replace after delete is GONE and never resurrects",
                                "3.7 replace of a key never created is GONE and creates nothing"),
                        false,
                        "GONE"),
                new Rejection(
                        Flaw.SWEEPS_WITHOUT_GRACE,
                        List.of(
                                "14.2 nodes whose clocks differ by less than the expiry grace lose nothing, either way round",
                                "14.4 beyond the grace, a node ahead by S removes no session with more than S - grace left"),
                        false,
                        "after both nodes swept"),
                new Rejection(
                        Flaw.CREATE_OVERWRITES,
                        List.of("3.2 create on a live key returns false and keeps the first record"),
                        false,
                        ""),
                new Rejection(
                        Flaw.FORGETS_PRINCIPAL,
                        List.of(
                                "3.13 principal, idle timeout and creation time are stored with the record",
                                "9.1 findByPrincipal lists a user's live sessions"),
                        false,
                        ""),
                new Rejection(
                        Flaw.REPORTS_NO_EXPIRY,
                        List.of("5.8 the expiry the backend holds is reported and is not before expiresAt"),
                        true,
                        "reports no expiry for a live session"),
                new Rejection(
                        Flaw.CLAIMS_WITHOUT_GRACE,
                        List.of(
                                "14.2 nodes whose clocks differ by less than the expiry grace lose nothing, either way round",
                                "14.4 beyond the grace, a node ahead by S removes no session with more than S - grace left",
                                "15.2 live records, records inside the grace and records extended since are never claimed",
                                "15.8 a node ahead by less than the grace claims no session live for its writer"),
                        true,
                        ""),
                new Rejection(
                        Flaw.CLAIMS_WITHOUT_LEASE,
                        List.of(
                                "15.1 an expired record is claimed once with its key, principal and expiry, then removed for good",
                                // 15.7 catches it only when two nodes claim before either removes: not every run.
                                "15.6 a claim whose node died is taken over after its lease, not before"),
                        false,
                        "while"),
                new Rejection(
                        Flaw.SCAN_DROPS_LAST_PAGE,
                        List.of("16.2 a scan returns every live record exactly once, in its full state"),
                        false,
                        "the keys the scan returned"),
                new Rejection(
                        Flaw.SCAN_RETURNS_EXPIRED,
                        List.of("16.4 a scan never returns a record expired when its page is read"),
                        true,
                        "when the page was read"),
                new Rejection(
                        Flaw.SCAN_REPEATS,
                        List.of(
                                "16.5 records live throughout a scan with writes to others are returned at least once, and at most once unless the store declares repeats",
                                "16.2 a scan returns every live record exactly once, in its full state"),
                        false,
                        "more than once"),
                new Rejection(
                        Flaw.SCAN_IGNORES_PAGE_SIZE,
                        List.of("16.3 pages never exceed the page size, and a page size below 1 is refused"),
                        false,
                        "with page size"),
                new Rejection(
                        Flaw.SCAN_READS_FOREIGN_CURSORS,
                        List.of(
                                "16.7 a malformed or foreign cursor is an IllegalArgumentException and changes nothing"),
                        true,
                        "scan of the cursor"),
                new Rejection(
                        Flaw.SCAN_FAILS_ON_UNDECODABLE,
                        List.of("16.9 an undecodable record never stops a scan"),
                        true,
                        "not an object"));
    }

    @ParameterizedTest(name = "rejects a store with flaw {0}")
    @MethodSource("rejections")
    void rejectsABrokenStore(Rejection expected) {
        assertRejected(failures(run(expected.flaw())), expected);
    }

    @Test
    void rejectsAStoreWhoseFeaturesACallerCanChange() {
        // Run alone: the broken store's one shared set is cleared by the rule, so later rules see other features.
        Events events = run(
                Flaw.SHARES_MUTABLE_FEATURES,
                selectNestedMethod(
                        List.of(Kits.MapKit.class), SessionStoreConformanceKit.Features.class, "featuresStable"));
        assertRejected(
                failures(events),
                new Rejection(
                        Flaw.SHARES_MUTABLE_FEATURES,
                        List.of("13.3 the store declares its features as a stable value"),
                        true,
                        "after a caller cleared the returned set"));
    }

    private static void assertRejected(Map<String, String> failed, Rejection expected) {
        if (expected.only()) {
            assertThat(failed).containsOnlyKeys(expected.rules());
        } else {
            assertThat(failed).containsKeys(expected.rules().toArray(String[]::new));
        }
        assertThat(failed.get(expected.rules().get(0))).contains(expected.message());
    }

    @Test
    void skipsBackdoorRulesWithAReasonWhenNoBackdoorIsGiven() {
        Events events = run(Flaw.NONE, selectClass(Kits.NoBackdoorKit.class));
        assertThat(failures(events)).isEmpty();
        List<String> reasons = events.skipped().stream()
                .map(e -> e.getPayload(String.class).orElse(""))
                .distinct()
                .toList();
        assertThat(reasons).containsExactly("no StoreBackdoor: override backdoor(SessionStore) to run this rule");
    }
}
