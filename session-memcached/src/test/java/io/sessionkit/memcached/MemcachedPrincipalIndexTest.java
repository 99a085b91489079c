package io.sessionkit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionException;
import io.sessionkit.SessionId;
import io.sessionkit.SessionInfo;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.MemcachedText;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The memcached principal index beyond the kit's rules (group 9): the item's key and format, eviction of the index
 * item and what survives it, stale entries dropped, the cap, and concurrent logins of one principal on two nodes. Each
 * test has its own key prefix on the shared memcached.
 */
class MemcachedPrincipalIndexTest {
    private static final ExpiryPolicy POLICY =
            new ExpiryPolicy(Duration.ofMinutes(30), Duration.ofHours(12), Duration.ofMinutes(3));

    private final MutableClock clock = MutableClock.startingNow();
    private final String prefix = "skpi:" + SessionId.generate().value().substring(0, 10) + ":";
    private final List<MemcachedSessionStore> stores = new ArrayList<>();

    private MemcachedSessionStore store;
    private SessionManager manager;

    @BeforeEach
    void open() {
        store = open(SharedMemcached.store(prefix, clock));
        manager = manager(store);
    }

    @AfterEach
    void close() {
        stores.forEach(MemcachedSessionStore::close);
    }

    private MemcachedSessionStore open(MemcachedSessionStore.Builder b) {
        MemcachedSessionStore s = b.build();
        stores.add(s);
        return s;
    }

    private SessionManager manager(MemcachedSessionStore s) {
        return SessionManager.builder(s).clock(clock).expiryPolicy(POLICY).build();
    }

    private Session login(SessionManager m, String user) {
        Session s = m.create();
        s.setAttribute("n", 0);
        m.save(s);
        s.setPrincipal(user);
        m.rotateId(s);
        return s;
    }

    private Set<SessionKey> listed(SessionManager m, String user) {
        Set<SessionKey> keys = new HashSet<>();
        for (SessionInfo info : m.findByPrincipal(user)) {
            keys.add(info.key());
        }
        return keys;
    }

    private Optional<String> indexItem(String user) {
        return MemcachedText.get(store.serverForPrincipal(user), store.indexKey(user))
                .map(v -> new String(v, StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("the index item is keyed by the hashed principal and lists hashed keys with their cover")
    void keyAndFormat() {
        String user = "Zoë o'brien\nadmin";
        Session s = login(manager, user);
        assertThat(store.indexKey(user)).isEqualTo(prefix + "p:" + SessionKey.hash(user));
        assertThat(store.indexKey("Zoë")).endsWith("p:xqEmmFgvwRBOokEHotcmgUX_Bu-FlwdynQH9BgiX8Gc");
        String item = indexItem(user).orElseThrow();
        assertThat(item)
                .startsWith("skpi 1\n")
                .doesNotContain(user)
                .doesNotContain("Zoë")
                .doesNotContain(s.id().value());
        assertThat(item.lines().toList()).hasSize(2);
        String[] entry = item.lines().toList().get(1).split(" ", -1);
        assertThat(entry[0]).isEqualTo(s.id().key().value());
        long cover = Long.parseLong(entry[1]);
        long expiresAt = store.load(s.id().key()).orElseThrow().expiresAt().getEpochSecond();
        assertThat(cover).isGreaterThanOrEqualTo(expiresAt).isLessThanOrEqualTo(expiresAt + 3600);
        assertThat(cover % 3600).as("rounded up to the refresh step").isZero();
        assertThat(MemcachedText.ttlSeconds(store.serverForPrincipal(user), store.indexKey(user)))
                .get()
                .as("the item expires a grace after its latest cover")
                .satisfies(ttl -> assertThat(ttl)
                        .isBetween(
                                cover - clock.instant().getEpochSecond() + 55,
                                cover - clock.instant().getEpochSecond() + 61));
        manager.invalidate(s.id().key());
        assertThat(indexItem(user)).as("deleted with its last entry").isEmpty();
    }

    @Test
    @DisplayName("an evicted index item: sessions not found until their next index write, then found again")
    void evictedIndex() {
        MemcachedSessionStore refreshing =
                open(SharedMemcached.store(prefix, clock).principalIndexRefresh(Duration.ofMinutes(5)));
        SessionManager m = manager(refreshing);
        Session rotated = login(m, "eve");
        Session touched = login(m, "eve");
        Session untouched = login(m, "eve");
        assertThat(listed(m, "eve")).hasSize(3);

        assertThat(MemcachedText.delete(store.serverForPrincipal("eve"), store.indexKey("eve")))
                .as("evict the index item")
                .isTrue();
        assertThat(m.findByPrincipal("eve"))
                .as("documented: nothing found after the eviction")
                .isEmpty();

        // A write inside the entry's cover does not touch the index, so does not bring the session back.
        Session changed = m.find(touched.id()).orElseThrow();
        changed.setAttribute("n", 1);
        assertThat(m.save(changed)).isEqualTo(SaveResult.UPDATED);
        assertThat(listed(m, "eve")).isEmpty();

        // Rotation (a login) writes the index: back at once.
        Session again = m.find(rotated.id()).orElseThrow();
        m.rotateId(again);
        assertThat(listed(m, "eve")).containsExactly(again.id().key());

        // A write that carries the expiry past the entry's cover (one refresh step on) writes it too.
        clock.advance(Duration.ofMinutes(6));
        Session later = m.find(touched.id()).orElseThrow();
        assertThat(m.save(later)).isEqualTo(SaveResult.TOUCHED);
        assertThat(listed(m, "eve"))
                .containsExactlyInAnyOrder(again.id().key(), touched.id().key());

        // The session not written since the eviction is missed by "log out everywhere", and stays logged in.
        assertThat(m.invalidateAll("eve")).isEqualTo(2);
        assertThat(m.find(untouched.id()))
                .as("missed by invalidateAll, as documented")
                .isPresent();
        assertThat(m.find(again.id())).isEmpty();
        assertThat(m.find(touched.id())).isEmpty();
    }

    @Test
    @DisplayName("an entry whose record is gone is skipped at once and dropped once it has settled")
    void staleEntriesDropped() {
        Session kept = login(manager, "sam");
        Session evicted = login(manager, "sam");
        assertThat(MemcachedText.delete(
                        store.serverFor(evicted.id().key()),
                        store.itemKey(evicted.id().key())))
                .isTrue();
        assertThat(listed(manager, "sam")).containsExactly(kept.id().key());
        assertThat(indexItem("sam").orElseThrow())
                .as("a young entry may be a login whose record is being written: kept")
                .contains(evicted.id().key().value());
        clock.advance(MemcachedSessionStore.DEFAULT_EXPIRY_GRACE
                .plus(MemcachedSessionStore.INDEX_SETTLE_TIME)
                .plusSeconds(1));
        assertThat(listed(manager, "sam")).containsExactly(kept.id().key());
        assertThat(indexItem("sam").orElseThrow())
                .contains(kept.id().key().value())
                .doesNotContain(evicted.id().key().value());
    }

    @Test
    @DisplayName("a principal change moves the entry; expired sessions' entries leave with the next write")
    void movedAndExpired() {
        Session s = login(manager, "old-name");
        Session found = manager.find(s.id()).orElseThrow();
        found.setPrincipal("new-name");
        manager.save(found);
        assertThat(indexItem("old-name"))
                .as("its only entry removed: the item deleted")
                .isEmpty();
        assertThat(listed(manager, "new-name")).containsExactly(s.id().key());

        clock.advance(Duration.ofHours(2));
        Session fresh = login(manager, "new-name");
        assertThat(indexItem("new-name").orElseThrow())
                .as("the expired session's entry dropped by the login's index write")
                .doesNotContain(s.id().key().value())
                .contains(fresh.id().key().value());
    }

    @Test
    @DisplayName("the cap: a login beyond max-sessions fails and writes nothing; gone sessions make room")
    void cap() {
        MemcachedSessionStore capped = open(SharedMemcached.store(prefix, clock).principalIndexMaxSessions(3));
        SessionManager m = manager(capped);
        List<Session> three = List.of(login(m, "max"), login(m, "max"), login(m, "max"));
        Session fourth = m.create();
        fourth.setPrincipal("max");
        assertThatThrownBy(() -> m.save(fourth))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("principal-index.max-sessions");
        assertThat(capped.load(fourth.id().key())).as("nothing written").isEmpty();
        assertThat(listed(m, "max")).hasSize(3);

        m.invalidate(three.get(0).id().key());
        Session replacement = login(m, "max");
        assertThat(listed(m, "max")).hasSize(3).contains(replacement.id().key());

        // An evicted record's entry still counts until it settles; then the login drops it and goes through.
        Session evicted = three.get(1);
        MemcachedText.delete(
                capped.serverFor(evicted.id().key()),
                capped.itemKey(evicted.id().key()));
        Session blocked = m.create();
        blocked.setPrincipal("max");
        assertThatThrownBy(() -> m.save(blocked)).isInstanceOf(SessionException.class);
        clock.advance(MemcachedSessionStore.DEFAULT_EXPIRY_GRACE
                .plus(MemcachedSessionStore.INDEX_SETTLE_TIME)
                .plusSeconds(1));
        Session admitted = m.create();
        admitted.setPrincipal("max");
        assertThat(m.save(admitted)).isEqualTo(SaveResult.CREATED);
        assertThat(listed(m, "max"))
                .hasSize(3)
                .contains(admitted.id().key())
                .doesNotContain(evicted.id().key());
    }

    @Test
    @DisplayName("an index item that is not an index is treated as empty, logged, and overwritten by the next login")
    void foreignIndexItem() {
        MemcachedText.set(
                store.serverForPrincipal("odd"),
                store.indexKey("odd"),
                "{\"not\":\"an index\"}".getBytes(StandardCharsets.UTF_8),
                3600);
        assertThat(manager.findByPrincipal("odd")).isEmpty();
        Session s = login(manager, "odd");
        assertThat(listed(manager, "odd")).containsExactly(s.id().key());
    }

    @Test
    @DisplayName("16 threads on two nodes log one principal in at once (and rotate half): every session indexed")
    void concurrentLoginsOnTwoNodes() throws Exception {
        MemcachedSessionStore otherStore = open(SharedMemcached.store(prefix, clock));
        SessionManager other = manager(otherStore);
        int threads = 16;
        int loginsPerThread = 8;
        Set<SessionKey> live = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                SessionManager node = t % 2 == 0 ? manager : other;
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < loginsPerThread; i++) {
                        Session s = node.create();
                        s.setPrincipal("crowd");
                        s.setAttribute("t", thread);
                        node.save(s);
                        if (i % 2 == 0) {
                            node.rotateId(s);
                        }
                        live.add(s.id().key());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(live).hasSize(threads * loginsPerThread);
        assertThat(listed(manager, "crowd")).isEqualTo(live);
        assertThat(listed(other, "crowd")).isEqualTo(live);
        assertThat(indexItem("crowd").orElseThrow().lines().count())
                .as("no entry of a rotated-away id left")
                .isEqualTo(1 + threads * loginsPerThread);
        assertThat(other.invalidateAll("crowd")).isEqualTo(threads * loginsPerThread);
        for (SessionKey k : live) {
            assertThat(store.load(k)).isEmpty();
        }
        assertThat(indexItem("crowd")).isEmpty();
    }
}
