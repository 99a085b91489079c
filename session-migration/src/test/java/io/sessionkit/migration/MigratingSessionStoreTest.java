package io.sessionkit.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.ReplaceResult;
import io.sessionkit.Session;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.jdbc.JdbcSessionStore;
import io.sessionkit.redis.RedisBackdoor;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * The migration as users meet it, Redis (old) to PostgreSQL (new) on the real servers: a session written before the
 * migration is found, unchanged, through the migrating store and moves on that first touch; nodes racing to move and
 * delete the same sessions resurrect nothing; a move lock left by a dead node costs one lease and is never reported
 * as an expired session.
 */
class MigratingSessionStoreTest {
    private final MutableClock clock = MutableClock.startingNow();
    private final String namespace = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final List<SessionStore> opened = new ArrayList<>();

    private SessionStore oldStore;
    private SessionStore newStore;

    @BeforeEach
    void openStores() {
        oldStore = redis();
        newStore = postgres();
    }

    @AfterEach
    void removeWhatTheTestStored() throws Exception {
        for (SessionStore s : opened) {
            s.close();
        }
        try (RedisClient client = RedisClient.create(TestServers.redisUri())) {
            RedisBackdoor.deleteKeys(client, prefix());
        }
        try (Connection c = DriverManager.getConnection(TestServers.postgresUrl());
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table());
        }
    }

    private String prefix() {
        return "sk:migtest:" + namespace + ":";
    }

    private String table() {
        return "migtest_" + namespace;
    }

    private SessionStore redis() {
        return opened(RedisSessionStore.builder()
                .uri(TestServers.redisUri())
                .keyPrefix(prefix())
                .clock(clock)
                .build());
    }

    private SessionStore postgres() {
        return opened(JdbcSessionStore.builder()
                .url(TestServers.postgresUrl())
                .poolMaxSize(4)
                .table(table())
                .createSchema(true)
                .clock(clock)
                .build());
    }

    private SessionStore opened(SessionStore store) {
        opened.add(store);
        return store;
    }

    /** Another node during the migration: its own connections to the same two stores. */
    private MigratingSessionStore node() {
        return MigratingSessionStore.of(redis(), postgres(), clock);
    }

    private SessionManager managerOn(SessionStore store) {
        return SessionManager.builder(store).clock(clock).build();
    }

    @Test
    void aSessionStoredBeforeTheMigrationIsFoundUnchangedAndMovesOnFirstTouch() {
        SessionManager before = managerOn(oldStore);
        Session s = before.create();
        s.setAttribute("cart", List.of("apple", "pear"));
        s.setPrincipal("alice");
        before.save(s);
        SessionRecord stored = oldStore.load(s.id().key()).orElseThrow();

        MigratingSessionStore migrating = MigratingSessionStore.of(oldStore, newStore, clock);
        SessionRecord moved = migrating.load(s.id().key()).orElseThrow();

        assertThat(moved)
                .as("version, timestamps, expiry, principal and attributes kept")
                .isEqualTo(stored);
        // PostgreSQL keeps attributes as jsonb, which normalises their text: compared decoded, below.
        assertThat(newStore.load(s.id().key()).orElseThrow())
                .usingRecursiveComparison()
                .ignoringFields("attributes")
                .isEqualTo(stored);
        assertThat(oldStore.load(s.id().key())).as("moved, not copied").isEmpty();

        SessionManager during = managerOn(migrating);
        Session found = during.find(s.id()).orElseThrow();
        assertThat(found.getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
        assertThat(found.principal()).contains("alice");
        found.setAttribute("cart", List.of("apple"));
        during.save(found);
        assertThat(managerOn(node()).find(s.id()).orElseThrow().getAttribute("cart"))
                .as("the change is seen by another migrating node")
                .isEqualTo(List.of("apple"));
    }

    @Test
    void nodesRacingToMoveAndDeleteResurrectNothing() throws Exception {
        SessionManager before = managerOn(oldStore);
        List<SessionKey> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Session s = before.create();
            s.setAttribute("i", i);
            before.save(s);
            keys.add(s.id().key());
        }
        List<MigratingSessionStore> nodes = List.of(node(), node(), node(), node());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                MigratingSessionStore node = nodes.get(t % nodes.size());
                boolean deleter = t % 4 == 0;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < keys.size(); i++) {
                        SessionKey key = keys.get(i);
                        if (deleter && i % 2 == 0) {
                            node.delete(key);
                        } else if (deleter && i % 4 == 1) {
                            node.delete(key, 1);
                        } else {
                            node.load(key);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < keys.size(); i++) {
            SessionKey key = keys.get(i);
            assertThat(oldStore.load(key))
                    .as("session %d left in the old store", i)
                    .isEmpty();
            boolean deleted = i % 2 == 0 || i % 4 == 1;
            if (deleted) {
                assertThat(newStore.load(key))
                        .as("deleted session %d came back", i)
                        .isEmpty();
            } else {
                assertThat(newStore.load(key)).as("session %d lost", i).isPresent();
            }
        }
    }

    @Test
    void aMoveLockLeftByADeadNodeCostsOneLeaseAndIsNeverReportedAsExpired() {
        SessionManager before = managerOn(oldStore);
        Session s = before.create();
        before.save(s);
        SessionKey key = s.id().key();
        Instant now = clock.instant();
        SessionKey lock = MigratingSessionStore.lockFor(key);
        assertThat(newStore.create(MigratingSessionStore.lockRecord(lock, now))).isTrue();
        // A lock of a session nobody touches again: it stays until a sweep finds it expired.
        SessionKey stale =
                MigratingSessionStore.lockFor(io.sessionkit.SessionId.generate().key());
        assertThat(newStore.create(MigratingSessionStore.lockRecord(stale, now)))
                .isTrue();
        assertThat(MigratingSessionStore.isLock(stale)).isTrue();
        assertThat(MigratingSessionStore.isLock(key))
                .as("a session's key is never a lock's")
                .isFalse();

        clock.advance(MigratingSessionStore.LOCK_LEASE.plusSeconds(1));
        MigratingSessionStore migrating = MigratingSessionStore.of(oldStore, newStore, clock);
        assertThat(migrating.load(key))
                .as("moved once the dead node's lease is over")
                .isPresent();

        Session live = managerOn(migrating).find(s.id()).orElseThrow();
        assertThat(live.id()).isEqualTo(s.id());
        clock.advance(Duration.ofMinutes(2));
        assertThat(migrating.claimExpired(100, Duration.ofMinutes(1)))
                .as("the lock is no session: never claimed for an EXPIRED event")
                .extracting(c -> c.key())
                .doesNotContain(lock, stale);
        assertThat(newStore.claimExpired(100, Duration.ofMinutes(1)))
                .as("the stale lock was removed by the sweep that found it")
                .extracting(c -> c.key())
                .doesNotContain(stale);
    }

    @Test
    void aReplaceOfASessionStillInTheOldStoreMovesItFirst() {
        SessionManager before = managerOn(oldStore);
        Session s = before.create();
        s.setAttribute("n", 1);
        before.save(s);
        SessionRecord stored = oldStore.load(s.id().key()).orElseThrow();
        SessionRecord next = new SessionRecord(
                stored.key(),
                stored.version() + 1,
                stored.createdAt(),
                stored.lastAccessedAt(),
                stored.maxIdle(),
                stored.expiresAt(),
                stored.principal(),
                "{\"n\":2}");

        MigratingSessionStore migrating = MigratingSessionStore.of(oldStore, newStore, clock);
        assertThat(migrating.replace(next, stored.version())).isEqualTo(ReplaceResult.OK);
        assertThat(managerOn(newStore).find(s.id()).orElseThrow().getAttribute("n"))
                .isEqualTo(2);
        assertThat(oldStore.load(s.id().key())).isEmpty();
        assertThat(migrating.replace(next, stored.version()))
                .as("the same version again")
                .isEqualTo(ReplaceResult.CONFLICT);
    }
}
