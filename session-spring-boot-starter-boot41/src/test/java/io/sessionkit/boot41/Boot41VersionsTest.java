package io.sessionkit.boot41;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The starter's suite here must run on what a Spring Boot 4.1 app resolves, not on the parent POM's pins: the jar of
 * each library below, on this test class path, must be the version that {@code spring-boot-dependencies} (a dependency
 * of this module, read from its file) declares. So a pin in this module's POM can neither drift from Boot's nor be
 * left at the parent's value without failing here. {@code spring-boot.version} stands for the BOM's own version.
 */
class Boot41VersionsTest {
    private static final Map<String, String> BOOT = new HashMap<>();

    @BeforeAll
    static void readBootBom() throws Exception {
        String file = System.getProperty("sessionkit.boot41.boot-bom");
        assertThat(file)
                .as("system property sessionkit.boot41.boot-bom (set by the POM)")
                .isNotBlank();
        Element project;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            project = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(in)
                    .getDocumentElement();
        }
        assertThat(child(project, "artifactId").getTextContent()).isEqualTo("spring-boot-dependencies");
        String version = child(project, "version").getTextContent();
        assertThat(version).isEqualTo(System.getProperty("sessionkit.boot41.boot-version"));
        assertThat(version).startsWith("4.1.");
        BOOT.put("spring-boot.version", version);
        NodeList properties = child(project, "properties").getChildNodes();
        for (int i = 0; i < properties.getLength(); i++) {
            if (properties.item(i) instanceof Element e) {
                BOOT.put(e.getTagName(), e.getTextContent().trim());
            }
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("<" + name + "> not found under <" + parent.getTagName() + ">");
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
        String declared = BOOT.get(bootProperty);
        assertThat(declared).as("Boot BOM property %s", bootProperty).isNotBlank();
        assertThat(versionOfJar(artifactId, Class.forName(className)))
                .as("%s on the test class path (Boot declares %s = %s)", artifactId, bootProperty, declared)
                .isEqualTo(declared);
    }

    /** The version in the file name {@code <artifactId>-<version>.jar} of the jar {@code type} was loaded from. */
    private static String versionOfJar(String artifactId, Class<?> type) throws URISyntaxException {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        assertThat(source).as("code source of %s", type.getName()).isNotNull();
        String name = Path.of(source.getLocation().toURI()).getFileName().toString();
        Matcher m = Pattern.compile(Pattern.quote(artifactId) + "-(.+)\\.jar").matcher(name);
        assertThat(m.matches())
                .as("%s comes from a %s jar, not %s", type.getName(), artifactId, name)
                .isTrue();
        return m.group(1);
    }
}
