package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.MutableClock;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Dialect-specific behaviour that the TCK cannot see, on all three databases. */
class JdbcSessionStoreTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    static final TablePerTest TABLES = new TablePerTest("sk_basic");

    private final MutableClock clock = MutableClock.startingNow();
    private JdbcSessionStore store;
    private String table;
    private HikariDataSource pool;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    /** A manager on a fresh store that fails on an undecodable record instead of skipping it. */
    private io.sessionkit.SessionManager strictManager(Dialect dialect) {
        open(dialect);
        return io.sessionkit.SessionManager.builder(store)
                .clock(clock)
                .decodeFailurePolicy(io.sessionkit.DecodeFailurePolicy.FAIL)
                .sweepInterval(Duration.ZERO)
                .build();
    }

    private JdbcSessionStore open(Dialect dialect) {
        return open(dialect, 1000);
    }

    private JdbcSessionStore open(Dialect dialect, int batchSize) {
        pool = TABLES.pool(dialect);
        table = TABLES.next(dialect);
        store = TestJdbc.store(pool, table, clock).sweepBatchSize(batchSize).build();
        assertThat(store.dialect()).isEqualTo(dialect);
        return store;
    }

    static SessionKey randomKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    private SessionRecord record(SessionKey key, long version, Duration ttl, String principal, String attributes) {
        Instant now = clock.instant();
        return new SessionRecord(key, version, now, now, Duration.ofMinutes(30), now.plus(ttl), principal, attributes);
    }

    /** Creates a version-1 record under a new key that expires in a minute, and returns the key. */
    private SessionKey created(String principal, String attributes) {
        SessionKey key = randomKey();
        store.create(record(key, 1, Duration.ofMinutes(1), principal, attributes));
        return key;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void attributesRoundTripAsJsonValues(Dialect dialect) {
        open(dialect);
        SessionKey key = randomKey();
        String attrs = "{\"big\":123456789012345678901234567890,\"dec\":0.1000000000000000055511151231257827,"
                + "\"s\":\"é€😀 \\\"q\\\" \\\\ \\n\",\"list\":[1,true,null,{\"x\":\"y\"}],\"empty\":{}}";
        assertThat(store.create(record(key, 1, Duration.ofMinutes(5), "alice", attrs)))
                .isTrue();
        SessionRecord loaded = store.load(key).orElseThrow();
        // JSONB reorders keys; the values are what must survive, exactly.
        assertThat(loaded.attributes())
                .contains(
                        "123456789012345678901234567890",
                        "0.1000000000000000055511151231257827",
                        "é€😀 \\\"q\\\" \\\\ \\n");
        assertThat(loaded.principal()).isEqualTo("alice");
        assertThat(loaded.version()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void createReportsLiveDuplicateAsFalseButTakesOverAnExpiredRow(Dialect dialect) {
        open(dialect);
        SessionKey key = randomKey();
        assertThat(store.create(record(key, 1, Duration.ofMinutes(1), null, "{\"n\":1}")))
                .isTrue();
        assertThat(store.create(record(key, 1, Duration.ofMinutes(1), null, "{\"n\":2}")))
                .isFalse();
        assertThat(store.load(key).orElseThrow().attributes()).contains("1");

        clock.advance(Duration.ofMinutes(1)); // expiresAt == now: expired, still in the table
        assertThat(new JdbcBackdoor(pool, dialect, table).count()).isEqualTo(1);
        assertThat(store.load(key)).isEmpty();
        assertThat(store.create(record(key, 1, Duration.ofMinutes(1), "bob", "{\"n\":3}")))
                .isTrue();
        SessionRecord fresh = store.load(key).orElseThrow();
        assertThat(fresh.attributes()).contains("3");
        assertThat(fresh.principal()).isEqualTo("bob");
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void concurrentCreatesOfOneKeyHaveExactlyOneWinnerAndNoException(Dialect dialect) throws Exception {
        open(dialect);
        for (boolean overExpiredRow : new boolean[] {false, true}) {
            SessionKey key = randomKey();
            if (overExpiredRow) {
                store.create(record(key, 1, Duration.ofSeconds(1), null, "{\"old\":true}"));
                clock.advance(Duration.ofSeconds(1));
            }
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                java.util.List<java.util.concurrent.Future<Boolean>> results = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    results.add(threads.submit(() -> {
                        go.await();
                        return store.create(record(key, 1, Duration.ofMinutes(1), null, "{\"n\":" + n + "}"));
                    }));
                }
                go.countDown();
                int winners = 0;
                for (java.util.concurrent.Future<Boolean> f : results) {
                    winners += f.get(30, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(winners)
                        .as("winners (over an expired row: %s)", overExpiredRow)
                        .isEqualTo(1);
                assertThat(store.load(key).orElseThrow().attributes()).doesNotContain("old");
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void replaceIsCompareAndSetAndNeverResurrects(Dialect dialect) {
        open(dialect);
        SessionKey key = created(null, "{}");
        assertThat(store.replace(record(key, 2, Duration.ofMinutes(1), "p", "{\"a\":1}"), 1))
                .isEqualTo(ReplaceResult.OK);
        assertThat(store.replace(record(key, 2, Duration.ofMinutes(1), null, "{\"a\":2}"), 1))
                .isEqualTo(ReplaceResult.CONFLICT);
        assertThat(store.load(key).orElseThrow().version()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(2));
        assertThat(store.replace(record(key, 3, Duration.ofMinutes(1), null, "{}"), 2))
                .isEqualTo(ReplaceResult.GONE);
        assertThat(store.load(key)).isEmpty();

        SessionKey other = randomKey();
        store.create(record(other, 1, Duration.ofMinutes(1), null, "{}"));
        store.delete(other);
        store.delete(other);
        assertThat(store.replace(record(other, 2, Duration.ofMinutes(1), null, "{}"), 1))
                .isEqualTo(ReplaceResult.GONE);
        assertThat(store.load(other)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName(
            "14.3 delete(key, expectedVersion) is one native statement: OK removes, CONFLICT and GONE remove nothing")
    void item3_deleteWithExpectedVersionIsOneStatementAndTellsConflictFromGone(Dialect dialect) {
        open(dialect);
        CountingDataSource counting = new CountingDataSource(pool);
        try (JdbcSessionStore counted = JdbcSessionStore.builder()
                .dataSource(counting.dataSource())
                .dialect(dialect)
                .table(table)
                .clock(clock)
                .build()) {
            SessionKey key = created("p", "{\"a\":1}");
            store.replace(record(key, 2, Duration.ofMinutes(1), "p", "{\"a\":2}"), 1);
            counting.takeCount();

            assertThat(counted.delete(key, 1)).isEqualTo(ReplaceResult.CONFLICT);
            assertThat(counting.takeCount())
                    .as("statements of a conflicting delete")
                    .isEqualTo(2);
            assertThat(store.load(key).orElseThrow().attributes()).contains("2");

            assertThat(counted.delete(key, 2)).isEqualTo(ReplaceResult.OK);
            assertThat(counting.takeCount())
                    .as("statements of a successful delete")
                    .isEqualTo(1);
            assertThat(store.load(key)).isEmpty();
            assertThat(new JdbcBackdoor(pool, dialect, table).count()).isZero();

            assertThat(counted.delete(key, 2)).isEqualTo(ReplaceResult.GONE);
            assertThat(counting.takeCount())
                    .as("statements of a delete of nothing")
                    .isEqualTo(dialect == Dialect.POSTGRESQL ? 1 : 2);

            // Expired but not yet swept: GONE whatever the version, and the row is left to the sweeper.
            SessionKey expired = randomKey();
            store.create(record(expired, 1, Duration.ofSeconds(1), null, "{}"));
            clock.advance(Duration.ofSeconds(1));
            assertThat(counted.delete(expired, 1)).isEqualTo(ReplaceResult.GONE);
            assertThat(counted.delete(expired, 7)).isEqualTo(ReplaceResult.GONE);
            assertThat(new JdbcBackdoor(pool, dialect, table).count()).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("14.4 delete(key, expectedVersion) racing replace and other deletes: exactly one compare-and-set wins")
    void item4_deleteWithExpectedVersionRacingWritersHasExactlyOneWinner(Dialect dialect) throws Exception {
        open(dialect);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                SessionKey key = created(null, "{}");
                CountDownLatch go = new CountDownLatch(1);
                List<Future<ReplaceResult>> deletes = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    deletes.add(threads.submit(() -> {
                        go.await();
                        return store.delete(key, 1);
                    }));
                }
                Future<ReplaceResult> replace = threads.submit(() -> {
                    go.await();
                    return store.replace(record(key, 2, Duration.ofMinutes(1), null, "{\"w\":1}"), 1);
                });
                go.countDown();
                List<ReplaceResult> results = new ArrayList<>();
                for (Future<ReplaceResult> f : deletes) {
                    results.add(f.get(30, TimeUnit.SECONDS));
                }
                ReplaceResult replaced = replace.get(30, TimeUnit.SECONDS);
                long deleted =
                        results.stream().filter(r -> r == ReplaceResult.OK).count();
                assertThat(deleted + (replaced == ReplaceResult.OK ? 1 : 0))
                        .as("winners of round %d: deletes %s, replace %s", round, results, replaced)
                        .isEqualTo(1);
                if (replaced == ReplaceResult.OK) {
                    // The row stayed live with version 2: every delete of version 1 is a conflict.
                    assertThat(store.load(key).orElseThrow().version()).isEqualTo(2);
                    assertThat(results).containsOnly(ReplaceResult.CONFLICT);
                    assertThat(store.delete(key, 2)).isEqualTo(ReplaceResult.OK);
                } else {
                    // One delete won: the other deletes found no live row. (The replace's answer is not checked: on
                    // PostgreSQL a replace that waited for the deleting transaction reports CONFLICT from its
                    // snapshot, which SessionManager turns into GONE on its reload.)
                    assertThat(results).containsOnly(ReplaceResult.OK, ReplaceResult.GONE);
                    assertThat(store.load(key)).isEmpty();
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void keysThatDifferOnlyInCaseAreDifferentSessions(Dialect dialect) {
        open(dialect);
        String base = randomKey().value();
        SessionKey lower = new SessionKey("a" + base.substring(1));
        SessionKey upper = new SessionKey("A" + base.substring(1));
        assertThat(store.create(record(lower, 1, Duration.ofMinutes(1), "Alice", "{\"who\":\"lower\"}")))
                .isTrue();
        assertThat(store.create(record(upper, 1, Duration.ofMinutes(1), "alice", "{\"who\":\"upper\"}")))
                .isTrue();
        assertThat(store.load(lower).orElseThrow().attributes()).contains("lower");
        assertThat(store.load(upper).orElseThrow().attributes()).contains("upper");
        assertThat(store.findByPrincipal("Alice"))
                .extracting(SessionRecord::key)
                .containsExactly(lower);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void findByPrincipalReturnsLiveSessionsOnly(Dialect dialect) {
        open(dialect);
        SessionKey shortLived = randomKey();
        SessionKey longLived = randomKey();
        store.create(record(shortLived, 1, Duration.ofMinutes(1), "carol", "{}"));
        store.create(record(longLived, 1, Duration.ofMinutes(10), "carol", "{}"));
        store.create(record(randomKey(), 1, Duration.ofMinutes(10), "dave", "{}"));
        assertThat(store.findByPrincipal("carol")).hasSize(2);
        clock.advance(Duration.ofMinutes(5));
        assertThat(store.findByPrincipal("carol"))
                .extracting(SessionRecord::key)
                .containsExactly(longLived);
        assertThat(store.findByPrincipal("nobody")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void purgeDeletesExpiredRowsInBatchesAndKeepsLiveOnes(Dialect dialect) {
        open(dialect, 3);
        for (int i = 0; i < 10; i++) {
            store.create(record(randomKey(), 1, Duration.ofMinutes(1), null, "{}"));
        }
        SessionKey live = randomKey();
        store.create(record(live, 1, Duration.ofMinutes(10), null, "{}"));
        assertThat(store.purgeExpired()).isZero();
        clock.advance(Duration.ofMinutes(1));
        // Expired, but not for longer than the expiry grace: kept for now, invisible to load.
        assertThat(store.purgeExpired()).isZero();
        clock.advance(JdbcSessionStore.DEFAULT_EXPIRY_GRACE);
        assertThat(store.purgeExpired()).isEqualTo(10);
        assertThat(new JdbcBackdoor(pool, dialect, table).count()).isEqualTo(1);
        assertThat(store.load(live)).isPresent();
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void undecodableRowIsACodecError(Dialect dialect) throws Exception {
        open(dialect);
        SessionKey key = created(null, "{}");
        new JdbcBackdoor(pool, dialect, table).corrupt(key);
        assertThatThrownBy(() -> store.load(key))
                .isInstanceOf(SessionCodecException.class)
                .hasMessageContaining(key.shortForm())
                .hasMessageNotContaining(key.value());
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + table + " SET version = 0");
        }
        assertThatThrownBy(() -> store.load(key)).isInstanceOf(SessionCodecException.class);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName(
            "14.13 a row with absurd max_idle_seconds, times or version is undecodable, never a DateTimeException at save")
    void item13_absurdStoredMetadataIsUndecodable(Dialect dialect) throws Exception {
        open(dialect);
        long year10000 = java.time.Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
        long centuryPlusOne = io.sessionkit.SessionRecord.MAX_IDLE.toSeconds() + 1;
        String[] damage = {
            "max_idle_seconds = " + Long.MAX_VALUE, "max_idle_seconds = 0", "max_idle_seconds = -1",
            "max_idle_seconds = " + centuryPlusOne, "created_at = " + Long.MAX_VALUE, "created_at = -1",
            "created_at = " + Long.MIN_VALUE, "last_accessed_at = " + Long.MAX_VALUE, "last_accessed_at = -86400000",
            "expires_at = " + Long.MAX_VALUE, "expires_at = " + year10000, "version = " + Long.MAX_VALUE
        };
        for (String set : damage) {
            for (io.sessionkit.DecodeFailurePolicy policy : io.sessionkit.DecodeFailurePolicy.values()) {
                io.sessionkit.SessionManager manager = io.sessionkit.SessionManager.builder(store)
                        .clock(clock)
                        .decodeFailurePolicy(policy)
                        .sweepInterval(Duration.ZERO)
                        .build();
                io.sessionkit.Session session = manager.create();
                session.setPrincipal("mallory");
                session.setAttribute("cart", java.util.List.of(1, 2));
                manager.save(session);
                try (Connection c = pool.getConnection();
                        Statement st = c.createStatement()) {
                    assertThat(st.executeUpdate("UPDATE " + table + " SET " + set + " WHERE session_id = '"
                                    + session.id().key().value() + "'"))
                            .isEqualTo(1);
                }
                assertThatThrownBy(() -> store.load(session.id().key()))
                        .as(set)
                        .isInstanceOf(SessionCodecException.class)
                        .hasMessageContaining(session.id().key().shortForm());
                assertThat(store.findByPrincipal("mallory")).as(set).isEmpty();
                if (policy == io.sessionkit.DecodeFailurePolicy.FAIL) {
                    assertThatThrownBy(() -> manager.find(session.id()))
                            .as(set)
                            .isInstanceOf(SessionCodecException.class);
                } else {
                    assertThat(manager.find(session.id()))
                            .as("%s under %s", set, policy)
                            .isEmpty();
                }
                assertThat(manager.findByPrincipal("mallory")).as(set).isEmpty();
                store.delete(session.id().key());
            }
        }
    }

    /** A value {@code depth} lists/maps deep (a scalar is 0 deep), alternating maps and lists. */
    private static Object nested(int depth) {
        Object v = "leaf";
        for (int i = 0; i < depth; i++) {
            v = i % 2 == 0 ? List.of(v, i) : Map.of("k" + i, v);
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("14.10 values at the API limits (depth 20; 400 plain digits, 34 significant) save and read back equal")
    void item10_valuesAtTheApiLimitsRoundTrip(Dialect dialect) {
        io.sessionkit.SessionManager manager = strictManager(dialect);
        Map<String, java.math.BigDecimal> decimals = new java.util.LinkedHashMap<>();
        decimals.put("big", new java.math.BigDecimal("1E+399"));
        decimals.put("negativeBig", new java.math.BigDecimal("-1E+399"));
        decimals.put("tiny", new java.math.BigDecimal("1E-399"));
        decimals.put("negativeTiny", new java.math.BigDecimal("-1E-399"));
        decimals.put(
                "wide",
                new java.math.BigDecimal("9".repeat(io.sessionkit.ValueLimits.MAX_SIGNIFICANT_DIGITS) + "E+366"));
        decimals.put("narrow", new java.math.BigDecimal("0." + "0".repeat(365) + "9".repeat(34)));
        decimals.put("long", new java.math.BigDecimal("9".repeat(17) + "." + "9".repeat(17)));
        java.math.BigInteger nines =
                new java.math.BigInteger("9".repeat(io.sessionkit.ValueLimits.MAX_SIGNIFICANT_DIGITS));

        io.sessionkit.Session session = manager.create();
        session.setAttribute("deep", nested(20));
        session.setAttribute("nines", nines);
        session.setAttribute("negativeNines", nines.negate());
        decimals.forEach(session::setAttribute);
        assertThat(manager.save(session)).isEqualTo(io.sessionkit.SaveResult.CREATED);

        io.sessionkit.Session read = manager.find(session.id()).orElseThrow();
        assertThat(read.getAttribute("deep")).isEqualTo(nested(20));
        assertThat(read.getAttribute("nines")).isEqualTo(nines);
        assertThat(read.getAttribute("negativeNines")).isEqualTo(nines.negate());
        decimals.forEach((name, value) -> assertThat(read.getAttribute(name))
                .as(name)
                .isInstanceOfSatisfying(
                        java.math.BigDecimal.class, d -> assertThat(d).isEqualByComparingTo(value)));
        // And once more after a replace, which PostgreSQL re-encodes from its JSONB text.
        read.setAttribute("n", 1);
        assertThat(manager.save(read)).isEqualTo(io.sessionkit.SaveResult.UPDATED);
        io.sessionkit.Session again = manager.find(session.id()).orElseThrow();
        assertThat(again.getAttribute("deep")).isEqualTo(nested(20));
        assertThat(again.getAttribute("nines")).isEqualTo(nines);
        decimals.forEach((name, value) -> assertThat(again.getAttribute(name, java.math.BigDecimal.class))
                .as(name)
                .isEqualByComparingTo(value));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName(
            "14.10 every dialect stores and reads values 30 deep: the API's 20 leaves MariaDB's JSON_VALID a margin of 10")
    void item10_thirtyDeepIsTheStrictestDialectsLimit(Dialect dialect) {
        io.sessionkit.SessionManager manager = strictManager(dialect);
        // Written as raw attributes text, so the test keeps working whatever limit setAttribute enforces.
        io.sessionkit.SessionId id = io.sessionkit.SessionId.generate();
        String thirty = "[".repeat(15) + "{\"a\":".repeat(15) + "1" + "}".repeat(15) + "]".repeat(15);
        assertThat(store.create(record(id.key(), 1, Duration.ofMinutes(5), null, "{\"v\":" + thirty + "}")))
                .isTrue();
        Object v = manager.find(id).orElseThrow().getAttribute("v");
        for (int i = 0; i < 15; i++) {
            v = ((List<?>) v).get(0);
        }
        for (int i = 0; i < 15; i++) {
            v = ((Map<?, ?>) v).get("a");
        }
        assertThat(v).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void schemaCreationIsIdempotentAndPlainSqlReadsSessions(Dialect dialect) throws Exception {
        open(dialect);
        store.create(record(randomKey(), 1, Duration.ofMinutes(1), "erin", "{\"cart\":[1,2]}"));
        try (JdbcSessionStore again = TestJdbc.store(pool, table, clock).build()) {
            assertThat(again.findByPrincipal("erin")).hasSize(1);
        }
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT principal, expires_at, data FROM " + table)) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("erin");
            assertThat(rs.getLong(2))
                    .isEqualTo(clock.instant().plus(Duration.ofMinutes(1)).toEpochMilli());
            assertThat(rs.getString(3).replace(" ", "")).isEqualTo("{\"cart\":[1,2]}");
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void createSchemaAddsTheClaimColumnsToATableOfAnEarlierVersion(Dialect dialect) throws Exception {
        pool = TABLES.pool(dialect);
        table = TABLES.next(dialect);
        String earlier = SqlStatements.schemaText(dialect, table)
                .replace(",\n    claimed_until    BIGINT\n", "\n")
                .replace("    claimed_until    BIGINT,\n    claim_token      BIGINT,\n", "");
        assertThat(earlier).doesNotContain("claimed_until    BIGINT").doesNotContain("claim_token      BIGINT");
        try (Connection c = pool.getConnection();
                Statement st = c.createStatement()) {
            String statements =
                    earlier.lines().filter(l -> !l.startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
            for (String ddl : statements.split(";", -1)) {
                if (!ddl.isBlank()) {
                    st.execute(ddl);
                }
            }
        }
        store = TestJdbc.store(pool, table, clock).build();
        SessionKey key = created("gus", "{}");
        clock.advance(Duration.ofMinutes(1)
                .plus(JdbcSessionStore.DEFAULT_EXPIRY_GRACE)
                .plusSeconds(1));
        List<ExpiredSession> claimed = store.claimExpired(10, Duration.ofMinutes(2));
        assertThat(claimed)
                .extracting(ExpiredSession::key, ExpiredSession::principal)
                .containsExactly(tuple(key, "gus"));
        store.removeExpired(claimed);
        assertThat(new JdbcBackdoor(pool, dialect, table).count()).isZero();
        try (JdbcSessionStore again = TestJdbc.store(pool, table, clock).build()) {
            assertThat(again.claimExpired(10, Duration.ofMinutes(2))).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void aSessionCreatedAgainUnderAClaimedKeyIsNotRemovedAndIsClaimedAfresh(Dialect dialect) {
        open(dialect);
        SessionKey key = created(null, "{\"n\":1}");
        clock.advance(Duration.ofMinutes(1)
                .plus(JdbcSessionStore.DEFAULT_EXPIRY_GRACE)
                .plusSeconds(1));
        List<ExpiredSession> claimed = store.claimExpired(10, Duration.ofHours(1));
        assertThat(claimed).extracting(ExpiredSession::key).containsExactly(key);
        assertThat(store.create(record(key, 1, Duration.ofMinutes(1), "hal", "{\"n\":2}")))
                .as("create takes over the claimed, expired row")
                .isTrue();
        store.removeExpired(claimed);
        assertThat(store.load(key).orElseThrow().principal()).isEqualTo("hal");
        // Well inside the first claim's hour-long lease: the new row carries no claim of the old one.
        clock.advance(Duration.ofMinutes(1)
                .plus(JdbcSessionStore.DEFAULT_EXPIRY_GRACE)
                .plusSeconds(1));
        assertThat(store.claimExpired(10, Duration.ofHours(1)))
                .extracting(ExpiredSession::key, ExpiredSession::principal)
                .containsExactly(tuple(key, "hal"));
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void pingAnswersAndAClosedStoreRefusesIt(Dialect dialect) {
        open(dialect);
        store.ping();
        store.close();
        assertThatThrownBy(store::ping).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void tooLongPrincipalIsRefusedBeforeAnyWrite(Dialect dialect) {
        open(dialect);
        String longName = "x".repeat(JdbcSessionStore.MAX_PRINCIPAL_LENGTH + 1);
        assertThatThrownBy(() -> store.create(record(randomKey(), 1, Duration.ofMinutes(1), longName, "{}")))
                .isInstanceOf(IllegalArgumentException.class);
        String longest = "é".repeat(JdbcSessionStore.MAX_PRINCIPAL_LENGTH);
        SessionKey key = randomKey();
        assertThat(store.create(record(key, 1, Duration.ofMinutes(1), longest, "{}")))
                .isTrue();
        assertThat(store.findByPrincipal(longest)).hasSize(1);
    }
}
