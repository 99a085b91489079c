package io.sessionkit.compat;

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
 * This module tests what a Spring Boot user runs: the jar of each client library on this test class path must be the
 * version that Boot's {@code spring-boot-dependencies} BOM (a dependency of this module, read from its file) declares.
 * So the pins in this module's POM can neither drift from Boot's nor be overridden back to the parent's newer ones
 * without failing here.
 */
class BootVersionsTest {
    private static final Map<String, String> BOOT = new HashMap<>();

    @BeforeAll
    static void readBootBom() throws Exception {
        String file = System.getProperty("sessionkit.compat.boot-bom");
        assertThat(file)
                .as("system property sessionkit.compat.boot-bom (set by the POM)")
                .isNotBlank();
        Element project;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            project = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(in)
                    .getDocumentElement();
        }
        assertThat(child(project, "artifactId").getTextContent()).isEqualTo("spring-boot-dependencies");
        assertThat(child(project, "version").getTextContent())
                .isEqualTo(System.getProperty("sessionkit.compat.boot-version"));
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
        String declared = BOOT.get(bootProperty);
        assertThat(declared).as("Boot BOM property %s", bootProperty).isNotBlank();
        assertThat(versionOfJar(artifactId, loaded))
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
