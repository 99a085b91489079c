package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.ExpiredSession;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionConflictException;
import io.sessionkit.SessionEvent;
import io.sessionkit.SessionEventListener;
import io.sessionkit.SessionId;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionTooLargeException;
import io.sessionkit.StoreFeature;
import io.sessionkit.ValueLimits;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SessionKit conformance kit: every rule of {@code session-tck/SPEC.md} that a store can fail, run against one
 * {@link SessionStore}. The rules SPEC.md marks (API) test {@code SessionManager} and the codec alone, come out the same
 * on every store, and run once in session-api's own tests instead.
 *
 * <p>To certify a backend, extend this class in your test sources and implement {@link #createStore(TckContext)}
 * (and, to run the rules that inspect what was really stored, {@link #backdoor(SessionStore)}):
 *
 * <pre>{@code
 * class RedisConformanceTest extends SessionStoreConformanceKit {
 *     protected SessionStore createStore(TckContext ctx) {
 *         return RedisSessionStore.builder().clock(ctx.clock()).keyPrefix("tck:" + ctx.namespace() + ":").build();
 *     }
 * }
 * }</pre>
 *
 * <p>A fresh store is created for every test, with the test's {@link MutableClock}, and closed after it. Rules that
 * need an optional {@link StoreFeature} run only when the store declares it; each test's display name starts with
 * its rule number in SPEC.md, followed by the rule's title there, word for word. The per-test plumbing lives in
 * {@code KitFixtures}; the protected helpers below delegate to it.
 */
@ExtendWith(FeatureCondition.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SessionStoreConformanceKit {

    /** The expiry policy the kit's manager uses: 30 min idle, 12 h absolute, touch every 3 min. */
    protected static final ExpiryPolicy POLICY = KitFixtures.POLICY;
    /** The kit's session size limit (the default, 256 KiB). */
    protected static final long MAX_SIZE = KitFixtures.MAX_SIZE;

    private static final Map<Class<?>, Capabilities> CAPABILITIES = new ConcurrentHashMap<>();

    /** The clock of the current test. */
    protected MutableClock clock;
    /** The store under test, behind a counting pass-through. */
    protected CountingSessionStore store;
    /** A manager over {@link #store} with {@link #POLICY}. */
    protected SessionManager manager;

    private KitFixtures fixtures;

    /** Creates the store under test for one test. It must use {@code context.clock()} for "now". */
    protected abstract SessionStore createStore(TckContext context);

    /**
     * A view behind the store, for the rules that check what was really stored (hashed keys, native expiry, corrupted
     * records). Default: none, and those rules are reported as skipped.
     */
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.empty();
    }

    /**
     * A layer the kit puts over every store {@link #createStore} makes (encryption, for instance), so that one
     * backend's conformance class, extended with this one override, certifies the layered stack too; {@link #backdoor}
     * is still handed the store beneath, since what the backend really stored is what it inspects. Default: none.
     */
    protected UnaryOperator<SessionStore> layer() {
        return UnaryOperator.identity();
    }

    /** A store from {@link #createStore} under {@link #layer()}: what the rules run against. */
    private SessionStore layeredStore(TckContext context) {
        return layer().apply(createStore(context));
    }

    /**
     * How long past {@code expiresAt} the backend keeps an expired record before its native expiry or sweeper removes
     * it. Nodes whose clocks differ by less than this must lose nothing (rules 14.x). Default: 60 s, the default of
     * every SessionKit backend; override it if the store under test is configured otherwise.
     */
    protected Duration expiryGrace() {
        return Duration.ofSeconds(60);
    }

    /**
     * Whether two store instances made by {@link #createStore} with the same namespace are two nodes over the same
     * records (true for every networked store). An in-process store answers false, and the rules that need a second
     * node ({@link RequiresSharedNodes}) are reported as skipped.
     */
    protected boolean sharedByNodes() {
        return true;
    }

    /**
     * Whether a scan of this store may return a record more than once (rule 16.5), as its documentation must then say
     * and bound (Redis: a key again when the server resizes its keyspace table during the scan). Default: false, every
     * record at most once.
     */
    protected boolean scanMayRepeat() {
        return false;
    }

    /**
     * At most how many {@code scan} calls a complete scan takes over {@code live} live records (and nothing else) with
     * page size {@code pageSize} (rule 16.8). Default: {@code live / pageSize + 1}, what keyset pagination takes (full
     * pages, then one short or empty page). A store whose pages follow something else (Redis {@code SCAN} over a
     * keyspace shared with other data) overrides it with its own documented bound.
     */
    protected int scanCallLimit(int live, int pageSize) {
        return live / pageSize + 1;
    }

    record Capabilities(Set<StoreFeature> features, boolean backdoor, boolean sharedByNodes) {}

    /** What the store under test declares, probed once per conformance class. */
    Capabilities capabilities() {
        return CAPABILITIES.computeIfAbsent(getClass(), c -> {
            SessionStore backend = createStore(new TckContext(MutableClock.startingNow(), KitFixtures.newNamespace()));
            SessionStore probe = layer().apply(backend);
            try {
                return new Capabilities(
                        Set.copyOf(probe.features()), backdoor(backend).isPresent(), sharedByNodes());
            } finally {
                probe.close();
            }
        });
    }

    @BeforeEach
    void openStore() {
        fixtures = new KitFixtures(this::createStore, layer());
        clock = fixtures.clock;
        store = fixtures.store;
        manager = fixtures.manager;
    }

    @AfterEach
    void closeStore() {
        if (fixtures != null) {
            fixtures.close();
        }
    }

    /**
     * Another node over the same records as {@link #store}, whose clock reads {@code skew} later than {@link #clock}
     * (earlier if negative) and moves with it; closed after the test.
     */
    protected SessionStore otherNode(Duration skew) {
        return fixtures.otherNode(skew);
    }

    /** A manager with the kit's policy over {@code node}, on {@code nodeClock}. */
    protected static SessionManager managerOn(SessionStore node, java.time.Clock nodeClock) {
        return KitFixtures.managerOn(node, nodeClock);
    }

    /** A manager over the store under test with another decode-failure policy or size limit. */
    protected SessionManager managerWith(DecodeFailurePolicy policy, long maxSize) {
        return fixtures.managerWith(policy, maxSize);
    }

    /** The backdoor; only called from rules gated by {@link RequiresBackdoor}. */
    protected StoreBackdoor requireBackdoor() {
        return backdoor(fixtures.backend)
                .orElseThrow(() -> new AssertionError("override backdoor(SessionStore) to run this rule"));
    }

    // ------------------------------------------------------------------ fixtures (see KitFixtures)

    /** A new session with {@code attributes}, saved. */
    protected Session saved(Map<String, ?> attributes) {
        return fixtures.saved(attributes);
    }

    /** The live session {@code s}, read again; fails the rule if it is absent. */
    protected Session reload(Session s) {
        return fixtures.reload(s);
    }

    /** Whether {@code s} is live for the kit's manager. */
    protected boolean isLive(Session s) {
        return fixtures.isLive(s);
    }

    /** A version-1 record with a fresh key, idle 30 min, written now by the kit's clock. */
    protected SessionRecord record(String attributes) {
        return fixtures.record(attributes);
    }

    /** A version-1 record with a fresh key, as {@link #record(String)}, already created in the store. */
    private SessionRecord created(String attributes) {
        SessionRecord r = record(attributes);
        store.create(r);
        return r;
    }

    /** {@code result} is GONE and nothing is stored under {@code key}: the write neither applied nor resurrected. */
    private void assertGone(ReplaceResult result, SessionKey key) {
        assertThat(result).isEqualTo(ReplaceResult.GONE);
        assertThat(store.load(key)).isEmpty();
    }

    /** The record that follows {@code r}, written by compare-and-set on r's version, which must succeed. */
    private SessionRecord replaced(SessionRecord r, String attributes) {
        SessionRecord following = next(r, attributes);
        assertThat(store.replace(following, r.version())).isEqualTo(ReplaceResult.OK);
        return following;
    }

    /** Two requests read {@code s} and change their copies; the first saves, then the second: both UPDATED. */
    private void bothSave(Session s, Consumer<Session> first, Consumer<Session> second) {
        Session a = reload(s);
        Session b = reload(s);
        first.accept(a);
        second.accept(b);
        assertThat(manager.save(a)).isEqualTo(SaveResult.UPDATED);
        assertThat(manager.save(b)).isEqualTo(SaveResult.UPDATED);
    }

    /** The record stored under {@code key}, asserted to be at {@code version}. */
    private SessionRecord storedAt(SessionKey key, long version) {
        SessionRecord loaded = store.load(key).orElseThrow(() -> new AssertionError("nothing stored under " + key));
        assertThat(loaded.version()).isEqualTo(version);
        return loaded;
    }

    /** A new session with its own idle timeout, saved. */
    private Session savedWithMaxIdle(Duration maxIdle) {
        Session s = manager.create();
        s.setMaxIdle(maxIdle);
        manager.save(s);
        return s;
    }

    /** {@code s} is the one session {@code principal} has. */
    private void assertOnlySessionOf(String principal, Session s) {
        assertThat(manager.findByPrincipal(principal))
                .as(principal)
                .extracting(SessionInfo::key)
                .containsExactly(s.id().key());
    }

    /** The record that follows {@code r}: version + 1, accessed now. */
    protected SessionRecord next(SessionRecord r, String attributes) {
        return fixtures.next(r, attributes);
    }

    /**
     * What a node's upkeep does: purges ({@code PURGE_EXPIRED}) and claims and removes expired records
     * ({@code EXPIRY_EVENTS}), whichever the store declares.
     */
    private static void sweep(SessionStore node) {
        if (node.features().contains(StoreFeature.PURGE_EXPIRED)) {
            node.purgeExpired();
        }
        if (node.features().contains(StoreFeature.EXPIRY_EVENTS)) {
            List<ExpiredSession> claimed;
            do {
                claimed = node.claimExpired(100, LEASE);
                node.removeExpired(claimed);
            } while (!claimed.isEmpty());
        }
    }

    /** Runs tasks on real threads, all released at once, and waits a bounded time. */
    protected static <T> List<T> concurrently(List<Callable<T>> tasks) throws Exception {
        return KitFixtures.concurrently(tasks);
    }

    // ------------------------------------------------------------------ rules

    @Nested
    @DisplayName("1 Ids")
    class Ids {
        static Stream<Arguments> malformed() {
            String valid = SessionId.generate().value();
            return Stream.of(
                    Arguments.of("null", null),
                    Arguments.of("empty", ""),
                    Arguments.of("blank", "                                "),
                    Arguments.of("31 characters", valid.substring(1)),
                    Arguments.of("33 characters", valid + "A"),
                    Arguments.of("standard base64 '+' and '/'", valid.substring(2) + "+/"),
                    Arguments.of("padding", valid.substring(1) + "="),
                    Arguments.of("CR LF injection", valid.substring(2) + "\r\n"),
                    Arguments.of("memcached command injection", valid.substring(0, 20) + " delete x\r\n"),
                    Arguments.of("NUL", valid.substring(1) + "\0"),
                    Arguments.of("glob", valid.substring(1) + "*"),
                    Arguments.of("quote", valid.substring(1) + "'"),
                    Arguments.of("SQL", "' OR '1'='1' --                 "),
                    Arguments.of("non-ASCII letters", "é".repeat(32)),
                    Arguments.of("10 000 characters", "A".repeat(10_000)));
        }

        @ParameterizedTest(name = "1.3 malformed id never reaches the store: {0}")
        @DisplayName("1.3 a malformed id is absent and never reaches the store")
        @MethodSource("malformed")
        void malformedIdsAreAbsentWithoutStoreCall(String label, String raw) {
            store.reset();
            assertThat(manager.find(raw)).isEmpty();
            assertThat(manager.update(raw, s -> s.setAttribute("x", 1))).isEmpty();
            manager.invalidate(raw);
            assertThat(store.calls()).as("store calls for %s", label).isZero();
        }

        @Test
        @DisplayName("1.4 an unknown well-formed id is absent and never adopted")
        void unknownIdNotAdopted() {
            String forged = SessionId.generate().value();
            store.reset();
            assertThat(manager.find(forged)).isEmpty();
            assertThat(store.calls()).isEqualTo(1);
            assertThat(store.creates()).isZero();
            assertThat(manager.find(forged)).isEmpty();
        }
    }

    @Nested
    @DisplayName("2 Hashed at rest")
    class HashedAtRest {
        @Test
        @DisplayName("2.1 the store key is base64url(SHA-256(id))")
        void keyIsSha256() throws Exception {
            Session s = saved(Map.of("a", 1));
            assertThat(s.id().key().value()).isEqualTo(KitFixtures.sha256Base64Url(s.id().value()));
            assertThat(store.keysSeen()).containsOnly(s.id().key().value());
        }

        @Test
        @DisplayName("2.2 the store is only ever handed hashed keys")
        void storeSeesOnlyHashedKeys() {
            Session s = saved(Map.of("a", 1));
            String raw = s.id().value();
            manager.find(raw).ifPresent(found -> {
                found.setAttribute("b", 2);
                manager.save(found);
                manager.rotateId(found);
            });
            assertThat(store.keysSeen())
                    .isNotEmpty()
                    .allSatisfy(k -> assertThat(k).hasSize(SessionKey.LENGTH).isNotEqualTo(raw));
        }

        @Test
        @RequiresBackdoor
        @DisplayName("2.3 what the backend holds contains the hashed key and never the raw id")
        void dumpHasNoRawId() {
            Session s = saved(Map.of("cart", List.of("apple")));
            s.setPrincipal("alice");
            manager.save(s);
            manager.rotateId(s);
            Session other = saved(Map.of("n", 1));
            String dump = requireBackdoor().dump();
            assertThat(dump)
                    .contains(s.id().key().value())
                    .contains(other.id().key().value());
            assertThat(dump)
                    .doesNotContain(s.id().value())
                    .doesNotContain(other.id().value());
        }
    }

    @Nested
    @DisplayName("3 Versioned records and compare-and-set")
    class CompareAndSet {
        @Test
        @DisplayName("3.1 create then load returns the same record")
        void createLoad() {
            SessionRecord r = record("{\"a\":1}");
            assertThat(store.create(r)).isTrue();
            SessionRecord loaded = store.load(r.key()).orElseThrow();
            assertThat(loaded.key()).isEqualTo(r.key());
            assertThat(loaded.version()).isEqualTo(1);
            assertThat(loaded.createdAt()).isEqualTo(r.createdAt());
            assertThat(loaded.lastAccessedAt()).isEqualTo(r.lastAccessedAt());
            assertThat(loaded.expiresAt()).isEqualTo(r.expiresAt());
            assertThat(loaded.maxIdle()).isEqualTo(r.maxIdle());
            assertThat(loaded.principal()).isNull();
        }

        @Test
        @DisplayName("3.2 create on a live key returns false and keeps the first record")
        void createIsInsertIfAbsent() {
            SessionRecord first = record("{\"who\":\"first\"}");
            assertThat(store.create(first)).isTrue();
            SessionRecord second = new SessionRecord(
                    first.key(),
                    1,
                    first.createdAt(),
                    first.lastAccessedAt(),
                    first.maxIdle(),
                    first.expiresAt(),
                    "mallory",
                    "{\"who\":\"second\"}");
            assertThat(store.create(second)).isFalse();
            SessionRecord loaded = store.load(first.key()).orElseThrow();
            assertThat(loaded.principal()).isNull();
            assertThat(loaded.attributes()).contains("first");
        }

        @Test
        @DisplayName("3.3 load of an absent key is empty")
        void loadAbsent() {
            assertThat(store.load(SessionId.generate().key())).isEmpty();
        }

        @Test
        @DisplayName("3.4 replace with the expected version succeeds and bumps the version")
        void replaceOk() {
            SessionRecord r = created("{\"n\":1}");
            assertThat(store.replace(next(r, "{\"n\":2}"), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(storedAt(r.key(), 2).attributes()).contains("2");
        }

        @Test
        @DisplayName("3.5 replace with a stale version is a CONFLICT and writes nothing")
        void replaceStale() {
            SessionRecord r = created("{\"n\":1}");
            replaced(r, "{\"n\":2}");
            assertThat(store.replace(next(r, "{\"n\":99}"), 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(storedAt(r.key(), 2).attributes()).doesNotContain("99");
        }

        @Test
        @DisplayName("3.6 replace never overwrites a newer version")
        void replaceNeverOverwritesNewer() {
            SessionRecord r = created("{\"n\":1}");
            SessionRecord v2 = replaced(r, "{\"n\":2}");
            replaced(v2, "{\"n\":3}");
            assertThat(store.replace(next(v2, "{\"n\":-1}"), 2)).isEqualTo(ReplaceResult.CONFLICT);
            storedAt(r.key(), 3);
        }

        @Test
        @DisplayName("3.7 replace of a key never created is GONE and creates nothing")
        void replaceNeverCreated() {
            SessionRecord r = record("{}");
            assertGone(store.replace(r.withVersion(2), 1), r.key());
        }

        @Test
        @DisplayName("3.8 replace after delete is GONE and never resurrects")
        void replaceAfterDelete() {
            SessionRecord r = created("{}");
            store.delete(r.key());
            assertGone(store.replace(next(r, "{\"back\":true}"), 1), r.key());
        }

        @Test
        @DisplayName("3.9 replace after expiry is GONE and never resurrects")
        void replaceAfterExpiry() {
            SessionRecord r = created("{}");
            clock.advance(Duration.ofMinutes(31));
            assertGone(store.replace(next(r, "{\"back\":true}"), 1), r.key());
        }

        @Test
        @DisplayName("3.10 delete is idempotent")
        void deleteIdempotent() {
            SessionRecord r = created("{}");
            store.delete(r.key());
            store.delete(r.key());
            store.delete(SessionId.generate().key());
            assertThat(store.load(r.key())).isEmpty();
        }

        @Test
        @DisplayName("3.11 an expired record that is still physically present does not block create")
        void expiredDoesNotBlockCreate() {
            SessionRecord r = created("{\"old\":true}");
            clock.advance(Duration.ofMinutes(31));
            Instant now = clock.instant();
            SessionRecord fresh = new SessionRecord(
                    r.key(),
                    1,
                    now,
                    now,
                    Duration.ofMinutes(30),
                    now.plus(Duration.ofMinutes(30)),
                    null,
                    "{\"new\":true}");
            assertThat(store.create(fresh)).isTrue();
            assertThat(store.load(r.key()).orElseThrow().attributes()).contains("new");
        }

        @Test
        @DisplayName("3.12 of 8 concurrent replaces of one version exactly one wins")
        void oneWinner() throws Exception {
            SessionRecord r = created("{\"n\":0}");
            List<Callable<ReplaceResult>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                tasks.add(() -> store.replace(next(r, "{\"n\":" + (n + 1) + "}"), 1));
            }
            List<ReplaceResult> results = concurrently(tasks);
            assertThat(results).filteredOn(x -> x == ReplaceResult.OK).hasSize(1);
            assertThat(results).filteredOn(x -> x == ReplaceResult.CONFLICT).hasSize(7);
            storedAt(r.key(), 2);
        }

        @Test
        @DisplayName("3.13 principal, idle timeout and creation time are stored with the record")
        void metadataRoundTrip() {
            Instant now = clock.instant();
            SessionRecord r = new SessionRecord(
                    SessionId.generate().key(),
                    1,
                    now.minusSeconds(60),
                    now,
                    Duration.ofSeconds(90),
                    now.plusSeconds(90),
                    "alice@example.com",
                    "{}");
            store.create(r);
            SessionRecord loaded = store.load(r.key()).orElseThrow();
            assertThat(loaded.principal()).isEqualTo("alice@example.com");
            assertThat(loaded.maxIdle()).isEqualTo(Duration.ofSeconds(90));
            assertThat(loaded.createdAt()).isEqualTo(now.minusSeconds(60));
        }

        @Test
        @DisplayName("3.14 delete(key, version) with the live version removes the record")
        void conditionalDeleteRemoves() {
            SessionRecord r = record("{\"a\":1}");
            assertThat(store.create(r)).isTrue();
            assertThat(store.delete(r.key(), 1)).isEqualTo(ReplaceResult.OK);
            assertThat(store.load(r.key())).isEmpty();
            assertThat(store.replace(next(r, "{}"), 1)).isEqualTo(ReplaceResult.GONE);
        }

        @Test
        @DisplayName("3.15 delete(key, version) with a stale version is CONFLICT and removes nothing")
        void conditionalDeleteConflicts() {
            SessionRecord r = created("{\"a\":1}");
            replaced(r, "{\"a\":2}");
            assertThat(store.delete(r.key(), 1)).isEqualTo(ReplaceResult.CONFLICT);
            SessionRecord kept =
                    store.load(r.key()).orElseThrow(() -> new AssertionError("a stale delete removed the record"));
            assertThat(kept.version()).isEqualTo(2);
            assertThat(kept.attributes()).contains("2").doesNotContain("1");
        }

        @Test
        @DisplayName("3.16 delete(key, version) of an absent, deleted or expired record is GONE and creates nothing")
        void conditionalDeleteGone() {
            SessionRecord never = record("{}");
            assertGone(store.delete(never.key(), 1), never.key());
            SessionRecord deleted = created("{}");
            store.delete(deleted.key());
            assertThat(store.delete(deleted.key(), 1)).isEqualTo(ReplaceResult.GONE);
            SessionRecord expired = created("{}");
            clock.advance(Duration.ofMinutes(31));
            assertGone(store.delete(expired.key(), 1), expired.key());
        }

        @Test
        @DisplayName("3.17 of 4 replaces and 4 conditional deletes of the same version at once, exactly one wins")
        void conditionalDeleteRacesReplace() throws Exception {
            SessionRecord r = created("{}");
            List<Callable<ReplaceResult>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean delete = t % 2 == 0;
                String attrs = "{\"t\":" + t + "}";
                tasks.add(() -> delete ? store.delete(r.key(), 1) : store.replace(next(r, attrs), 1));
            }
            List<ReplaceResult> results = concurrently(tasks);
            assertThat(results).filteredOn(x -> x == ReplaceResult.OK).hasSize(1);
            assertThat(results).doesNotContainNull();
        }
    }

    @Nested
    @DisplayName("4 No lost updates")
    class NoLostUpdates {
        @Test
        @DisplayName("4.1 update(): 8 threads on two nodes x 200 increments = exactly 1600")
        void atomicIncrements() throws Exception {
            Integer n = countedOnEightThreads(
                    200,
                    (node, id) -> assertThat(node.update(
                                    id.value(),
                                    x -> x.setAttribute(
                                            "n", Objects.requireNonNull(x.getAttribute("n", Integer.class)) + 1)))
                            .isPresent());
            assertThat(n).isEqualTo(1600);
        }

        /**
         * Saves a session with n = 0, runs {@code increment} {@code times} on each of 8 threads, alternately on the
         * kit's manager and on a second one, all at once, and returns n after.
         */
        private @Nullable Integer countedOnEightThreads(int times, BiConsumer<SessionManager, SessionId> increment)
                throws Exception {
            Session s = saved(Map.of("n", 0));
            SessionManager otherNode = managerWith(DecodeFailurePolicy.DROP_SESSION, MAX_SIZE);
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                SessionManager node = t % 2 == 0 ? manager : otherNode;
                tasks.add(() -> {
                    for (int i = 0; i < times; i++) {
                        increment.accept(node, s.id());
                    }
                    return times;
                });
            }
            concurrently(tasks);
            return reload(s).getAttribute("n", Integer.class);
        }

        @Test
        @DisplayName("4.2 two requests that change different attributes both survive")
        void differentAttributesBothSurvive() {
            Session s = saved(Map.of("base", true));
            bothSave(s, a -> a.setAttribute("a", "from a"), b -> b.setAttribute("b", "from b"));
            Session after = reload(s);
            assertThat(after.getAttribute("a")).isEqualTo("from a");
            assertThat(after.getAttribute("b")).isEqualTo("from b");
            assertThat(after.getAttribute("base")).isEqualTo(true);
        }

        @Test
        @DisplayName("4.3 16 concurrent saves of different attributes on two nodes all survive")
        void concurrentSaves() throws Exception {
            Session s = saved(Map.of());
            SessionManager otherNode = managerWith(DecodeFailurePolicy.DROP_SESSION, MAX_SIZE);
            List<Callable<SaveResult>> tasks = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                String name = "attr" + t;
                SessionManager node = t % 2 == 0 ? manager : otherNode;
                tasks.add(() -> {
                    Session mine = node.find(s.id()).orElseThrow();
                    mine.setAttribute(name, name);
                    return node.save(mine);
                });
            }
            assertThat(concurrently(tasks)).containsOnly(SaveResult.UPDATED);
            Session after = reload(s);
            for (int t = 0; t < 16; t++) {
                assertThat(after.getAttribute("attr" + t)).isEqualTo("attr" + t);
            }
        }

        @Test
        @DisplayName("4.4 a removal and a concurrent set of another attribute both apply")
        void removeAndSet() {
            Session s = saved(Map.of("gone", 1, "kept", 2));
            Session a = reload(s);
            Session b = reload(s);
            a.removeAttribute("gone");
            b.setAttribute("added", 3);
            manager.save(b);
            manager.save(a);
            Session after = reload(s);
            assertThat(after.attributeNames()).containsExactlyInAnyOrder("kept", "added");
        }

        @Test
        @DisplayName("4.5 a save after another request invalidated the session is GONE and resurrects nothing")
        void saveAfterInvalidate() {
            Session s = saved(Map.of("a", 1));
            Session a = reload(s);
            manager.invalidate(reload(s));
            a.setAttribute("b", 2);
            assertThat(manager.save(a)).isEqualTo(SaveResult.GONE);
            assertThat(isLive(s)).isFalse();
        }

        @Test
        @DisplayName("4.6 save racing invalidate never leaves the session alive (20 rounds)")
        void saveRacingInvalidate() throws Exception {
            for (int round = 0; round < 20; round++) {
                Session s = saved(Map.of("n", 0));
                String id = s.id().value();
                concurrently(List.<Callable<Object>>of(
                        () -> {
                            manager.find(id).ifPresent(x -> {
                                x.setAttribute("n", 1);
                                manager.save(x);
                            });
                            return null;
                        },
                        () -> {
                            manager.invalidate(id);
                            return null;
                        }));
                assertThat(manager.find(id)).as("round %d", round).isEmpty();
            }
        }

        @Test
        @DisplayName("4.7 update() of an absent session is empty and writes nothing")
        void updateAbsent() {
            store.reset();
            assertThat(manager.update(SessionId.generate().value(), x -> x.setAttribute("a", 1)))
                    .isEmpty();
            assertThat(store.creates() + store.replaces()).isZero();
        }

        @Test
        @DisplayName(
                "4.8 a request that read an attribute and changed it, racing a writer of it, fails and writes nothing")
        void sameAttributeConflictFails() {
            Session s = saved(Map.of("cart", List.of("apple")));
            Session a = reload(s);
            Session b = reload(s);
            KitFixtures.addToList(a, "cart", "pear");
            KitFixtures.addToList(b, "cart", "plum");
            assertThat(manager.save(a)).isEqualTo(SaveResult.UPDATED);
            assertThatThrownBy(() -> manager.save(b))
                    .isInstanceOf(SessionConflictException.class)
                    .hasMessageContaining("cart");
            assertThat(reload(s).getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
        }

        @Test
        @DisplayName("4.9 updateAttribute re-runs on the fresh value: 8 threads on two nodes x 50 adds = exactly 400")
        void updateAttributeNeverLoses() throws Exception {
            Integer n = countedOnEightThreads(50, (node, id) -> {
                Session mine = node.find(id).orElseThrow();
                mine.updateAttribute("n", Integer.class, x -> x + 1);
                assertThat(node.save(mine)).isEqualTo(SaveResult.UPDATED);
            });
            assertThat(n).isEqualTo(400);
        }

        @Test
        @DisplayName("4.10 a foreign compare-and-set writer is never reverted by a request that read the attribute")
        void foreignWriterNotReverted() {
            Session s = saved(Map.of("n", 1));
            Session mine = reload(s);
            int n = Objects.requireNonNull(mine.getAttribute("n", Integer.class));
            SessionRecord stored = store.load(s.id().key()).orElseThrow();
            // Another program (another language, following docs/FORMAT.md) writes n=10 with compare-and-set.
            assertThat(store.replace(next(stored, "{\"n\":10}"), stored.version()))
                    .isEqualTo(ReplaceResult.OK);
            mine.setAttribute("n", n + 1);
            assertThatThrownBy(() -> manager.save(mine)).isInstanceOf(SessionConflictException.class);
            assertThat(reload(s).getAttribute("n", Integer.class)).isEqualTo(10);
        }

        @Test
        @DisplayName("4.11 a set of an attribute this request did not read is a blind write: the last writer wins")
        void blindWriteLastWins() {
            Session s = saved(Map.of("theme", "light"));
            bothSave(s, a -> a.setAttribute("theme", "dark"), b -> b.setAttribute("theme", "blue"));
            assertThat(reload(s).getAttribute("theme")).isEqualTo("blue");
        }
    }

    @Nested
    @DisplayName("5 Expiry")
    class Expiry {
        @Test
        @DisplayName("5.1 a session idle for max-idle is absent")
        void idleExpiry() {
            assertThat(liveAfterIdle(Duration.ofMinutes(30))).isFalse();
        }

        @Test
        @DisplayName("5.2 a session idle just under max-idle is live")
        void idleNotYet() {
            assertThat(liveAfterIdle(Duration.ofMinutes(30).minusMillis(1))).isTrue();
        }

        /** Whether a session saved now is live after {@code idle} without a request (max-idle is 30 min). */
        private boolean liveAfterIdle(Duration idle) {
            Session s = saved(Map.of("a", 1));
            clock.advance(idle);
            return isLive(s);
        }

        @Test
        @DisplayName("5.3 activity extends the session")
        void activityExtends() {
            Session s = saved(Map.of("a", 1));
            for (int i = 0; i < 5; i++) {
                clock.advance(Duration.ofMinutes(20));
                Session found = reload(s);
                assertThat(manager.save(found)).isEqualTo(SaveResult.TOUCHED);
            }
            assertThat(isLive(s)).isTrue();
        }

        @Test
        @DisplayName("5.4 the absolute timeout ends even an active session")
        void absoluteTimeout() {
            Session s = saved(Map.of("a", 1));
            for (int i = 0; i < 36; i++) {
                clock.advance(Duration.ofMinutes(20));
                Optional<Session> found = manager.find(s.id());
                if (found.isEmpty()) {
                    assertThat(Duration.between(s.createdAt(), clock.instant()))
                            .isGreaterThanOrEqualTo(Duration.ofHours(12));
                    return;
                }
                found.get().setAttribute("i", i);
                manager.save(found.get());
            }
            assertThat(isLive(s)).as("absent after the 12 h absolute timeout").isFalse();
        }

        @Test
        @DisplayName("5.5 expiresAt = min(lastAccess + maxIdle, createdAt + absoluteTimeout)")
        void expiresAtFormula() {
            Session s = saved(Map.of("a", 1));
            SessionRecord r = store.load(s.id().key()).orElseThrow();
            assertThat(r.expiresAt()).isEqualTo(r.lastAccessedAt().plus(Duration.ofMinutes(30)));
            SessionManager shortLived = SessionManager.builder(store)
                    .clock(clock)
                    .expiryPolicy(ExpiryPolicy.of(Duration.ofMinutes(30), Duration.ofMinutes(40)))
                    .sweepInterval(Duration.ZERO)
                    .build();
            Session s2 = shortLived.create();
            shortLived.save(s2);
            clock.advance(Duration.ofMinutes(20));
            Session late = shortLived.find(s2.id()).orElseThrow();
            late.setAttribute("b", 2);
            shortLived.save(late);
            SessionRecord r2 = store.load(s2.id().key()).orElseThrow();
            assertThat(r2.expiresAt()).isEqualTo(r2.createdAt().plus(Duration.ofMinutes(40)));
            clock.advance(Duration.ofMinutes(20));
            assertThat(shortLived.find(s2.id())).isEmpty();
        }

        @Test
        @DisplayName("5.6 load never returns a record with expiresAt <= now")
        void loadFiltersExpired() {
            SessionRecord r = created("{}");
            clock.set(r.expiresAt().minusMillis(1));
            assertThat(store.load(r.key())).isPresent();
            clock.set(r.expiresAt());
            assertThat(store.load(r.key())).isEmpty();
        }

        @Test
        @DisplayName("5.7 a per-session idle timeout is honoured")
        void perSessionMaxIdle() {
            Session s = savedWithMaxIdle(Duration.ofMinutes(5));
            assertThat(reload(s).maxIdle()).isEqualTo(Duration.ofMinutes(5));
            clock.advance(Duration.ofMinutes(5));
            assertThat(isLive(s)).isFalse();
        }

        @Test
        @RequiresBackdoor
        @DisplayName("5.8 the expiry the backend holds is reported and is not before expiresAt")
        void nativeExpiryNotEarly() {
            Session s = saved(Map.of("a", 1));
            assertNativeExpiryNotEarly(s, "after create");
            Session found = reload(s);
            found.setAttribute("b", 2);
            manager.save(found);
            assertNativeExpiryNotEarly(found, "after an update");
        }

        private void assertNativeExpiryNotEarly(Session s, String when) {
            // Every backend holds some expiry for a live record (a TTL, an exptime, a TTL-indexed field, an expires_at
            // column): a backdoor that reports none for a live session would let an early native expiry pass unseen.
            Instant reported = requireBackdoor()
                    .nativeExpiry(s.id().key())
                    .orElseThrow(() -> new AssertionError("the backdoor reports no expiry for a live session " + when
                            + ": StoreBackdoor.nativeExpiry must report"
                            + " the TTL or expiry the backend holds for every live record"));
            assertThat(reported).as("native expiry %s", when).isAfterOrEqualTo(s.expiresAt());
        }
    }

    @Nested
    @DisplayName("6 Lazy touch")
    class LazyTouch {
        @Test
        @DisplayName("6.1 a read-only request inside the touch interval writes nothing")
        void noWriteInsideInterval() {
            Session s = saved(Map.of("a", 1));
            clock.advance(Duration.ofMinutes(3).minusMillis(1));
            store.reset();
            assertThat(manager.save(reload(s))).isEqualTo(SaveResult.UNCHANGED);
            assertThat(store.replaces()).isZero();
        }

        @Test
        @DisplayName("6.2 a read-only request after the touch interval writes once and extends expiry")
        void touchAfterInterval() {
            Session s = saved(Map.of("a", 1));
            Instant before = store.load(s.id().key()).orElseThrow().expiresAt();
            clock.advance(Duration.ofMinutes(3));
            store.reset();
            assertThat(manager.save(reload(s))).isEqualTo(SaveResult.TOUCHED);
            assertThat(store.replaces()).isEqualTo(1);
            assertThat(store.load(s.id().key()).orElseThrow().expiresAt()).isAfter(before);
        }

        @Test
        @DisplayName("6.3 idle expiry is exact to within the touch interval, erring early")
        void errsEarly() {
            Session s = saved(Map.of("a", 1));
            clock.advance(Duration.ofMinutes(2));
            manager.save(reload(s));
            clock.advance(Duration.ofMinutes(28));
            assertThat(isLive(s)).isFalse();
        }

        @Test
        @DisplayName("6.4 the touch interval is at most a tenth of the session's own idle timeout")
        void touchBoundedByOwnIdle() {
            Session s = savedWithMaxIdle(Duration.ofMinutes(2));
            for (int minute = 1; minute <= 10; minute++) {
                clock.advance(Duration.ofMinutes(1));
                Session found = manager.find(s.id())
                        .orElseThrow(() -> new AssertionError(
                                "a session read every 60 s with a 120 s idle timeout expired while in use"));
                manager.save(found);
            }
            clock.advance(Duration.ofSeconds(121));
            assertThat(isLive(s)).isFalse();
        }
    }

    @Nested
    @DisplayName("7 Round-trip budget")
    class RoundTrips {
        @Test
        @DisplayName("7.1 read-only request inside the touch interval: 1 store call")
        void readOnly() {
            assertThat(callsOfARequest(found -> found.getAttribute("a"))).isEqualTo(1);
        }

        @Test
        @DisplayName("7.2 request that changes the session: 2 store calls")
        void modifying() {
            assertThat(callsOfARequest(found -> found.setAttribute("a", 2))).isEqualTo(2);
        }

        /** Store calls of one request on a saved session: load, {@code work}, save. */
        private int callsOfARequest(Consumer<Session> work) {
            Session s = saved(Map.of("a", 1));
            store.reset();
            Session found = reload(s);
            work.accept(found);
            manager.save(found);
            return store.calls();
        }

        @Test
        @DisplayName("7.3 new session: 1 store call")
        void newSession() {
            store.reset();
            Session s = manager.create();
            s.setAttribute("a", 1);
            manager.save(s);
            assertThat(store.calls()).isEqualTo(1);
        }

        @Test
        @DisplayName("7.4 rotation of a loaded session: 2 store calls, none cross-key")
        void rotation() {
            Session s = saved(Map.of("a", 1));
            Session found = reload(s);
            store.reset();
            manager.rotateId(found);
            assertThat(store.calls()).isEqualTo(2);
            assertThat(store.creates()).isEqualTo(1);
            assertThat(store.deletes()).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("8 Rotation")
    class Rotation {
        @Test
        @DisplayName("8.1 rotation keeps the data under a new id and the old id is absent at once")
        void rotate() {
            Session s = saved(Map.of("cart", List.of("apple", "pear")));
            String oldId = s.id().value();
            Session found = reload(s);
            manager.rotateId(found);
            assertThat(found.id().value()).isNotEqualTo(oldId);
            assertThat(manager.find(oldId)).isEmpty();
            assertThat(manager.find(found.id().value()).orElseThrow().getAttribute("cart"))
                    .isEqualTo(List.of("apple", "pear"));
        }

        @Test
        @DisplayName("8.2 rotating a new, unsaved session makes no store call")
        void rotateNew() {
            Session s = manager.create();
            String before = s.id().value();
            store.reset();
            manager.rotateId(s);
            assertThat(store.calls()).isZero();
            assertThat(s.id().value()).isNotEqualTo(before);
        }

        @Test
        @DisplayName("8.3 rotation carries unsaved changes and keeps createdAt")
        void rotateCarriesChanges() {
            Session s = saved(Map.of("a", 1));
            Session found = reload(s);
            found.setAttribute("b", 2);
            found.setPrincipal("alice");
            manager.rotateId(found);
            Session after = reload(found);
            assertThat(after.getAttribute("b")).isEqualTo(2);
            assertThat(after.principal()).contains("alice");
            assertThat(after.createdAt()).isEqualTo(s.createdAt());
        }

        @Test
        @DisplayName("8.4 the rotated session can be changed and saved under its new id")
        void saveAfterRotate() {
            Session s = saved(Map.of("a", 1));
            Session found = reload(s);
            manager.rotateId(found);
            found.setAttribute("a", 5);
            assertThat(manager.save(found)).isEqualTo(SaveResult.UPDATED);
            assertThat(reload(found).getAttribute("a")).isEqualTo(5);
        }

        @Test
        @RequiresFeature(StoreFeature.PRINCIPAL_INDEX)
        @DisplayName("8.5 after rotation the principal index lists the new key, not the old one")
        void rotateUpdatesIndex() {
            Session s = manager.create();
            s.setPrincipal("rot-user");
            manager.save(s);
            SessionKey old = s.id().key();
            manager.rotateId(s);
            assertThat(manager.findByPrincipal("rot-user"))
                    .extracting(SessionInfo::key)
                    .containsExactly(s.id().key())
                    .doesNotContain(old);
        }

        @Test
        @DisplayName("8.6 rotating a session another request invalidated fails, and nothing lives under either id")
        void rotateAfterInvalidateFails() {
            Session s = manager.create();
            s.setPrincipal("rot-gone");
            s.setAttribute("a", 1);
            manager.save(s);
            Session found = reload(s);
            manager.invalidate(s.id().value());
            store.reset();
            assertThatThrownBy(() -> manager.rotateId(found)).isInstanceOf(IllegalStateException.class);
            assertThat(manager.find(found.id())).isEmpty();
            assertThat(found.isInvalidated()).isTrue();
            assertThat(store.keysSeen())
                    .allSatisfy(k ->
                            assertThat(store.delegate().load(new SessionKey(k))).isEmpty());
            if (store.features().contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThat(manager.findByPrincipal("rot-gone")).isEmpty();
            }
        }

        @Test
        @DisplayName("8.7 rotation carries a change another request saved after this one loaded")
        void rotateKeepsAcknowledgedWrite() {
            Session s = saved(Map.of("a", 1));
            Session login = reload(s);
            Session other = reload(s);
            other.setAttribute("cart", List.of("apple"));
            assertThat(manager.save(other)).isEqualTo(SaveResult.UPDATED);
            login.setPrincipal("alice");
            manager.rotateId(login);
            Session after = reload(login);
            assertThat(after.getAttribute("cart")).isEqualTo(List.of("apple"));
            assertThat(after.principal()).contains("alice");
            assertThat(manager.find(s.id())).isEmpty();
        }

        @Test
        @DisplayName(
                "8.8 writers racing a rotation land in the new session or get GONE: nothing acknowledged is lost (20 rounds)")
        void writersRacingRotation() throws Exception {
            SessionManager otherNode = managerWith(DecodeFailurePolicy.DROP_SESSION, MAX_SIZE);
            for (int round = 0; round < 20; round++) {
                Session s = saved(Map.of("n", 0));
                SessionId oldId = s.id();
                Session login = reload(s);
                List<Callable<Object>> tasks = new ArrayList<>();
                tasks.add(() -> {
                    manager.rotateId(login);
                    return login.id();
                });
                for (int w = 0; w < 3; w++) {
                    SessionManager node = w % 2 == 0 ? manager : otherNode;
                    tasks.add(() -> {
                        Optional<Session> mine = node.find(oldId);
                        if (mine.isEmpty()) {
                            return SaveResult.GONE;
                        }
                        mine.get().updateAttribute("n", Integer.class, n -> n + 1);
                        return node.save(mine.get());
                    });
                }
                List<Object> results = concurrently(tasks);
                long acknowledged =
                        results.stream().filter(r -> r == SaveResult.UPDATED).count();
                assertThat(results.subList(1, results.size()))
                        .as("round %d", round)
                        .allSatisfy(r -> assertThat(r).isIn(SaveResult.UPDATED, SaveResult.GONE));
                assertThat(manager.find(oldId)).as("round %d: old id", round).isEmpty();
                Session rotated = manager.find((SessionId) results.get(0)).orElseThrow();
                assertThat(rotated.getAttribute("n", Integer.class))
                        .as("round %d: acknowledged writes", round)
                        .isEqualTo((int) acknowledged);
            }
        }
    }

    @Nested
    @RequiresFeature(StoreFeature.PRINCIPAL_INDEX)
    @DisplayName("9 Principal index")
    class PrincipalIndex {
        private Session login(String user) {
            Session s = manager.create();
            s.setPrincipal(user);
            manager.save(s);
            return s;
        }

        @Test
        @DisplayName("9.1 findByPrincipal lists a user's live sessions")
        void find() {
            Session a = login("alice");
            Session b = login("alice");
            login("bob");
            assertThat(manager.findByPrincipal("alice"))
                    .extracting(SessionInfo::key)
                    .containsExactlyInAnyOrder(a.id().key(), b.id().key());
        }

        @Test
        @DisplayName("9.2 invalidateAll logs a user out everywhere and nobody else")
        void invalidateAll() {
            Session a = login("carol");
            Session b = login("carol");
            Session other = login("dave");
            assertThat(manager.invalidateAll("carol")).isEqualTo(2);
            assertThat(isLive(a)).isFalse();
            assertThat(isLive(b)).isFalse();
            assertThat(isLive(other)).isTrue();
            assertThat(manager.findByPrincipal("carol")).isEmpty();
        }

        @Test
        @DisplayName("9.3 expired sessions are not listed")
        void expiredNotListed() {
            login("erin");
            clock.advance(Duration.ofMinutes(31));
            Session fresh = login("erin");
            assertOnlySessionOf("erin", fresh);
        }

        @Test
        @DisplayName("9.4 a principal change moves the session to the new user")
        void principalChange() {
            Session s = login("frank");
            Session found = reload(s);
            found.setPrincipal("grace");
            manager.save(found);
            assertThat(manager.findByPrincipal("frank")).isEmpty();
            assertOnlySessionOf("grace", s);
        }

        @Test
        @DisplayName("9.5 an invalidated session is not listed")
        void deletedNotListed() {
            Session s = login("heidi");
            manager.invalidate(reload(s));
            assertThat(manager.findByPrincipal("heidi")).isEmpty();
        }

        @Test
        @DisplayName("9.6 an unknown principal has no sessions")
        void unknown() {
            assertThat(manager.findByPrincipal("nobody-" + SessionId.generate().value()))
                    .isEmpty();
        }

        @Test
        @DisplayName("9.7 principals with unicode, quotes, separators, newlines and 200 characters work")
        void oddPrincipals() {
            for (String user : List.of("o'brien@example.com", "用户", "a:b{c}*d", "line\nbreak", "x".repeat(200))) {
                Session s = login(user);
                assertOnlySessionOf(user, s);
            }
        }

        @Test
        @DisplayName("9.8 listing returns metadata only, never attributes or raw ids")
        void metadataOnly() {
            Session s = login("ivan");
            SessionInfo info = manager.findByPrincipal("ivan").get(0);
            assertThat(info.principal()).isEqualTo("ivan");
            assertThat(info.createdAt()).isEqualTo(s.createdAt());
            assertThat(info.toString()).doesNotContain(s.id().value());
        }

        @Test
        @DisplayName(
                "9.9 a session stays listed after it is changed, touched, updated and rotated; invalidateAll then removes it")
        void listedAfterWrites() {
            Session s = login("judy");
            Session found = reload(s);
            found.setAttribute("cart", List.of("apple"));
            manager.save(found);
            clock.advance(Duration.ofMinutes(4));
            manager.save(reload(s));
            manager.update(s.id().value(), x -> x.setAttribute("n", 1));
            assertOnlySessionOf("judy", s);
            Session again = reload(s);
            manager.rotateId(again);
            again.setAttribute("after", true);
            manager.save(again);
            assertOnlySessionOf("judy", again);
            assertThat(manager.invalidateAll("judy")).isEqualTo(1);
            assertThat(isLive(again)).isFalse();
        }
    }

    @Nested
    @DisplayName("10 Values and format")
    class Values {
        private @Nullable Object roundTrip(Object value) {
            Session s = saved(Map.of("v", value));
            return reload(s).getAttribute("v");
        }

        @Test
        @DisplayName("10.1 strings round-trip: unicode, emoji, control characters, quotes")
        void strings() {
            for (String v : List.of(
                    "plain",
                    "Grüße, 世界, مرحبا",
                    "emoji 🎉👩‍👩‍👧",
                    "tab\tnewline\ncr\r",
                    "nul\u0000byte",
                    "quotes \" ' and \\ backslash",
                    "<script>alert(1)</script>",
                    "\u2028\u2029",
                    "")) {
                assertThat(roundTrip(v)).as("value %s", v).isEqualTo(v);
            }
        }

        @Test
        @DisplayName("10.2 nested lists and maps round-trip (list order kept)")
        void nested() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("z", List.of(1, "two", List.of(true, false), Map.of("deep", List.of())));
            map.put("a", Map.of("b", Map.of("c", Map.of("d", "e"))));
            map.put("empty", Map.of());
            assertThat(roundTrip(map)).isEqualTo(map);
            List<Object> withNull = new ArrayList<>();
            withNull.add(null);
            withNull.add(1);
            assertThat(roundTrip(withNull)).isEqualTo(withNull);
        }

        @Test
        @DisplayName("10.3 numbers keep their precision")
        void numbers() {
            assertThat(roundTrip(42)).isEqualTo(42);
            assertThat(roundTrip(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
            assertThat(roundTrip(Long.MIN_VALUE)).isEqualTo(Long.MIN_VALUE);
            assertThat(roundTrip(0.1)).isEqualTo(0.1);
            assertThat(roundTrip(1e308)).isEqualTo(1e308);
            assertThat(roundTrip(-2.5e-300)).isEqualTo(-2.5e-300);
            BigDecimal precise = new BigDecimal("12345678901234567890.1234567891");
            Session s = saved(Map.of("d", precise, "i", BigInteger.TWO.pow(70)));
            Session found = reload(s);
            assertThat(found.getAttribute("d", BigDecimal.class)).isEqualByComparingTo(precise);
            assertThat(found.getAttribute("i", BigInteger.class)).isEqualTo(BigInteger.TWO.pow(70));
        }

        @Test
        @DisplayName("10.4 booleans round-trip and setting null removes the attribute")
        void booleansAndNull() {
            Session s = saved(Map.of("t", true, "f", false, "gone", 1));
            Session found = reload(s);
            assertThat(found.getAttribute("t")).isEqualTo(true);
            assertThat(found.getAttribute("f")).isEqualTo(false);
            found.setAttribute("gone", null);
            manager.save(found);
            assertThat(reload(s).attributeNames()).containsExactlyInAnyOrder("t", "f");
        }

        /** A typed value, stored by its properties. */
        public record Cart(String owner, List<Line> lines) {}

        /** A cart line. */
        public record Line(String sku, int quantity, BigDecimal price) {}

        @Test
        @DisplayName("10.5 objects are stored by their properties and read back by type")
        void typed() {
            Cart cart = new Cart(
                    "alice",
                    List.of(new Line("apple", 3, new BigDecimal("0.40")), new Line("pear", 1, new BigDecimal("1.25"))));
            Session s = saved(Map.of("cart", cart));
            Cart back = Objects.requireNonNull(reload(s).getAttribute("cart", Cart.class), "cart read back");
            assertThat(back.owner()).isEqualTo("alice");
            assertThat(back.lines()).hasSize(2);
            assertThat(back.lines().get(0).price()).isEqualByComparingTo("0.40");
            assertThat(reload(s).getAttribute("cart")).isInstanceOf(Map.class);
        }

        @Test
        @DisplayName("10.6 a session just under the size limit round-trips intact")
        void nearLimit() {
            String big = "x".repeat((int) MAX_SIZE - 64);
            Session s = saved(Map.of("big", big));
            assertThat(reload(s).getAttribute("big")).isEqualTo(big);
        }

        @Test
        @DisplayName("10.7 500 attributes round-trip")
        void manyAttributes() {
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (int i = 0; i < 500; i++) {
                attrs.put("attr." + i, i);
            }
            Session found = reload(saved(attrs));
            assertThat(found.attributeNames()).hasSize(500);
            assertThat(found.getAttribute("attr.499")).isEqualTo(499);
        }

        @Test
        @DisplayName("10.8 attribute names with dots, spaces, unicode and quotes round-trip")
        void oddNames() {
            List<String> names = List.of("a.b.c", "with space", "ключ", "quote\"d", "$dollar", "x".repeat(256));
            Map<String, Object> attrs = new LinkedHashMap<>();
            names.forEach(n -> attrs.put(n, n.length()));
            Session found = reload(saved(attrs));
            assertThat(found.attributeNames()).containsExactlyInAnyOrderElementsOf(names);
            names.forEach(n -> assertThat(found.getAttribute(n)).isEqualTo(n.length()));
        }
    }

    @Nested
    @DisplayName("11 Bad data")
    @RequiresBackdoor
    class BadData {
        @Test
        @DisplayName("11.1 an undecodable record is treated as absent")
        void corruptIsAbsent() {
            Session s = saved(Map.of("a", 1));
            requireBackdoor().corrupt(s.id().key());
            assertThat(manager.find(s.id().value())).isEmpty();
            assertThat(manager.find(s.id().value())).isEmpty();
        }

        @Test
        @DisplayName("11.2 with the FAIL policy an undecodable record raises SessionCodecException")
        void corruptFails() {
            Session s = saved(Map.of("a", 1));
            requireBackdoor().corrupt(s.id().key());
            SessionManager strict = managerWith(DecodeFailurePolicy.FAIL, MAX_SIZE);
            assertThatThrownBy(() -> strict.find(s.id().value()))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageNotContaining(s.id().value());
        }

        @Test
        @DisplayName("11.3 an undecodable record does not block new sessions or other sessions")
        void corruptIsolated() {
            Session bad = saved(Map.of("a", 1));
            Session good = saved(Map.of("b", 2));
            requireBackdoor().corrupt(bad.id().key());
            assertThat(reload(good).getAttribute("b")).isEqualTo(2);
            Session fresh = saved(Map.of("c", 3));
            assertThat(reload(fresh).getAttribute("c")).isEqualTo(3);
        }

        @Test
        @DisplayName("11.4 update() of an undecodable record is empty, not an exception loop")
        void corruptUpdate() {
            Session s = saved(Map.of("a", 1));
            requireBackdoor().corrupt(s.id().key());
            assertThat(manager.update(s.id().value(), x -> x.setAttribute("a", 2)))
                    .isEmpty();
        }
    }

    @Nested
    @DisplayName("12 Limits")
    class Limits {
        @Test
        @DisplayName("12.1 an oversize new session is refused and nothing is written")
        void oversizeNew() {
            Session s = manager.create();
            s.setAttribute("big", "x".repeat((int) MAX_SIZE));
            store.reset();
            assertThatThrownBy(() -> manager.save(s)).isInstanceOf(SessionTooLargeException.class);
            assertThat(store.calls()).isZero();
            assertThat(manager.find(s.id().value())).isEmpty();
        }

        @Test
        @DisplayName("12.2 an oversize change is refused and the stored session is intact")
        void oversizeChange() {
            Session s = saved(Map.of("small", "ok"));
            Session found = reload(s);
            found.setAttribute("big", "é".repeat((int) MAX_SIZE / 2));
            store.reset();
            assertThatThrownBy(() -> manager.save(found)).isInstanceOf(SessionTooLargeException.class);
            assertThat(store.replaces()).isZero();
            Session after = reload(s);
            assertThat(after.attributeNames()).containsExactly("small");
            assertThat(after.version()).isEqualTo(1);
        }

        @Test
        @DisplayName("12.4 a session exactly at the limit is accepted, one byte over is not")
        void exactLimit() {
            SessionManager small = managerWith(DecodeFailurePolicy.DROP_SESSION, 1024);
            String prefix = "{\"v\":\"";
            String suffix = "\"}";
            String exact = "y".repeat(1024 - prefix.length() - suffix.length());
            Session ok = small.create();
            ok.setAttribute("v", exact);
            assertThat(small.save(ok)).isEqualTo(SaveResult.CREATED);
            Session over = small.create();
            over.setAttribute("v", exact + "y");
            assertThatThrownBy(() -> small.save(over)).isInstanceOf(SessionTooLargeException.class);
        }

        @Test
        @DisplayName("12.5 a value nested at the depth limit round-trips; one level deeper is refused at setAttribute")
        void depthLimit() {
            Object atLimit = "leaf";
            for (int i = 0; i < ValueLimits.MAX_DEPTH; i++) {
                atLimit = i % 2 == 0 ? List.of(atLimit) : Map.of("k", atLimit);
            }
            Session s = saved(Map.of("deep", atLimit));
            assertThat(reload(s).getAttribute("deep")).isEqualTo(atLimit);
            Session found = reload(s);
            Object tooDeep = List.of(atLimit);
            assertThatThrownBy(() -> found.setAttribute("deeper", tooDeep))
                    .isInstanceOf(SessionCodecException.class)
                    .hasMessageContaining(String.valueOf(ValueLimits.MAX_DEPTH));
            assertThat(found.hasChanges()).isFalse();
        }

        @Test
        @DisplayName("12.6 numbers at the digit limits round-trip; one digit more is refused at setAttribute")
        void numberLimit() {
            int max = ValueLimits.MAX_NUMBER_DIGITS;
            int significant = ValueLimits.MAX_SIGNIFICANT_DIGITS;
            BigInteger big = new BigInteger("9".repeat(significant));
            BigDecimal precise = new BigDecimal("0." + "7".repeat(significant));
            BigDecimal large = new BigDecimal("1E+" + (max - 1));
            BigDecimal small = new BigDecimal("1E-" + (max - 1));
            Session s = saved(Map.of("big", big, "precise", precise, "large", large, "small", small));
            Session after = reload(s);
            assertThat(after.getAttribute("big", BigInteger.class)).isEqualTo(big);
            assertThat(after.getAttribute("precise", BigDecimal.class)).isEqualByComparingTo(precise);
            assertThat(after.getAttribute("large", BigDecimal.class)).isEqualByComparingTo(large);
            assertThat(after.getAttribute("small", BigDecimal.class)).isEqualByComparingTo(small);
            assertThatThrownBy(() -> after.setAttribute("x", new BigInteger("9".repeat(significant + 1))))
                    .isInstanceOf(SessionCodecException.class);
            assertThatThrownBy(() -> after.setAttribute("x", new BigDecimal("1E+" + max)))
                    .isInstanceOf(SessionCodecException.class);
            assertThatThrownBy(() -> after.setAttribute("x", new BigDecimal("1E-" + max)))
                    .isInstanceOf(SessionCodecException.class);
        }
    }

    @Nested
    @DisplayName("13 Features and errors")
    class Features {
        @Test
        @DisplayName("13.1 every undeclared feature throws UnsupportedOperationException")
        void undeclaredThrows() {
            Set<StoreFeature> declared = store.features();
            if (!declared.contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThatThrownBy(() -> store.findByPrincipal("x")).isInstanceOf(UnsupportedOperationException.class);
            } else {
                assertThat(store.findByPrincipal("nobody")).isEmpty();
            }
            if (!declared.contains(StoreFeature.PURGE_EXPIRED)) {
                assertThatThrownBy(() -> store.purgeExpired()).isInstanceOf(UnsupportedOperationException.class);
            } else {
                assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(0);
            }
            if (!declared.contains(StoreFeature.EXPIRY_EVENTS)) {
                assertThatThrownBy(() -> store.claimExpired(1, Duration.ofMinutes(1)))
                        .isInstanceOf(UnsupportedOperationException.class);
                assertThatThrownBy(() -> store.removeExpired(List.of()))
                        .isInstanceOf(UnsupportedOperationException.class);
            } else {
                assertThat(store.claimExpired(1, Duration.ofMinutes(1))).isEmpty();
                store.removeExpired(List.of());
            }
            if (!declared.contains(StoreFeature.SCAN)) {
                assertThatThrownBy(() -> store.scan(null, 10)).isInstanceOf(UnsupportedOperationException.class);
            } else {
                assertThat(store.scan(null, 10).records()).isEmpty();
            }
        }

        @Test
        @RequiresFeature(StoreFeature.PURGE_EXPIRED)
        @RequiresBackdoor
        @DisplayName("13.2 purgeExpired physically removes expired records and keeps live ones")
        void purge() {
            SessionRecord old = created("{}");
            clock.advance(Duration.ofMinutes(31).plus(expiryGrace()));
            Session live = saved(Map.of("a", 1));
            assertThat(store.purgeExpired()).isGreaterThanOrEqualTo(0);
            assertThat(isLive(live)).isTrue();
            String dump = requireBackdoor().dump();
            assertThat(dump)
                    .contains(live.id().key().value())
                    .doesNotContain(old.key().value());
        }

        @Test
        @DisplayName("13.3 the store declares its features as a stable value")
        void featuresStable() {
            Set<StoreFeature> declared = store.features();
            assertThat(declared).as("features()").isNotNull().doesNotContainNull();
            Set<StoreFeature> copy = Set.copyOf(declared);
            try {
                declared.clear();
            } catch (UnsupportedOperationException expected) {
                // An unmodifiable set is the best answer; a fresh copy per call is also fine.
            }
            assertThat(store.features())
                    .as("features() after a caller cleared the returned set")
                    .isEqualTo(copy);
            assertThat(copy)
                    .as("features() of this store and of the probe the kit gates rules on")
                    .isEqualTo(capabilities().features());
            SessionStore second = layeredStore(new TckContext(clock, KitFixtures.newNamespace()));
            try {
                assertThat(second.features())
                        .as("features() of a second store from the same factory")
                        .isEqualTo(copy);
            } finally {
                second.close();
            }
        }

        @Test
        @DisplayName("13.4 closing a store twice is harmless")
        void closeTwice() {
            SessionStore extra = layeredStore(new TckContext(clock, KitFixtures.newNamespace()));
            extra.close();
            extra.close();
        }
    }

    @Nested
    @DisplayName("14 Clock skew")
    class ClockSkew {
        @Test
        @DisplayName(
                "14.1 a node whose clock is 5 min behind the server's, with a 2 min idle timeout, keeps its sessions")
        void nodeBehindServer() {
            // Beyond any grace: native TTLs must be relative to the writer's clock, never absolute times from it.
            MutableClock behind = MutableClock.startingNow();
            behind.advance(Duration.ofMinutes(-5));
            SessionStore node = fixtures.node(behind);
            SessionManager m = SessionManager.builder(node)
                    .clock(behind)
                    .expiryPolicy(ExpiryPolicy.of(Duration.ofMinutes(2), Duration.ofHours(1)))
                    .sweepInterval(Duration.ZERO)
                    .build();
            Session s = m.create();
            s.setAttribute("user", "alice");
            assertThat(m.save(s)).isEqualTo(SaveResult.CREATED);
            Session found = m.find(s.id())
                    .orElseThrow(() -> new AssertionError("a session saved by a node 5 min behind vanished at once"));
            found.setAttribute("n", 1);
            assertThat(m.save(found)).isEqualTo(SaveResult.UPDATED);
            assertThat(m.find(s.id()))
                    .as("after an update from the node behind")
                    .isPresent();
        }

        @Test
        @RequiresSharedNodes
        @DisplayName("14.2 nodes whose clocks differ by less than the expiry grace lose nothing, either way round")
        void skewWithinGrace() {
            Duration skew = expiryGrace().minusSeconds(1);
            for (Duration offset : List.of(skew, skew.negated())) {
                SessionStore otherStore = otherNode(offset);
                SessionManager other = managerOn(otherStore, clock.offset(offset));
                // Each node reads and changes the other's session.
                Session mine = saved(Map.of("n", 1));
                Session theirs = other.create();
                theirs.setAttribute("n", 2);
                other.save(theirs);
                Session a = manager.find(theirs.id())
                        .orElseThrow(() -> new AssertionError("skew " + offset + ": lost the other node's session"));
                a.setAttribute("m", 1);
                assertThat(manager.save(a)).isEqualTo(SaveResult.UPDATED);
                Session b = other.find(mine.id())
                        .orElseThrow(() ->
                                new AssertionError("skew " + offset + ": the other node lost this node's session"));
                b.setAttribute("m", 2);
                assertThat(other.save(b)).isEqualTo(SaveResult.UPDATED);
                // Two fresh sessions, one per writer, each with one second left by its writer's clock: the node ahead
                // sees one of them expired already, but no node's upkeep (sweeps) removes it for its writer.
                Session x = saved(Map.of("w", "this"));
                Session y = other.create();
                y.setAttribute("w", "other");
                other.save(y);
                clock.advance(POLICY.maxIdle().minusSeconds(1));
                sweep(otherStore);
                sweep(store);
                assertThat(manager.find(x.id()))
                        .as("skew %s: this node's session after both nodes swept", offset)
                        .isPresent();
                assertThat(other.find(y.id()))
                        .as("skew %s: the other node's session after both nodes swept", offset)
                        .isPresent();
                clock.advance(Duration.ofHours(1));
            }
        }

        @Test
        @RequiresSharedNodes
        @RequiresFeature(StoreFeature.PRINCIPAL_INDEX)
        @DisplayName(
                "14.3 a node ahead by less than the grace never drops another node's live session from the principal index")
        void principalIndexWithinGrace() {
            Duration skew = expiryGrace().minusSeconds(1);
            SessionStore aheadStore = otherNode(skew);
            SessionManager ahead = managerOn(aheadStore, clock.offset(skew));
            Session s = manager.create();
            s.setPrincipal("skewed-user");
            manager.save(s);
            clock.advance(POLICY.maxIdle().minus(skew).plusSeconds(1));
            ahead.findByPrincipal("skewed-user");
            assertOnlySessionOf("skewed-user", s);
            assertThat(manager.invalidateAll("skewed-user")).isEqualTo(1);
        }

        @Test
        @RequiresSharedNodes
        @RequiresFeature(StoreFeature.PURGE_EXPIRED)
        @DisplayName("14.4 beyond the grace, a node ahead by S removes no session with more than S - grace left")
        void skewBeyondGrace() {
            Duration skew = expiryGrace().plusMinutes(4);
            SessionStore aheadStore = otherNode(skew);
            Session s = saved(Map.of("n", 1));
            // Left by its writer's clock: skew - grace + 30 s; expired by grace - 30 s for the node ahead.
            clock.advance(POLICY.maxIdle().minus(skew).plus(expiryGrace()).minusSeconds(30));
            sweep(aheadStore);
            assertThat(isLive(s))
                    .as("a session the node ahead sees expired by less than the grace")
                    .isTrue();
        }
    }

    /** The lease the kit claims expired records with. */
    static final Duration LEASE = Duration.ofMinutes(2);

    @Nested
    @RequiresFeature(StoreFeature.EXPIRY_EVENTS)
    @DisplayName("15 Expiry events")
    class ExpiryEvents {
        /** Past the expiry of a record written now (idle 30 min) by more than the grace. */
        private void pastExpiryAndGrace() {
            clock.advance(POLICY.maxIdle().plus(expiryGrace()).plusSeconds(1));
        }

        private SessionRecord createdBy(String principal) {
            SessionRecord withPrincipal = record("{}").withPrincipal(principal);
            assertThat(store.create(withPrincipal)).isTrue();
            return withPrincipal;
        }

        private List<SessionKey> keys(List<ExpiredSession> claimed) {
            return claimed.stream().map(ExpiredSession::key).toList();
        }

        @Test
        @DisplayName("15.1 an expired record is claimed once with its key, principal and expiry, then removed for good")
        void claimOnce() {
            SessionRecord r = createdBy("ivan");
            pastExpiryAndGrace();
            List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
            assertThat(claimed).containsExactly(new ExpiredSession(r.key(), "ivan", r.expiresAt()));
            assertThat(store.claimExpired(10, LEASE))
                    .as("a second claim while the first holds")
                    .isEmpty();
            store.removeExpired(claimed);
            store.removeExpired(claimed);
            clock.advance(LEASE.plusSeconds(1));
            assertThat(store.claimExpired(10, LEASE))
                    .as("a claim after removeExpired and the lease")
                    .isEmpty();
            assertThat(store.load(r.key())).isEmpty();
        }

        @Test
        @DisplayName("15.2 live records, records inside the grace and records extended since are never claimed")
        void liveNeverClaimed() {
            SessionRecord expired = created("{}");
            Session extended = saved(Map.of("n", 1));
            boolean graceTestable = expiryGrace().compareTo(Duration.ofSeconds(4)) >= 0;
            clock.advance(expiryGrace().dividedBy(2));
            SessionRecord insideGrace = graceTestable ? created("{}") : null;
            clock.advance(Duration.ofMinutes(20));
            Session touched = reload(extended);
            assertThat(manager.save(touched)).isEqualTo(SaveResult.TOUCHED);
            clock.advance(POLICY.maxIdle()
                    .minus(Duration.ofMinutes(20))
                    .plus(expiryGrace().dividedBy(2))
                    .plusSeconds(1));
            Session live = saved(Map.of("n", 2));
            List<ExpiredSession> claimed = store.claimExpired(100, LEASE);
            assertThat(keys(claimed)).containsExactly(expired.key());
            store.removeExpired(claimed);
            assertThat(isLive(extended)).as("the session extended by a touch").isTrue();
            assertThat(isLive(live)).as("a new session").isTrue();
            if (insideGrace != null) {
                assertThat(store.claimExpired(100, LEASE))
                        .as("a record expired inside the grace")
                        .isEmpty();
                clock.advance(expiryGrace());
                assertThat(keys(store.claimExpired(100, LEASE))).containsExactly(insideGrace.key());
            }
        }

        @Test
        @DisplayName("15.3 an invalidated session is never reported as expired")
        void invalidatedNotReported() {
            Session s = saved(Map.of("n", 1));
            manager.invalidate(reload(s));
            SessionRecord r = created("{}");
            store.delete(r.key());
            pastExpiryAndGrace();
            assertThat(store.claimExpired(100, LEASE)).isEmpty();
        }

        @Test
        @DisplayName("15.4 a claimed record stays expired: load is empty and replace is GONE")
        void claimedStaysExpired() {
            SessionRecord r = created("{}");
            pastExpiryAndGrace();
            assertThat(keys(store.claimExpired(10, LEASE))).containsExactly(r.key());
            assertThat(store.load(r.key())).isEmpty();
            assertThat(store.replace(next(r, "{}"), r.version())).isEqualTo(ReplaceResult.GONE);
            assertThat(store.load(r.key())).isEmpty();
        }

        @Test
        @DisplayName("15.5 claims return at most max records, and successive claims cover every expired one once")
        void paged() {
            Set<SessionKey> all = new HashSet<>();
            for (int i = 0; i < 25; i++) {
                all.add(created("{}").key());
            }
            pastExpiryAndGrace();
            List<SessionKey> seen = new ArrayList<>();
            for (int page = 0; page < 3; page++) {
                List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
                assertThat(claimed).hasSizeLessThanOrEqualTo(10);
                seen.addAll(keys(claimed));
                store.removeExpired(claimed);
            }
            assertThat(store.claimExpired(10, LEASE)).isEmpty();
            assertThat(seen).doesNotHaveDuplicates();
            assertThat(Set.copyOf(seen)).isEqualTo(all);
        }

        @Test
        @RequiresSharedNodes
        @DisplayName("15.6 a claim whose node died is taken over after its lease, not before")
        void leaseTakeover() {
            SessionRecord r = created("{}");
            pastExpiryAndGrace();
            SessionStore other = otherNode(Duration.ZERO);
            assertThat(keys(store.claimExpired(10, LEASE))).containsExactly(r.key());
            // This node "dies": it never removes what it claimed.
            assertThat(other.claimExpired(10, LEASE))
                    .as("another node while the lease holds")
                    .isEmpty();
            clock.advance(LEASE.plusSeconds(1));
            List<ExpiredSession> retaken = other.claimExpired(10, LEASE);
            assertThat(keys(retaken)).as("another node after the lease").containsExactly(r.key());
            other.removeExpired(retaken);
            clock.advance(LEASE.plusSeconds(1));
            assertThat(store.claimExpired(10, LEASE)).isEmpty();
        }

        @Test
        @RequiresSharedNodes
        @DisplayName("15.7 four nodes claiming at once each get their own records, and together all of them")
        void concurrentNodes() throws Exception {
            Set<SessionKey> all = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                all.add(created("{}").key());
            }
            pastExpiryAndGrace();
            List<SessionStore> nodes =
                    List.of(store, otherNode(Duration.ZERO), otherNode(Duration.ZERO), otherNode(Duration.ZERO));
            List<Callable<List<SessionKey>>> sweepers = new ArrayList<>();
            for (SessionStore node : nodes) {
                sweepers.add(() -> {
                    List<SessionKey> mine = new ArrayList<>();
                    for (List<ExpiredSession> c = node.claimExpired(16, LEASE);
                            !c.isEmpty();
                            c = node.claimExpired(16, LEASE)) {
                        mine.addAll(keys(c));
                        node.removeExpired(c);
                    }
                    return mine;
                });
            }
            List<SessionKey> reported = new ArrayList<>();
            concurrently(sweepers).forEach(reported::addAll);
            assertThat(reported).as("reported by more than one node").doesNotHaveDuplicates();
            assertThat(Set.copyOf(reported)).isEqualTo(all);
        }

        @Test
        @RequiresSharedNodes
        @DisplayName("15.8 a node ahead by less than the grace claims no session live for its writer")
        void skewWithinGrace() {
            Duration skew = expiryGrace().minusSeconds(1);
            SessionStore ahead = otherNode(skew);
            Session s = saved(Map.of("n", 1));
            clock.advance(POLICY.maxIdle().minusSeconds(1));
            assertThat(ahead.claimExpired(100, LEASE)).isEmpty();
            assertThat(isLive(s)).isTrue();
        }

        @Test
        @DisplayName("15.9 the manager's sweep reports each expired session once, without raw ids, and removes it")
        void managerReports() {
            List<SessionEvent> anonymous = new CopyOnWriteArrayList<>();
            List<SessionEvent> named = new CopyOnWriteArrayList<>();
            manager.addListener(anonymous::add);
            manager.addListener(SessionEventListener.withPrincipal(named::add));
            Session s = manager.create();
            s.setPrincipal("judy");
            manager.save(s);
            pastExpiryAndGrace();
            assertThat(manager.sweepExpired()).isEqualTo(1);
            assertThat(manager.sweepExpired()).isZero();
            SessionEvent expected =
                    new SessionEvent(SessionEvent.Type.EXPIRED, s.id().key(), null, "judy", null, s.expiresAt());
            assertThat(named)
                    .filteredOn(e -> e.type() == SessionEvent.Type.EXPIRED)
                    .containsExactly(expected);
            assertThat(anonymous)
                    .filteredOn(e -> e.type() == SessionEvent.Type.EXPIRED)
                    .containsExactly(
                            new SessionEvent(SessionEvent.Type.EXPIRED, s.id().key(), null, null, null, s.expiresAt()));
            assertThat(named.toString()).doesNotContain(s.id().value());
            assertThat(store.load(s.id().key())).isEmpty();
        }
    }

    @Nested
    @RequiresFeature(StoreFeature.SCAN)
    @DisplayName("16 Scan")
    class Scan {
        /** What a complete scan returned: every page's records in order, each page's size, and the calls it took. */
        record Scanned(List<SessionRecord> records, List<Integer> pageSizes) {
            /** How often each key was returned. */
            Map<SessionKey, Integer> counts() {
                Map<SessionKey, Integer> counts = new LinkedHashMap<>();
                records.forEach(r -> counts.merge(r.key(), 1, Integer::sum));
                return counts;
            }

            Set<SessionKey> keys() {
                return counts().keySet();
            }

            List<SessionKey> repeated() {
                return counts().entrySet().stream()
                        .filter(e -> e.getValue() > 1)
                        .map(Map.Entry::getKey)
                        .toList();
            }

            int calls() {
                return pageSizes.size();
            }
        }

        /**
         * Scans {@code node} from the start to the end with {@code pageSize}, running {@code betweenPages} after each
         * page that is not the last, and checking on each page that it holds no record expired by {@code node}'s clock
         * when the page was read (16.4) and no more than {@code pageSize} records (16.3). A scan that has not ended
         * after far more calls than {@link #scanCallLimit} allows (a cursor that does not advance) fails.
         */
        private Scanned scanAll(SessionStore node, java.time.Clock nodeClock, int pageSize, Runnable betweenPages) {
            int cap = 10 * scanCallLimit(created + 2_000, pageSize) + 100;
            List<SessionRecord> records = new ArrayList<>();
            List<Integer> sizes = new ArrayList<>();
            String cursor = null;
            do {
                Instant readAt = nodeClock.instant();
                var page = node.scan(cursor, pageSize);
                sizes.add(page.records().size());
                assertThat(page.records())
                        .as("page %d of a scan with page size %d", sizes.size(), pageSize)
                        .hasSizeLessThanOrEqualTo(pageSize);
                for (SessionRecord r : page.records()) {
                    assertThat(r.isExpiredAt(readAt))
                            .as(
                                    "page %d returned %s, expired at %s when the page was read at %s",
                                    sizes.size(), r, r.expiresAt(), readAt)
                            .isFalse();
                }
                records.addAll(page.records());
                cursor = page.next();
                if (cursor != null) {
                    assertThat(sizes.size())
                            .as("scan calls without reaching the end (does the cursor advance?)")
                            .isLessThan(cap);
                    betweenPages.run();
                }
            } while (cursor != null);
            return new Scanned(records, sizes);
        }

        private Scanned scanAll(int pageSize) {
            return scanAll(store, clock, pageSize, () -> {});
        }

        /** Records created in the store under test by this test so far (an upper bound on what is live). */
        private int created;

        /** The i-th of a varied set of records: some with a principal, other idle timeouts, earlier creation. */
        private SessionRecord varied(int i) {
            Instant now = clock.instant();
            Duration maxIdle = Duration.ofMinutes(30 + i % 7);
            String principal = i % 3 == 0 ? "user-" + i + (i % 2 == 0 ? "-élodie" : "") : null;
            Instant createdAt = now.minusSeconds(i % 100).minusMillis(i % 1000);
            return new SessionRecord(
                    SessionId.generate().key(),
                    1,
                    createdAt,
                    now,
                    maxIdle,
                    now.plus(maxIdle),
                    principal,
                    "{\"i\":" + i + ",\"s\":\"ü" + i + "\"}");
        }

        /** Creates {@code n} varied records, every fifth replaced once (version 2); returns them as stored. */
        private Map<SessionKey, SessionRecord> createVaried(int n) {
            Map<SessionKey, SessionRecord> out = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                SessionRecord r = varied(created + i);
                assertThat(store.create(r)).isTrue();
                if (i % 5 == 0) {
                    r = replaced(r, "{\"i\":" + (created + i) + ",\"replaced\":true}");
                }
                out.put(r.key(), r);
            }
            created += n;
            return out;
        }

        /** A record with a fresh key and its own idle timeout, created now. */
        private SessionRecord createdWithIdle(Duration maxIdle) {
            Instant now = clock.instant();
            SessionRecord r =
                    new SessionRecord(SessionId.generate().key(), 1, now, now, maxIdle, now.plus(maxIdle), null, "{}");
            assertThat(store.create(r)).isTrue();
            created++;
            return r;
        }

        /** Every key returned exactly once, or at least once where the store declares repeats. */
        private void assertEachOnce(Scanned scanned, Set<SessionKey> expected, String what) {
            assertThat(scanned.keys())
                    .as("%s: the keys the scan returned", what)
                    .isEqualTo(expected);
            if (!scanMayRepeat()) {
                assertThat(scanned.repeated())
                        .as("%s: records returned more than once", what)
                        .isEmpty();
            }
        }

        @Test
        @DisplayName("16.1 an empty store scans to the end with no records")
        void emptyStore() {
            for (int pageSize : List.of(1, 10, 1000)) {
                assertThat(scanAll(pageSize).records())
                        .as("page size %d", pageSize)
                        .isEmpty();
            }
        }

        @Test
        @DisplayName("16.2 a scan returns every live record exactly once, in its full state")
        void everyRecordOnce() {
            Map<SessionKey, SessionRecord> small = createVaried(23);
            for (int pageSize : List.of(1, 7, 23, 5000)) {
                assertEachOnce(scanAll(pageSize), small.keySet(), "23 records, page size " + pageSize);
            }
            Map<SessionKey, SessionRecord> all = new LinkedHashMap<>(small);
            all.putAll(createVaried(1050 - 23));
            Scanned scanned = scanAll(100);
            assertEachOnce(scanned, all.keySet(), "1050 records, page size 100");
            for (SessionRecord r : scanned.records()) {
                SessionRecord written = Objects.requireNonNull(all.get(r.key()), "a key the scan returned");
                assertThat(List.of(
                                r.version(),
                                r.createdAt(),
                                r.lastAccessedAt(),
                                r.maxIdle(),
                                r.expiresAt(),
                                String.valueOf(r.principal())))
                        .as("version, times, idle timeout and principal of %s as scanned", r)
                        .isEqualTo(List.of(
                                written.version(),
                                written.createdAt(),
                                written.lastAccessedAt(),
                                written.maxIdle(),
                                written.expiresAt(),
                                String.valueOf(written.principal())));
                assertThat(r)
                        .as("%s as scanned and as loaded", r)
                        .isEqualTo(store.load(r.key()).orElseThrow());
            }
        }

        @Test
        @DisplayName("16.3 pages never exceed the page size, and a page size below 1 is refused")
        void pageSize() {
            createVaried(12);
            for (int pageSize : List.of(1, 2, 5, 11, 12, 13)) {
                // scanAll checks every page against the page size.
                assertThat(scanAll(pageSize).keys())
                        .as("page size %d", pageSize)
                        .hasSize(12);
            }
            for (int bad : List.of(0, -1, Integer.MIN_VALUE)) {
                assertThat(catchThrowable(() -> store.scan(null, bad)))
                        .as("scan with page size %d", bad)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }

        @Test
        @DisplayName("16.4 a scan never returns a record expired when its page is read")
        void expiredExcluded() {
            SessionRecord longLived = createdWithIdle(Duration.ofMinutes(30));
            SessionRecord tenMinutes = createdWithIdle(Duration.ofMinutes(10));
            SessionRecord twentyMinutes = createdWithIdle(Duration.ofMinutes(20));
            clock.advance(Duration.ofMinutes(10));
            for (int pageSize : List.of(1, 100)) {
                assertEachOnce(
                        scanAll(pageSize),
                        Set.of(longLived.key(), twentyMinutes.key()),
                        "expiresAt == now for one record, page size " + pageSize);
            }
            clock.advance(Duration.ofMinutes(15));
            assertEachOnce(scanAll(100), Set.of(longLived.key()), "25 minutes on");
            assertThat(tenMinutes.expiresAt()).isBefore(clock.instant());
            // Records that expire while the scan runs: none may be in a page read after its expiry.
            Set<SessionKey> lasting = new HashSet<>(Set.of(longLived.key()));
            for (int i = 0; i < 15; i++) {
                createdWithIdle(Duration.ofMinutes(2));
                lasting.add(createdWithIdle(Duration.ofMinutes(30)).key());
            }
            boolean[] advanced = {false};
            Scanned scanned = scanAll(store, clock, 4, () -> {
                if (!advanced[0]) {
                    advanced[0] = true;
                    clock.advance(Duration.ofMinutes(2));
                }
            });
            // scanAll failed any page holding a record expired when it was read; the lasting ones all came back.
            assertThat(scanned.keys()).containsAll(lasting);
        }

        @Test
        @DisplayName(
                "16.5 records live throughout a scan with writes to others are returned at least once, and at most once unless the store declares repeats")
        void concurrentWrites() {
            Map<SessionKey, SessionRecord> stable = createVaried(300);
            List<SessionRecord> churn = new ArrayList<>(createVaried(100).values());
            List<SessionRecord> stableList = new ArrayList<>(stable.values());
            Map<SessionKey, Long> lastVersion = new ConcurrentHashMap<>();
            stable.values().forEach(r -> lastVersion.put(r.key(), r.version()));
            int[] round = {0};
            Scanned scanned = scanAll(store, clock, 10, () -> {
                int k = round[0]++;
                // Between pages: 8 creates, 2 replaces and 2 deletes of other records, 2 replaces of stable ones.
                for (int i = 0; i < 8; i++) {
                    churn.add(createdWithIdle(Duration.ofMinutes(30)));
                }
                for (int i = 0; i < 2 && !churn.isEmpty(); i++) {
                    SessionRecord r = churn.remove(Math.floorMod(k * 7 + i * 13, churn.size()));
                    churn.add(replaced(store.load(r.key()).orElseThrow(), "{\"churn\":" + k + "}"));
                }
                for (int i = 0; i < 2 && !churn.isEmpty(); i++) {
                    store.delete(churn.remove(Math.floorMod(k * 11 + i * 3, churn.size()))
                            .key());
                }
                for (int i = 0; i < 2; i++) {
                    SessionRecord r = stableList.get(Math.floorMod(k * 17 + i * 5, stableList.size()));
                    SessionRecord now = replaced(store.load(r.key()).orElseThrow(), "{\"stable\":" + k + "}");
                    lastVersion.put(now.key(), now.version());
                }
            });
            assertThat(scanned.keys())
                    .as("records live throughout the scan, with writes to others between its pages")
                    .containsAll(stable.keySet());
            if (!scanMayRepeat()) {
                assertThat(scanned.repeated())
                        .as("records returned more than once (override scanMayRepeat() only for a documented bound)")
                        .isEmpty();
            }
            for (SessionRecord r : scanned.records()) {
                if (stable.containsKey(r.key())) {
                    assertThat(r.version())
                            .as("the version of %s: one it held during the scan", r)
                            .isBetween(stable.get(r.key()).version(), lastVersion.get(r.key()));
                }
            }
        }

        @Test
        @RequiresSharedNodes
        @DisplayName("16.6 a cursor is portable: another node resumes the scan where the first left it")
        void portableCursor() {
            Map<SessionKey, SessionRecord> all = createVaried(10);
            SessionStore other = otherNode(Duration.ZERO);
            List<SessionRecord> records = new ArrayList<>();
            String cursor = null;
            int calls = 0;
            do {
                // Alternate nodes page by page: each resumes the other's cursor.
                var page = (calls++ % 2 == 0 ? store : other).scan(cursor, 3);
                records.addAll(page.records());
                cursor = page.next();
                assertThat(calls).as("scan calls").isLessThan(10 * scanCallLimit(2_010, 3) + 100);
            } while (cursor != null);
            assertEachOnce(new Scanned(records, List.of()), all.keySet(), "two nodes, page size 3");
        }

        @Test
        @DisplayName("16.7 a malformed or foreign cursor is an IllegalArgumentException and changes nothing")
        void badCursor() {
            Map<SessionKey, SessionRecord> all = createVaried(5);
            String real = Objects.requireNonNull(
                    store.scan(null, 1).next(), "the cursor after the first of 5 records, page size 1");
            String kind = real.contains(":") ? real.substring(0, real.indexOf(':') + 1) : "";
            List<String> bad = new ArrayList<>(List.of(
                    "",
                    " ",
                    "not a cursor",
                    "\0",
                    "é",
                    "A".repeat(10_000),
                    real + " ",
                    real + "\n",
                    " " + real,
                    real + "\0",
                    "0",
                    "-1",
                    ":",
                    "1:"));
            if (!kind.isEmpty()) {
                bad.add(kind);
            }
            // Cursors of other kinds of stores (KeysetCursor's format): refused, never read as a position.
            for (String other : List.of("j1:", "c1:", "m1:", "r1:", "t1:", "x9:")) {
                if (!real.startsWith(other)) {
                    bad.add(other + "YQ");
                    bad.add(other + real.substring(kind.length()));
                }
            }
            for (String cursor : bad) {
                assertThat(catchThrowable(() -> store.scan(cursor, 10)))
                        .as("scan of the cursor '%s'", cursor.length() > 40 ? cursor.substring(0, 40) + "..." : cursor)
                        .isInstanceOf(IllegalArgumentException.class);
            }
            for (SessionRecord r : all.values()) {
                assertThat(store.load(r.key()).map(SessionRecord::version))
                        .as("%s after the refused cursors", r)
                        .contains(r.version());
            }
            assertEachOnce(scanAll(2), all.keySet(), "a scan after the refused cursors");
        }

        @Test
        @DisplayName("16.8 a complete scan takes a bounded number of store calls, one per page")
        void boundedCalls() {
            for (int[] step : new int[][] {{0, 10}, {25, 10}, {0, 1}, {5, 10}, {0, 7}}) {
                createVaried(step[0]);
                int pageSize = step[1];
                store.reset();
                Scanned scanned = scanAll(pageSize);
                assertThat(scanned.calls())
                        .as("scan calls for %d records, page size %d", created, pageSize)
                        .isLessThanOrEqualTo(scanCallLimit(created, pageSize));
                assertThat(store.calls())
                        .as("store calls of a scan of %d records: the scan's pages and nothing else", created)
                        .isEqualTo(store.count(InterceptingSessionStore.Call.SCAN))
                        .isEqualTo(scanned.calls());
            }
        }

        @Test
        @RequiresBackdoor
        @DisplayName("16.9 an undecodable record never stops a scan")
        void undecodableSkipped() {
            Map<SessionKey, SessionRecord> all = createVaried(9);
            List<SessionKey> keys = new ArrayList<>(all.keySet());
            SessionKey bad = keys.get(4);
            requireBackdoor().corrupt(bad);
            Set<SessionKey> good = new HashSet<>(keys);
            good.remove(bad);
            for (int pageSize : List.of(1, 3, 100)) {
                Scanned scanned = scanAll(pageSize);
                assertThat(scanned.keys())
                        .as("page size %d: the other records, around an undecodable one", pageSize)
                        .containsAll(good);
                assertThat(Set.copyOf(scanned.keys()))
                        .as("page size %d: keys returned", pageSize)
                        .isSubsetOf(all.keySet());
                if (!scanMayRepeat()) {
                    assertThat(scanned.repeated())
                            .as("page size %d: repeats", pageSize)
                            .isEmpty();
                }
            }
        }
    }
}
