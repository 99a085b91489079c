package io.sessionkit.springsession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.servlet.ImportedSession;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.security.core.context.SecurityContext;

/**
 * The importer over data a real Spring Session 4.0 wrote into the real Redis and PostgreSQL, called as the filter
 * calls it (find, then imported on the same request).
 */
class SpringSessionImporterTest {
    static Stream<LegacyStore> stores() {
        return Stream.of(LegacyStore.redisIndexed(), LegacyStore.redisPlain(), LegacyStore.postgres());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void importsAttributesAndPrincipalThenDeletesTheRecordAndItsIndexKeys(LegacyStore store) {
        try (store) {
            Map<String, Object> written = Fixtures.typical("alice");
            String id = store.write(written, Duration.ofMinutes(30));
            assertThat(store.remnants(id)).isPositive();
            if (store instanceof LegacyStore.Redis redis && store.toString().contains("Indexed")) {
                // The indexed repository's keys beside the hash: the shadow key, an expiration bucket, the principal
                // index.
                assertThat(redis.keys()).anyMatch(k -> k.contains("sessions:expires:" + id));
                assertThat(redis.keys()).anyMatch(k -> k.contains(":expirations:"));
                assertThat(redis.keys()).anyMatch(k -> k.endsWith("PRINCIPAL_NAME_INDEX_NAME:alice"));
            }
            SpringSessionImporter importer =
                    SpringSessionImporter.builder(store.source()).build();
            HttpServletRequest request = Fixtures.request();

            ImportedSession found = importer.find(request, Fixtures.cookie(id)).orElseThrow();

            assertThat(found.source()).isEqualTo(store.source().name());
            assertThat(found.principal()).isEqualTo("alice");
            assertThat(found.attributes()).containsOnlyKeys(written.keySet());
            assertThat(found.attributes().get("greeting")).isEqualTo("hello");
            assertThat(found.attributes().get("count")).isEqualTo(42);
            assertThat(found.attributes().get("items")).isEqualTo(List.of("apple", "pear"));
            SecurityContext context = (SecurityContext) found.attributes().get("SPRING_SECURITY_CONTEXT");
            assertThat(context.getAuthentication().getName()).isEqualTo("alice");
            assertThat(context).isEqualTo(written.get("SPRING_SECURITY_CONTEXT"));
            assertThat(store.remnants(id))
                    .as("nothing deleted before the session is stored")
                    .isPositive();

            importer.imported(request, found);

            assertThat(store.remnants(id)).isZero();
            assertThat(store.repository().findById(id)).isNull();
            assertThat(importer.find(Fixtures.request(), Fixtures.cookie(id))).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anUnlistedClassIsSkippedUnreadTheOthersImported(LegacyStore store) {
        try (store) {
            Fixtures.UnlistedCart.READS.set(0);
            String id = store.write(
                    Map.of("cart", new Fixtures.UnlistedCart("book"), "greeting", "hello"), Duration.ofMinutes(30));
            ImportedSession found = SpringSessionImporter.builder(store.source())
                    .build()
                    .find(Fixtures.request(), Fixtures.cookie(id))
                    .orElseThrow();
            assertThat(found.attributes()).containsExactly(Map.entry("greeting", "hello"));
            assertThat(found.principal()).isNull();
            assertThat(Fixtures.UnlistedCart.READS).hasValue(0);

            ImportedSession allowed = SpringSessionImporter.builder(store.source())
                    .allow(Fixtures.UnlistedCart.class.getName())
                    .build()
                    .find(Fixtures.request(), Fixtures.cookie(id))
                    .orElseThrow();
            assertThat(allowed.attributes()).containsOnlyKeys("cart", "greeting");
            assertThat(((Fixtures.UnlistedCart) allowed.attributes().get("cart")).item)
                    .isEqualTo("book");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void anExpiredRecordIsNotImported(LegacyStore store) {
        try (store) {
            String id = store.write(Map.of("greeting", "hello"), Duration.ofMinutes(30));
            assertThat(importedIn(store, id, Duration.ofMinutes(31))).isEmpty();
            assertThat(importedIn(store, id, Duration.ofMinutes(29))).isPresent();
        }
    }

    /** What an importer from {@code store} whose clock reads {@code ahead} past now finds for the session {@code id}. */
    private static Optional<ImportedSession> importedIn(LegacyStore store, String id, Duration ahead) {
        return SpringSessionImporter.builder(store.source())
                .clock(Clock.fixed(Instant.now().plus(ahead), ZoneOffset.UTC))
                .build()
                .find(Fixtures.request(), Fixtures.cookie(id));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void unknownAndMalformedValuesFindNothing(LegacyStore store) {
        try (store) {
            SpringSessionImporter importer =
                    SpringSessionImporter.builder(store.source()).build();
            assertThat(importer.find(
                            Fixtures.request(),
                            Fixtures.cookie(UUID.randomUUID().toString())))
                    .isEmpty();
            assertThat(importer.find(Fixtures.request(), "not base64 at all!")).isEmpty();
            assertThat(importer.find(Fixtures.request(), Fixtures.cookie("x' OR '1'='1")))
                    .isEmpty();
            assertThat(importer.find(Fixtures.request(), "")).isEmpty();
        }
    }

    @Test
    void cookieValuesAreDecodedAsSpringSessionWritesThem() {
        String id = UUID.randomUUID().toString();
        assertThat(Fixtures.cookie(id)).hasSize(48);
        assertThat(LegacyIds.fromCookie(Fixtures.cookie(id))).contains(id);
        assertThat(LegacyIds.fromCookie(id)).as("useBase64Encoding=false").contains(id);
        assertThat(LegacyIds.fromCookie(Fixtures.cookie("a".repeat(129)))).isEmpty();
        assertThat(LegacyIds.fingerprint(id)).hasSize(8).doesNotContain(id.substring(0, 8));
    }

    @Test
    void builderRefusesBadSettings() {
        assertThatThrownBy(() -> SpringSessionJdbcSource.builder(new org.postgresql.ds.PGSimpleDataSource())
                        .tableName("SPRING_SESSION; DROP TABLE x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tableName");
        assertThatThrownBy(() -> SpringSessionJdbcSource.builder(new org.postgresql.ds.PGSimpleDataSource())
                        .queryTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("queryTimeout");
    }
}
