package io.sessionkit.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Spring Boot's {@code spring-boot-dependencies} BOM as a test reads it, for the modules that must run on exactly the
 * versions a Boot release manages (session-compat on Boot 4.0, session-spring-boot-starter-boot41 on Boot 4.1): its
 * version properties, and the version of the jar a class was loaded from, to compare the two.
 */
public final class BootBom {
    private BootBom() {}

    /**
     * The {@code <properties>} of the BOM file named by system property {@code fileProperty} (set by the module's POM),
     * plus {@code spring-boot.version}, the BOM's own version.
     *
     * @throws IllegalStateException if the property is unset, the file is unreadable or is not
     *     {@code spring-boot-dependencies}
     */
    public static Map<String, String> read(String fileProperty) {
        String file = System.getProperty(fileProperty);
        if (file == null || file.isBlank()) {
            throw new IllegalStateException("system property " + fileProperty + " is not set (the POM sets it)");
        }
        Element project;
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            project = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(in)
                    .getDocumentElement();
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("cannot read the Boot BOM " + file + ": " + e.getMessage(), e);
        }
        String artifactId = child(project, "artifactId").getTextContent();
        if (!artifactId.equals("spring-boot-dependencies")) {
            throw new IllegalStateException(file + " is " + artifactId + ", not spring-boot-dependencies");
        }
        Map<String, String> properties = new HashMap<>();
        NodeList nodes = child(project, "properties").getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e) {
                properties.put(e.getTagName(), e.getTextContent().trim());
            }
        }
        properties.put("spring-boot.version", child(project, "version").getTextContent());
        return Map.copyOf(properties);
    }

    /**
     * {@link #read} of the BOM file named by system property {@code <prefix>.boot-bom}, asserted to be the Boot release
     * the module's POM names in {@code <prefix>.boot-version}.
     */
    public static Map<String, String> readChecked(String prefix) {
        Map<String, String> boot = read(prefix + ".boot-bom");
        assertThat(boot.get("spring-boot.version")).isEqualTo(System.getProperty(prefix + ".boot-version"));
        return boot;
    }

    /**
     * Asserts that {@code loaded} came from the {@code artifactId} jar of the version {@code boot} declares in
     * {@code bootProperty}.
     */
    public static void assertJarIsBoots(
            Map<String, String> boot, String bootProperty, String artifactId, Class<?> loaded) {
        String declared = boot.get(bootProperty);
        assertThat(declared).as("Boot BOM property %s", bootProperty).isNotBlank();
        assertThat(jarVersion(artifactId, loaded))
                .as("%s on the test class path (Boot declares %s = %s)", artifactId, bootProperty, declared)
                .isEqualTo(declared);
    }

    /**
     * The version in the file name {@code <artifactId>-<version>.jar} of the jar {@code type} was loaded from.
     *
     * @throws IllegalStateException if {@code type} did not come from such a jar
     */
    public static String jarVersion(String artifactId, Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException(type.getName() + " has no code source");
        }
        String name;
        try {
            name = Path.of(source.getLocation().toURI()).getFileName().toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Matcher m = Pattern.compile(Pattern.quote(artifactId) + "-(.+)\\.jar").matcher(name);
        if (!m.matches()) {
            throw new IllegalStateException(type.getName() + " comes from " + name + ", not a " + artifactId + " jar");
        }
        return m.group(1);
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new IllegalStateException("<" + name + "> not found under <" + parent.getTagName() + ">");
    }
}
