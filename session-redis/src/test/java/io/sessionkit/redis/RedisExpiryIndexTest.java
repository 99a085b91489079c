package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ExpiredSession;
import io.sessionkit.ReplaceResult;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.tck.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/** The expiry index and the claim/remove sweep (EXPIRY_EVENTS) beyond the conformance kit, on the shared Redis. */
class RedisExpiryIndexTest {
    private static final Duration IDLE = Duration.ofMinutes(30);
    private static final Duration GRACE = RedisSessionStore.DEFAULT_EXPIRY_GRACE;
    private static final Duration RETENTION = RedisSessionStore.DEFAULT_EXPIRED_RETENTION;
    private static final Duration LEASE = Duration.ofMinutes(2);

    private final MutableClock clock = MutableClock.startingNow();
    private final SharedRedisPrefix redis = new SharedRedisPrefix("x");
    private final String prefix = redis.prefix();
    private final RedisClient raw = redis.raw();
    private final RedisSessionStore store = redis.store(clock);

    @AfterEach
    void close() {
        redis.close();
    }

    /** A random key in {@code bucket}: 32 random bytes whose first is the bucket. */
    static SessionKey keyInBucket(int bucket) {
        byte[] b = new byte[32];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] = (byte) bucket;
        return new SessionKey(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    }

    private SessionRecord record(SessionKey key, long version, String principal) {
        return RedisSessionStoreTest.written(clock, key, version, IDLE, principal, "{\"v\":" + version + "}");
    }

    private SessionKey created(String principal) {
        SessionKey key = RedisSessionStoreTest.randomKey();
        assertThat(store.create(record(key, 1, principal))).isTrue();
        return key;
    }

    /** Moves the clock past every record written so far: their expiresAt plus the grace, plus one second. */
    private void pastGrace() {
        clock.advance(IDLE.plus(GRACE).plusSeconds(1));
    }

    @Test
    @DisplayName("the session key and its bucket's expiry index share a hash tag: the first byte of the hashed key")
    void layout() {
        // docs/FORMAT.md's test vector: the key of id AbCdEfGhIjKlMnOpQrStUvWxYz012-_9.
        SessionKey vector = new SessionKey("DrrQP40T8uwMUHLS3nVbq6GobACFd7HBRXvOTo0YiUE");
        assertThat(RedisSessionStore.bucket(vector)).isEqualTo(0x0e);
        assertThat(store.sessionKey(vector)).isEqualTo(prefix + "{0e}s:DrrQP40T8uwMUHLS3nVbq6GobACFd7HBRXvOTo0YiUE");
        assertThat(store.expiryIndexKey(vector)).isEqualTo(prefix + "{0e}e");
        assertThat(store.expiryIndexKey(0xff)).isEqualTo(prefix + "{ff}e");

        SessionRecord r = record(vector, 1, null);
        assertThat(store.create(r)).isTrue();
        assertThat(raw.zscore(prefix + "{0e}e", vector.value()))
                .isEqualTo((double) r.expiresAt().toEpochMilli());
        clock.advance(Duration.ofMinutes(1));
        SessionRecord touched = record(vector, 2, null);
        assertThat(store.replace(touched, 1)).isEqualTo(ReplaceResult.OK);
        assertThat(raw.zscore(prefix + "{0e}e", vector.value()))
                .as("every write sets the member to its record's expiresAt")
                .isEqualTo((double) touched.expiresAt().toEpochMilli());
        long horizon = 2 * GRACE.toMillis() + RETENTION.toMillis();
        assertThat(raw.pttl(prefix + "{0e}e"))
                .as("the index outlives its latest member by 2 x grace + retention")
                .isPositive()
                .isLessThanOrEqualTo(touched.expiresAt().toEpochMilli() + horizon - clock.millis());
        assertThat(raw.pttl(store.sessionKey(vector)))
                .as("the record is kept grace + retention past expiresAt")
                .isLessThanOrEqualTo(
                        touched.expiresAt().toEpochMilli() + GRACE.toMillis() + RETENTION.toMillis() - clock.millis())
                .isGreaterThan(IDLE.plus(GRACE).plus(RETENTION).minusSeconds(10).toMillis());
    }

    @Test
    @DisplayName(
            "a claim returns key, principal and expiresAt; it holds for the lease; remove deletes; remove is idempotent")
    void claimLeaseRemove() {
        SessionKey a = created("alice");
        SessionKey anonymous = created(null);
        SessionRecord stored = store.load(a).orElseThrow();
        pastGrace();
        List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
        assertThat(claimed)
                .containsExactlyInAnyOrder(
                        new ExpiredSession(a, "alice", stored.expiresAt()),
                        new ExpiredSession(anonymous, null, stored.expiresAt()));
        assertThat(store.claimExpired(10, LEASE)).as("while the lease holds").isEmpty();
        assertThat(raw.pttl(store.sessionKey(a)))
                .as("a claimed record is kept for a claim after the lease")
                .isGreaterThan(LEASE.plus(RETENTION).minusSeconds(10).toMillis());

        clock.advance(LEASE);
        assertThat(store.claimExpired(10, LEASE))
                .as("after the lease ran out without removeExpired, another claim returns them again")
                .containsExactlyInAnyOrderElementsOf(claimed);
        store.removeExpired(claimed);
        store.removeExpired(claimed);
        assertThat(raw.exists(store.sessionKey(a))).isFalse();
        assertThat(raw.exists(store.sessionKey(anonymous))).isFalse();
        assertThat(raw.exists(store.expiryIndexKey(a))).isFalse();
        clock.advance(LEASE.multipliedBy(2));
        assertThat(store.claimExpired(10, LEASE)).isEmpty();
    }

    @Test
    @DisplayName("a touched session is not claimed, not even when a writer extended it without keeping the index")
    void touchedIsNotClaimed() {
        SessionKey touched = created("t");
        SessionKey foreign = created("f");
        SessionKey left = created("l");
        clock.advance(IDLE.minusMinutes(1));
        assertThat(store.replace(record(touched, 2, "t"), 1)).isEqualTo(ReplaceResult.OK);
        // Another writer's SET that extends expiresAt but leaves the index alone (not the documented protocol).
        SessionRecord extended = record(foreign, 2, "f");
        raw.set(store.sessionKey(foreign), io.sessionkit.RecordEnvelope.encode(extended), new SetParams().keepTtl());
        clock.advance(Duration.ofMinutes(1).plus(GRACE).plusSeconds(1));

        assertThat(store.claimExpired(10, LEASE))
                .extracting(ExpiredSession::key)
                .containsExactly(left);
        assertThat(raw.zscore(store.expiryIndexKey(foreign), foreign.value()))
                .as("the claim raised the unkept member to its record's expiresAt")
                .isEqualTo((double) extended.expiresAt().toEpochMilli());
        assertThat(store.load(touched)).isPresent();
        assertThat(store.load(foreign)).isPresent();
    }

    @Test
    @DisplayName("deleted sessions (delete, compare-and-set delete, gone from Redis) are never reported")
    void deletedAreNotReported() {
        SessionKey deleted = created("d");
        SessionKey rotated = created("r");
        SessionKey vanished = created("v");
        SessionKey expired = created("e");
        store.delete(deleted);
        assertThat(store.delete(rotated, 1)).isEqualTo(ReplaceResult.OK);
        assertThat(raw.zscore(store.expiryIndexKey(deleted), deleted.value())).isNull();
        assertThat(raw.zscore(store.expiryIndexKey(rotated), rotated.value())).isNull();
        // As if Redis had dropped it (eviction) or another tool had unlinked it: the member stays, the record is gone.
        raw.unlink(store.sessionKey(vanished));
        pastGrace();
        assertThat(store.claimExpired(10, LEASE))
                .extracting(ExpiredSession::key)
                .containsExactly(expired);
        assertThat(raw.zscore(store.expiryIndexKey(vanished), vanished.value()))
                .as("a member without a record leaves the index")
                .isNull();
    }

    @Test
    @DisplayName("principals in any spelling come back as stored (escapes and non-ASCII go through cjson)")
    void principals() {
        List<String> principals = List.of("Zoë", "quote\"and\\backslash", "tab\there", "x".repeat(600), "😀 emoji");
        List<SessionKey> keys = new ArrayList<>();
        for (String p : principals) {
            keys.add(created(p));
        }
        pastGrace();
        List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
        assertThat(claimed).hasSize(principals.size());
        for (int i = 0; i < keys.size(); i++) {
            SessionKey k = keys.get(i);
            assertThat(claimed)
                    .filteredOn(s -> s.key().equals(k))
                    .extracting(ExpiredSession::principal)
                    .containsExactly(principals.get(i));
        }
    }

    @Test
    @DisplayName("claims return at most max, over several buckets, and successive claims cover every expired session")
    void batches() {
        Set<SessionKey> all = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            all.add(created(null));
        }
        pastGrace();
        Set<SessionKey> seen = new HashSet<>();
        for (int batch = 0; batch < 10; batch++) {
            List<ExpiredSession> claimed = store.claimExpired(70, LEASE);
            assertThat(claimed.size()).isLessThanOrEqualTo(70);
            for (ExpiredSession s : claimed) {
                assertThat(seen.add(s.key())).as("claimed twice: %s", s.key()).isTrue();
            }
            if (claimed.isEmpty()) {
                break;
            }
            store.removeExpired(claimed);
        }
        assertThat(seen).isEqualTo(all);
    }

    @Test
    @DisplayName("a session created again under a claimed key is left alone by removeExpired")
    void recreatedIsKept() {
        SessionKey key = created(null);
        pastGrace();
        List<ExpiredSession> claimed = store.claimExpired(10, LEASE);
        assertThat(claimed).extracting(ExpiredSession::key).containsExactly(key);
        SessionRecord again = record(key, 1, null);
        assertThat(store.create(again)).isTrue();
        store.removeExpired(claimed);
        assertThat(store.load(key)).contains(again);
        assertThat(raw.zscore(store.expiryIndexKey(key), key.value()))
                .isEqualTo((double) again.expiresAt().toEpochMilli());
    }

    @Test
    @DisplayName("with nobody sweeping, the expiry indexes stay bounded: writes trim old members, idle indexes expire")
    void boundedWithoutSweeper() {
        for (int i = 0; i < 500; i++) {
            created(null);
        }
        long written = 0;
        for (String idx : indexKeys()) {
            written += raw.zcard(idx);
            assertThat(raw.pttl(idx)).as("every index has a TTL: %s", idx).isPositive();
        }
        assertThat(written).isEqualTo(500);
        // Past every member's horizon (expiresAt + 2 x grace + retention): one write per bucket trims its index.
        clock.advance(IDLE.plus(GRACE.multipliedBy(2)).plus(RETENTION).plusSeconds(1));
        List<SessionKey> fresh = new ArrayList<>();
        for (int b = 0; b < RedisSessionStore.BUCKETS; b++) {
            SessionKey k = keyInBucket(b);
            assertThat(store.create(record(k, 1, null))).isTrue();
            fresh.add(k);
        }
        long left = 0;
        for (String idx : indexKeys()) {
            left += raw.zcard(idx);
        }
        assertThat(left).as("only the new sessions are indexed").isEqualTo(fresh.size());
    }

    private List<String> indexKeys() {
        List<String> out = new ArrayList<>();
        for (int b = 0; b < RedisSessionStore.BUCKETS; b++) {
            String idx = store.expiryIndexKey(b);
            if (raw.exists(idx)) {
                out.add(idx);
            }
        }
        return out;
    }

    @Test
    @DisplayName("claimExpired checks its arguments")
    void arguments() {
        assertThatThrownBy(() -> store.claimExpired(0, LEASE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claimExpired(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.features()).contains(io.sessionkit.StoreFeature.EXPIRY_EVENTS);
    }

    @Test
    @DisplayName("a prefix whose braces would split a session from its expiry index on Cluster is refused")
    void prefixBraces() {
        assertThatThrownBy(() -> RedisSessionStore.builder().keyPrefix("{}sk:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix");
        RedisSessionStore.builder().keyPrefix("{sk}:");
        RedisSessionStore.builder().keyPrefix("sk{:");
        RedisSessionStore.builder().keyPrefix("sk}:");
    }
}
