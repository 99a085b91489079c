package io.sessionkit.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.Session;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.memcached.MemcachedSessionStore;
import io.sessionkit.redis.RedisBackdoor;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.tck.InterceptingSessionStore.Call;
import io.sessionkit.testing.ForwardingSessionStore;
import io.sessionkit.testing.MemcachedText;
import io.sessionkit.testing.TestServers;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/**
 * A migration into memcached (Redis old, memcached new, the real servers), whose principal index is one item per
 * principal: the move locks the migrating store writes into the new store carry no principal, so no index item is
 * written for them and {@code findByPrincipal} lists exactly the real sessions, during a move and after it.
 */
class MigrationIntoMemcachedTest {
    private final String namespace = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final String prefix = "sk:migmc:" + namespace + ":";
    private final InetSocketAddress memcached = TestServers.memcachedAddresses().get(0);
    private final List<SessionKey> stored = new ArrayList<>();

    private RedisSessionStore oldStore;
    private MemcachedSessionStore newStore;
    private ForwardingSessionStore newSide;
    private MigratingSessionStore migrating;

    /** What a look at the stores found while a move held its lock. */
    private record DuringMove(
            Optional<SessionRecord> lock,
            List<SessionKey> alice,
            List<SessionKey> aliceInNewStore,
            List<String> index) {}

    @BeforeEach
    void open() {
        oldStore = RedisSessionStore.builder()
                .uri(TestServers.redisUri())
                .keyPrefix(prefix)
                .build();
        newStore = MemcachedSessionStore.builder()
                .servers(List.of(memcached))
                .keyPrefix(prefix)
                .build();
        newSide = new ForwardingSessionStore(newStore);
        migrating = MigratingSessionStore.of(oldStore, newSide);
    }

    @AfterEach
    void close() {
        // Through the store, so that the principal index items go with the sessions.
        stored.forEach(newStore::delete);
        migrating.close();
        try (RedisClient client = RedisClient.create(TestServers.redisUri())) {
            RedisBackdoor.deleteKeys(client, prefix);
        }
    }

    private SessionKey session(SessionManager manager, String principal) {
        Session s = manager.create();
        s.setAttribute("cart", List.of("apple"));
        if (principal != null) {
            s.setPrincipal(principal);
        }
        manager.save(s);
        stored.add(s.id().key());
        return s.id().key();
    }

    /** The principal index items in memcached under this test's prefix. */
    private List<String> indexItems() {
        return MemcachedText.keys(memcached, prefix + "p:");
    }

    private static List<SessionKey> keys(List<SessionRecord> records) {
        return records.stream().map(SessionRecord::key).toList();
    }

    /** Moves {@code key} through the migrating store, looking at both stores just before the copy is created. */
    private DuringMove move(SessionKey key) {
        AtomicReference<DuringMove> seen = new AtomicReference<>();
        // The move's first create in the new store takes the lock; its second copies the session.
        newSide.beforeNext(
                Call.CREATE,
                () -> newSide.beforeNext(
                        Call.CREATE,
                        () -> seen.set(new DuringMove(
                                newStore.load(MigratingSessionStore.lockFor(key)),
                                keys(migrating.findByPrincipal("alice")),
                                keys(newStore.findByPrincipal("alice")),
                                indexItems()))));
        assertThat(migrating.load(key)).as("moved").isPresent();
        assertThat(seen.get()).as("the move was watched while it held its lock").isNotNull();
        return seen.get();
    }

    @Test
    void findByPrincipalListsExactlyTheRealSessionsDuringAndAfterAMove() {
        assertThat(migrating.features()).contains(io.sessionkit.StoreFeature.PRINCIPAL_INDEX);
        SessionManager before = SessionManager.builder(oldStore).build();
        SessionKey a1 = session(before, "alice");
        SessionKey a2 = session(before, "alice");
        SessionKey a3 = session(before, "alice");
        SessionKey bob = session(before, "bob");
        SessionKey anonymous = session(before, null);
        String aliceIndex = prefix + "p:" + SessionKey.hash("alice");
        String bobIndex = prefix + "p:" + SessionKey.hash("bob");

        DuringMove first = move(a1);
        assertThat(first.lock())
                .as("the lock is in the new store while the move runs")
                .isPresent();
        assertThat(first.lock().get().principal())
                .as("a lock carries no principal")
                .isNull();
        assertThat(first.alice()).containsExactlyInAnyOrder(a1, a2, a3);
        assertThat(first.aliceInNewStore()).isEmpty();
        assertThat(first.index()).as("no index item is written for the lock").isEmpty();

        DuringMove second = move(a2);
        assertThat(second.lock()).isPresent();
        assertThat(second.alice()).containsExactlyInAnyOrder(a1, a2, a3);
        assertThat(second.aliceInNewStore()).containsExactly(a1);
        assertThat(second.index()).as("only alice's own index item").containsExactly(aliceIndex);

        for (SessionKey key : List.of(a3, bob, anonymous)) {
            assertThat(migrating.load(key)).isPresent();
        }
        assertThat(newStore.load(MigratingSessionStore.lockFor(a3)))
                .as("locks released")
                .isEmpty();
        assertThat(keys(migrating.findByPrincipal("alice"))).containsExactlyInAnyOrder(a1, a2, a3);
        assertThat(keys(newStore.findByPrincipal("alice"))).containsExactlyInAnyOrder(a1, a2, a3);
        assertThat(keys(migrating.findByPrincipal("bob"))).containsExactly(bob);
        assertThat(oldStore.findByPrincipal("alice")).as("all moved").isEmpty();
        assertThat(indexItems()).containsExactlyInAnyOrder(aliceIndex, bobIndex);
    }
}
