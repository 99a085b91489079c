package io.sessionkit.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import io.sessionkit.testing.BootBom;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The starter's suite here must run on what a Spring Boot 4.1 app resolves, not on the parent POM's pins: the jar of
 * each library below, on this test class path, must be the version that {@code spring-boot-dependencies} (a dependency
 * of this module, read from its file) declares. So a pin in this module's POM can neither drift from Boot's nor be
 * left at the parent's value without failing here. {@code spring-boot.version} stands for the BOM's own version.
 */
class Boot41VersionsTest {
    private static Map<String, String> boot;

    @BeforeAll
    static void readBootBom() {
        boot = BootBom.readChecked("sessionkit.boot41");
        assertThat(boot.get("spring-boot.version")).startsWith("4.1.");
    }

    @ParameterizedTest(name = "{1} is Boot''s {0}")
    @DisplayName("each library a Boot 4.1 app resolves is, on this class path, the version Boot 4.1's BOM declares")
    @CsvSource({
        "spring-boot.version,        spring-boot,                  org.springframework.boot.SpringApplication",
        "spring-boot.version,        spring-boot-autoconfigure,    org.springframework.boot.autoconfigure.SpringBootApplication",
        "spring-boot.version,        spring-boot-data-redis,       org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails",
        "spring-framework.version,   spring-core,                  org.springframework.core.SpringVersion",
        "spring-framework.version,   spring-webmvc,                org.springframework.web.servlet.DispatcherServlet",
        "spring-security.version,    spring-security-core,         org.springframework.security.core.Authentication",
        "spring-security.version,    spring-security-web,          org.springframework.security.web.SecurityFilterChain",
        "spring-security.version,    spring-security-config,       org.springframework.security.config.annotation.web.builders.HttpSecurity",
        "tomcat.version,             tomcat-embed-core,            org.apache.catalina.startup.Tomcat",
        "jakarta-servlet.version,    jakarta.servlet-api,          jakarta.servlet.http.HttpServletRequestWrapper",
        "jedis.version,              jedis,                        redis.clients.jedis.UnifiedJedis",
        "jackson-2-bom.version,      jackson-databind,             com.fasterxml.jackson.databind.ObjectMapper",
        "jackson-2-bom.version,      jackson-core,                 com.fasterxml.jackson.core.JsonFactory",
        "jackson-bom.version,        jackson-databind,             tools.jackson.databind.ObjectMapper",
        "micrometer.version,         micrometer-core,              io.micrometer.core.instrument.MeterRegistry",
        "micrometer.version,         micrometer-observation,       io.micrometer.observation.ObservationRegistry",
        "mongodb.version,            mongodb-driver-sync,          com.mongodb.client.MongoClient",
        "mongodb.version,            mongodb-driver-core,          com.mongodb.MongoClientSettings",
        "mongodb.version,            bson,                         org.bson.BsonDocument",
        "hikaricp.version,           HikariCP,                     com.zaxxer.hikari.HikariDataSource",
        "postgresql.version,         postgresql,                   org.postgresql.Driver",
        "h2.version,                 h2,                           org.h2.Driver",
        "caffeine.version,           caffeine,                     com.github.benmanes.caffeine.cache.Caffeine",
        "logback.version,            logback-classic,              ch.qos.logback.classic.LoggerContext",
        "slf4j.version,              slf4j-api,                    org.slf4j.LoggerFactory",
    })
    void versionOnTheClassPathIsBoots(String bootProperty, String artifactId, String className) throws Exception {
        BootBom.assertJarIsBoots(boot, bootProperty, artifactId, Class.forName(className));
    }
}
