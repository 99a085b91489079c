package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 14 item 11, the JDBC part: two nodes share one table and their clocks disagree. Each node decides expiry by
 * its own clock; the sweeper deletes only rows expired for longer than the expiry grace. The guarantee: clocks that
 * differ by up to the grace lose no session (no sweep, on any node, deletes a session that is live for the node
 * that wrote it), and end none early by more than the skew (a node ahead sees a session expire at most the skew
 * early). Beyond the grace, a node ahead by {@code skew} deletes sessions in the last {@code skew - grace} of their
 * life for their writer; the test pins that boundary to the millisecond.
 */
class ClockSkewTest {
    private static final Duration GRACE = JdbcSessionStore.DEFAULT_EXPIRY_GRACE;
    private static final Duration TTL = Duration.ofMinutes(2);

    @RegisterExtension
    static final TablePerTest TABLES = new TablePerTest("sk_skew");

    private final MutableClock trueTime = MutableClock.startingNow();
    private HikariDataSource pool;
    private String table;

    private JdbcSessionStore node(Duration offset) {
        return TestJdbc.store(pool, table, Clock.offset(trueTime, offset)).build();
    }

    private void useTable(Dialect dialect) {
        pool = TABLES.pool(dialect);
        table = TABLES.next(dialect);
    }

    private static SessionRecord written(JdbcSessionStore node, Clock clock) {
        Instant now = clock.instant();
        SessionRecord r =
                new SessionRecord(JdbcSessionStoreTest.randomKey(), 1, now, now, TTL, now.plus(TTL), null, "{}");
        assertThat(node.create(r)).isTrue();
        return r;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("14.11 clocks ±(grace - 1 s) apart: no sweep on either node deletes a session live for its writer")
    void item11_skewWithinTheGraceLosesNothing(Dialect dialect) {
        useTable(dialect);
        for (Duration skew :
                List.of(GRACE.minusSeconds(1), GRACE.minusSeconds(1).negated())) {
            Clock clockA = trueTime;
            Clock clockB = Clock.offset(trueTime, skew);
            try (JdbcSessionStore a = node(Duration.ZERO);
                    JdbcSessionStore b = node(skew)) {
                SessionRecord byA = written(a, clockA);
                SessionRecord byB = written(b, clockB);
                // Walk each session to the last millisecond its writer considers it live, and sweep on both nodes.
                for (var check : List.of(Map.entry(byA, a), Map.entry(byB, b))) {
                    SessionRecord r = check.getKey();
                    JdbcSessionStore writer = check.getValue();
                    Clock writerClock = writer == a ? clockA : clockB;
                    JdbcSessionStore other = writer == a ? b : a;
                    Clock otherClock = writer == a ? clockB : clockA;
                    trueTime.advance(Duration.between(
                            writerClock.instant(), r.expiresAt().minusMillis(1)));
                    assertThat(a.purgeExpired() + b.purgeExpired())
                            .as("rows swept, skew %s", skew)
                            .isZero();
                    assertThat(writer.load(r.key()))
                            .as("live for its writer, skew %s", skew)
                            .isPresent();
                    // The other node sees it expire by its own clock: at most the skew early, never more.
                    boolean liveForOther = otherClock.millis() < r.expiresAt().toEpochMilli();
                    assertThat(other.load(r.key()).isPresent())
                            .as("live for the other node, skew %s", skew)
                            .isEqualTo(liveForOther);
                }
                // Once both nodes agree a session has been expired for longer than the grace, a sweep removes it.
                trueTime.advance(GRACE.multipliedBy(2));
                assertThat(a.purgeExpired() + b.purgeExpired()).isEqualTo(2);
                assertThat(new JdbcBackdoor(pool, dialect, table).count()).isZero();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    @DisplayName("14.11 a node ahead by more than the grace deletes sessions in their last (skew - grace), no earlier")
    void item11_skewBeyondTheGraceCutsTheLastSkewMinusGrace(Dialect dialect) {
        useTable(dialect);
        Duration skew = GRACE.plusSeconds(30);
        Duration lost = skew.minus(GRACE);
        Clock writerClock = trueTime;
        try (JdbcSessionStore writer = node(Duration.ZERO);
                JdbcSessionStore ahead = node(skew)) {
            SessionRecord r = written(writer, writerClock);
            trueTime.advance(Duration.between(
                    writerClock.instant(), r.expiresAt().minus(lost).minusMillis(1)));
            assertThat(ahead.purgeExpired())
                    .as("sweep %s before the writer's expiry", lost.plusMillis(1))
                    .isZero();
            assertThat(writer.load(r.key())).isPresent();
            trueTime.advance(Duration.ofMillis(1));
            assertThat(ahead.purgeExpired())
                    .as("sweep %s before the writer's expiry", lost)
                    .isEqualTo(1);
            assertThat(writer.load(r.key()))
                    .as("live by the writer's clock for %s more, yet swept", lost)
                    .isEmpty();
        }
    }

    @Test
    @DisplayName("14.11 the grace is a builder setting and the provider key sessionkit.jdbc.expiry-grace")
    void item11_graceIsConfigurable() {
        useTable(Dialect.H2);
        Map<String, String> keys = new HashMap<>();
        keys.put("sessionkit.jdbc.url", TestJdbc.url(Dialect.H2));
        keys.put("sessionkit.jdbc.table", table);
        keys.put("sessionkit.jdbc.create-schema", "true");
        keys.put("sessionkit.jdbc.expiry-grace", "5s");
        try (JdbcSessionStore store = (JdbcSessionStore)
                new JdbcSessionStoreProvider().create(SessionKitConfig.of(keys).withClock(trueTime))) {
            assertThat(store.expiryGrace()).isEqualTo(Duration.ofSeconds(5));
            SessionRecord r = written(store, trueTime);
            trueTime.advance(TTL.plusSeconds(5).minusMillis(1));
            assertThat(store.purgeExpired()).isZero();
            trueTime.advance(Duration.ofMillis(1));
            assertThat(store.purgeExpired()).isEqualTo(1);
            assertThat(store.load(r.key())).isEmpty();
        }
        try (JdbcSessionStore store =
                JdbcSessionStore.builder().dataSource(pool).table(table).build()) {
            assertThat(store.expiryGrace()).isEqualTo(GRACE);
        }
        try (JdbcSessionStore store = JdbcSessionStore.builder()
                .dataSource(pool)
                .table(table)
                .expiryGrace(Duration.ZERO)
                .build()) {
            assertThat(store.expiryGrace()).isZero();
        }
    }
}
