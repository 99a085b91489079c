package io.sessionkit.springsession;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.SessionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The import claim of each source on its real store: one winner among racing requests, a lapsed claim taken over, the
 * forward sealed under the legacy id. The two-node scenario over it is in {@code TwoNodeChangeoverTest}.
 */
class ImportClaimTest {
    static Stream<LegacyStore> stores() {
        return Stream.of(LegacyStore.redisIndexed(), LegacyStore.postgres());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void exactlyOneOfEightRacingRequestsClaimsTheImport(LegacyStore store) throws Exception {
        try (store) {
            SpringSessionSource source = store.source();
            String id = store.write(Fixtures.typical("alice"), Duration.ofMinutes(30));
            int racers = 8;
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(racers);
            try {
                List<Future<Boolean>> claims = new ArrayList<>();
                for (int i = 0; i < racers; i++) {
                    Callable<Boolean> claim = () -> {
                        start.await();
                        return source.claim(id);
                    };
                    claims.add(pool.submit(claim));
                }
                start.countDown();
                int won = 0;
                for (Future<Boolean> f : claims) {
                    won += f.get(30, TimeUnit.SECONDS) ? 1 : 0;
                }
                assertThat(won).as("claims granted").isEqualTo(1);
            } finally {
                pool.shutdownNow();
            }
            assertThat(source.importState(id)).isEqualTo(SpringSessionSource.PENDING);
            assertThat(source.importState(UUID.randomUUID().toString()))
                    .as("another id")
                    .isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aLapsedClaimIsTakenOverByOneRequest(LegacyStore store) {
        try (store) {
            SpringSessionSource source = store.source();
            String id = store.write(Fixtures.typical("alice"), Duration.ofMinutes(30));
            assertThat(source.claim(id)).isTrue();
            assertThat(source.claim(id)).as("held").isFalse();

            store.lapseClaim(id);

            assertThat(source.importState(id)).as("a lapsed claim").isNull();
            assertThat(source.claim(id)).as("taken over").isTrue();
            assertThat(source.claim(id)).as("held again").isFalse();
            assertThat(source.importState(id)).isEqualTo(SpringSessionSource.PENDING);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void theForwardOpensOnlyWithTheLegacyIdAndHoldsNoUsableSessionId(LegacyStore store) {
        try (store) {
            SpringSessionSource source = store.source();
            String id = store.write(Fixtures.typical("alice"), Duration.ofMinutes(30));
            String other = store.write(Fixtures.typical("bob"), Duration.ofMinutes(30));
            String sessionKitId = SessionId.generate().value();
            assertThat(source.claim(id)).isTrue();

            source.forward(id, sessionKitId);

            assertThat(source.importState(id)).isEqualTo(sessionKitId);
            String stored = store.storedImportState(id).orElseThrow();
            assertThat(stored).doesNotContain(sessionKitId).hasSize(80);
            assertThat(LegacyIds.unseal(other, stored))
                    .as("opened with another legacy id")
                    .isNull();
            assertThat(store.importForwardTtl(id))
                    .hasValueSatisfying(
                            ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(SpringSessionSource.FORWARD_TTL));
        }
    }

    @Test
    void aClaimRowIsNeverReadAsALegacySession() {
        try (LegacyStore store = LegacyStore.postgres()) {
            SpringSessionSource source = store.source();
            String id = store.write(Map.of("greeting", "hello"), Duration.ofMinutes(30));
            assertThat(source.claim(id)).isTrue();
            String claimId = SpringSessionJdbcSource.CLAIM_PREFIX
                    + LegacyIds.hash(id).substring(0, 36 - SpringSessionJdbcSource.CLAIM_PREFIX.length());
            assertThat(source.find(claimId)).isEmpty();
            assertThat(source.find(id)).isPresent();
        }
    }

    @Test
    void sealedForwardsRoundTripAndRefuseTampering() {
        String legacy = UUID.randomUUID().toString();
        String sessionKitId = SessionId.generate().value();
        String sealed = LegacyIds.seal(legacy, sessionKitId);
        assertThat(LegacyIds.unseal(legacy, sealed)).isEqualTo(sessionKitId);
        assertThat(LegacyIds.seal(legacy, sessionKitId)).as("random IV").isNotEqualTo(sealed);
        char flipped = sealed.charAt(40) == 'A' ? 'B' : 'A';
        assertThat(LegacyIds.unseal(legacy, sealed.substring(0, 40) + flipped + sealed.substring(41)))
                .isNull();
        assertThat(LegacyIds.unseal(legacy, "not base64 !")).isNull();
        assertThat(LegacyIds.unseal(legacy, sessionKitId))
                .as("an unsealed id written by an earlier version")
                .isEqualTo(sessionKitId);
    }
}
