package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The kit accepts a correct store and rejects each broken one with a message that says what broke. */
class ConformanceKitSelfTest {

    private static Events run(Class<?> kit) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(kit))
                .execute()
                .testEvents();
    }

    /** Failed rules: display name → failure message. */
    private static Map<String, String> failures(Events events) {
        return events.failed().stream()
                .collect(Collectors.toMap(
                        e -> e.getTestDescriptor().getDisplayName(),
                        e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                                .map(t -> String.valueOf(t.getMessage()))
                                .orElse(""),
                        (a, b) -> a));
    }

    private static List<String> failedRules(Events events) {
        return events.failed().stream()
                .map(Event::getTestDescriptor)
                .map(d -> d.getDisplayName())
                .toList();
    }

    @Test
    void acceptsTheReferenceStore() {
        Events events = run(Kits.ReferenceKit.class);
        assertThat(failures(events)).isEmpty();
        assertThat(events.skipped().count()).isZero();
        assertThat(events.succeeded().count()).isGreaterThanOrEqualTo(90);
    }

    @Test
    void rejectsAStoreWithoutCompareAndSet() {
        Map<String, String> failed = failures(run(Kits.NoCompareAndSetKit.class));
        assertThat(failed).containsKey("3.5 replace with a stale version is a CONFLICT and writes nothing");
        assertThat(failed.get("3.5 replace with a stale version is a CONFLICT and writes nothing"))
                .contains("CONFLICT");
        assertThat(failed).containsKey("3.12 of 8 concurrent replaces of one version exactly one wins");
    }

    @Test
    void rejectsAStoreThatReturnsExpiredRecords() {
        Map<String, String> failed = failures(run(Kits.ReturnsExpiredKit.class));
        // Only the SPI-level rule catches it: SessionManager re-checks expiry, so the session-level rules still hold.
        assertThat(failed).containsKey("5.6 load never returns a record with expiresAt <= now");
    }

    @Test
    void rejectsAStoreThatResurrects() {
        Map<String, String> failed = failures(run(Kits.ResurrectsKit.class));
        assertThat(failed).containsKey("3.8 replace after delete is GONE and never resurrects");
        assertThat(failed.get("3.8 replace after delete is GONE and never resurrects"))
                .contains("GONE");
        assertThat(failed).containsKey("3.7 replace of a key never created is GONE and creates nothing");
    }

    @Test
    void rejectsAStoreThatSweepsByItsOwnClockAlone() {
        Map<String, String> failed = failures(run(Kits.SweepsWithoutGraceKit.class));
        assertThat(failed)
                .containsKeys(
                        "14.2 nodes whose clocks differ by less than the expiry grace lose nothing, either way round",
                        "14.4 beyond the grace, a node ahead by S removes no session with more than S - grace left");
        assertThat(failed.get(
                        "14.2 nodes whose clocks differ by less than the expiry grace lose nothing, either way round"))
                .contains("after both nodes swept");
    }

    @Test
    void rejectsACreateThatOverwrites() {
        Map<String, String> failed = failures(run(Kits.CreateOverwritesKit.class));
        assertThat(failed).containsKey("3.2 create on a live key returns false and keeps the first record");
    }

    @Test
    void rejectsAStoreThatForgetsThePrincipal() {
        List<String> failed = failedRules(run(Kits.ForgetsPrincipalKit.class));
        assertThat(failed)
                .contains(
                        "3.13 principal, idle timeout and creation time are stored with the record",
                        "9.1 findByPrincipal lists a user's live sessions");
    }

    @Test
    void skipsBackdoorRulesWithAReasonWhenNoBackdoorIsGiven() {
        Events events = run(Kits.NoBackdoorKit.class);
        assertThat(failures(events)).isEmpty();
        List<String> reasons = events.skipped().stream()
                .map(e -> e.getPayload(String.class).orElse(""))
                .distinct()
                .toList();
        assertThat(reasons).containsExactly("no StoreBackdoor: override backdoor(SessionStore) to run this rule");
    }

    @Test
    void rejectsABackdoorThatReportsNoExpiry() {
        Map<String, String> failed = failures(run(Kits.ReportsNoExpiryKit.class));
        assertThat(failed).containsOnlyKeys("5.8 the expiry the backend holds is reported and is not before expiresAt");
        assertThat(failed.values()).singleElement().asString().contains("reports no expiry for a live session");
    }

    @Test
    void rejectsAStoreWhoseFeaturesACallerCanChange() {
        // Run alone: the broken store's one shared set is cleared by the rule, so later rules see other features.
        Events events = EngineTestKit.engine("junit-jupiter")
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectNestedMethod(
                        List.of(Kits.SharesMutableFeaturesKit.class),
                        SessionStoreConformanceKit.Features.class,
                        "featuresStable"))
                .execute()
                .testEvents();
        Map<String, String> failed = failures(events);
        assertThat(failed).containsOnlyKeys("13.3 the store declares its features as a stable value");
        assertThat(failed.values()).singleElement().asString().contains("after a caller cleared the returned set");
    }
}
