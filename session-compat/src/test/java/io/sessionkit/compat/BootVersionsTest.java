package io.sessionkit.compat;

import io.sessionkit.testing.BootBom;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * This module tests what a Spring Boot user runs: the jar of each client library on this test class path must be the
 * version that Boot's {@code spring-boot-dependencies} BOM (a dependency of this module, read from its file) declares.
 * So the pins in this module's POM can neither drift from Boot's nor be overridden back to the parent's newer ones
 * without failing here.
 */
class BootVersionsTest {
    private static Map<String, String> boot;

    @BeforeAll
    static void readBootBom() {
        boot = BootBom.readChecked("sessionkit.compat");
    }

    @ParameterizedTest(name = "{1} is Boot''s {0}")
    @DisplayName("each client library on the class path is the version the Spring Boot BOM declares")
    @CsvSource({
        "jedis.version,         jedis,                redis.clients.jedis.UnifiedJedis",
        "mongodb.version,       mongodb-driver-sync,  com.mongodb.client.MongoClient",
        "mongodb.version,       mongodb-driver-core,  com.mongodb.MongoClientSettings",
        "mongodb.version,       bson,                 org.bson.BsonDocument",
        "hikaricp.version,      HikariCP,             com.zaxxer.hikari.HikariDataSource",
        "postgresql.version,    postgresql,           org.postgresql.Driver",
        "jackson-2-bom.version, jackson-databind,     com.fasterxml.jackson.databind.ObjectMapper",
        "jackson-2-bom.version, jackson-core,         com.fasterxml.jackson.core.JsonFactory",
    })
    void versionOnTheClassPathIsBoots(String bootProperty, String artifactId, Class<?> loaded) throws Exception {
        BootBom.assertJarIsBoots(boot, bootProperty, artifactId, loaded);
    }
}
