package io.sessionkit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * SPEC.md and the code say the same thing: every rule number and title in SPEC.md is a display name of the kit (or,
 * for the rules marked (API), of session-api's {@code ApiRulesTest}), and every display name is a rule of SPEC.md.
 * Any difference, either way, fails with a list of all of them.
 */
class SpecSyncTest {
    private static final Path SPEC = Path.of("SPEC.md");
    private static final Path KIT_SOURCE = Path.of("src/main/java/io/sessionkit/tck/SessionStoreConformanceKit.java");
    // session-api cannot depend on the kit and the kit cannot see session-api's test classes, so the API rules' names
    // are
    // read from their source, as written.
    private static final Path API_RULES_SOURCE =
            Path.of("../session-api/src/test/java/io/sessionkit/ApiRulesTest.java");

    private static final Pattern SECTION = Pattern.compile("^## (\\d+) (.+?)(?: \\*\\(.*\\)\\*)?$");
    private static final Pattern RULE = Pattern.compile("^- \\*\\*(\\d+\\.\\d+) (.+?)\\*\\*(.*)$");
    private static final Pattern DISPLAY_NAME = Pattern.compile("@DisplayName\\(\"((\\d+(?:\\.\\d+)?) [^\"]*)\"\\)");

    /** Orders "9.8" before "9.9" before "9.10", and a section "9" before its rules. */
    static final Comparator<String> BY_NUMBER = Comparator.comparing((String n) -> Integer.parseInt(section(n)))
            .thenComparing(n -> n.contains(".") ? Integer.parseInt(n.substring(n.indexOf('.') + 1)) : 0);

    /** The section of a rule number ("9" of "9.10"), or a section number itself. */
    private static String section(String number) {
        int dot = number.indexOf('.');
        return dot < 0 ? number : number.substring(0, dot);
    }

    /** Rule (or section) number → title, as SPEC.md states them, split into the kit's and the API's. */
    record Spec(Map<String, String> kit, Map<String, String> api, List<String> problems) {}

    static Spec parseSpec(List<String> lines) {
        Map<String, String> kit = new TreeMap<>(BY_NUMBER);
        Map<String, String> api = new TreeMap<>(BY_NUMBER);
        List<String> problems = new ArrayList<>();
        String previous = null;
        for (String line : lines) {
            Matcher section = SECTION.matcher(line);
            Matcher rule = RULE.matcher(line);
            String number;
            if (section.matches()) {
                number = section.group(1);
                kit.put(number, number + " " + section.group(2));
            } else if (rule.matches()) {
                number = rule.group(1);
                Map<String, String> side = rule.group(3).contains("*(API)*") ? api : kit;
                if (kit.containsKey(number) || api.containsKey(number)) {
                    problems.add(number + ": stated twice in SPEC.md");
                }
                side.put(number, number + " " + rule.group(2));
            } else {
                continue;
            }
            if (previous != null && BY_NUMBER.compare(previous, number) >= 0) {
                problems.add(number + ": stands after " + previous + " in SPEC.md");
            }
            previous = number;
        }
        return new Spec(kit, api, problems);
    }

    /** The kit's groups and rules by number, from the {@code @DisplayName}s of its {@code @Nested} classes. */
    static Map<String, String> kitDisplayNames() {
        Map<String, String> names = new TreeMap<>(BY_NUMBER);
        for (Class<?> group : SessionStoreConformanceKit.class.getDeclaredClasses()) {
            if (!group.isAnnotationPresent(Nested.class)) {
                continue;
            }
            put(names, group.getAnnotation(DisplayName.class), group.getName());
            for (Method rule : group.getDeclaredMethods()) {
                if (rule.isAnnotationPresent(Test.class)
                        || rule.isAnnotationPresent(org.junit.jupiter.params.ParameterizedTest.class)) {
                    put(names, rule.getAnnotation(DisplayName.class), group.getSimpleName() + "." + rule.getName());
                }
            }
        }
        return names;
    }

    private static void put(Map<String, String> names, DisplayName name, String where) {
        if (name == null) {
            names.put("0." + names.size(), "(no @DisplayName on " + where + ")");
            return;
        }
        String value = name.value();
        String old = names.put(value.substring(0, value.indexOf(' ')), value);
        if (old != null) {
            names.put("0." + names.size(), "(" + value + " shares its number with " + old + ")");
        }
    }

    /** Display names in the order a source file states them, by number. */
    static List<String> displayNamesInSourceOrder(String source) {
        List<String> numbers = new ArrayList<>();
        Matcher m = DISPLAY_NAME.matcher(source);
        while (m.find()) {
            numbers.add(m.group(1));
        }
        return numbers;
    }

    /**
     * Every difference between what SPEC.md states and what the code names, either way, one line each: a title that
     * differs, a rule only in SPEC.md, a rule only in the code.
     */
    static List<String> differences(Map<String, String> spec, Map<String, String> code, String codeName) {
        List<String> out = new ArrayList<>();
        TreeSet<String> numbers = new TreeSet<>(BY_NUMBER);
        numbers.addAll(spec.keySet());
        numbers.addAll(code.keySet());
        for (String n : numbers) {
            String stated = spec.get(n);
            String named = code.get(n);
            if (named == null) {
                out.add(n + ": in SPEC.md only: \"" + stated + "\"");
            } else if (stated == null) {
                out.add(n + ": in " + codeName + " only: \"" + named + "\"");
            } else if (!stated.equals(named)) {
                out.add(n + ": SPEC.md says \"" + stated + "\", " + codeName + " says \"" + named + "\"");
            }
        }
        return out;
    }

    static Map<String, String> byNumber(List<String> displayNames) {
        Map<String, String> names = new TreeMap<>(BY_NUMBER);
        displayNames.forEach(d -> names.put(d.substring(0, d.indexOf(' ')), d));
        return names;
    }

    static List<String> outOfOrder(List<String> displayNames, String where) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i < displayNames.size(); i++) {
            String before = number(displayNames.get(i - 1));
            String after = number(displayNames.get(i));
            if (before.contains(".") && after.contains(".") && BY_NUMBER.compare(before, after) >= 0) {
                out.add(after + ": stands after " + before + " in " + where);
            }
        }
        return out;
    }

    private static String number(String displayName) {
        return displayName.substring(0, displayName.indexOf(' '));
    }

    @Test
    void specAndCodeNameTheSameRules() throws IOException {
        Spec spec = parseSpec(Files.readAllLines(SPEC, StandardCharsets.UTF_8));
        List<String> apiNames = displayNamesInSourceOrder(Files.readString(API_RULES_SOURCE, StandardCharsets.UTF_8));
        List<String> problems = new ArrayList<>(spec.problems());
        problems.addAll(differences(spec.kit(), kitDisplayNames(), "the kit"));
        problems.addAll(differences(spec.api(), byNumber(apiNames), "ApiRulesTest"));
        problems.addAll(outOfOrder(
                displayNamesInSourceOrder(Files.readString(KIT_SOURCE, StandardCharsets.UTF_8)), "the kit's source"));
        problems.addAll(outOfOrder(apiNames, "ApiRulesTest"));
        assertThat(problems)
                .as("SPEC.md and the display names differ:%n  %s", String.join("\n  ", problems))
                .isEmpty();
        assertThat(spec.kit().size() + spec.api().size())
                .as("rules and sections read from SPEC.md")
                .isGreaterThan(100);
    }

    @Test
    void aRuleRenamedOnOneSideOnlyIsReported() {
        List<String> specLines = List.of(
                "## 3 Versioned records and compare-and-set",
                "- **3.1 create then load returns the same record** Times to the millisecond.",
                "- **3.2 create on a live key returns false and keeps the first record**",
                "- **3.3 load of an absent key is empty** *(API)*");
        Spec spec = parseSpec(specLines);
        Map<String, String> code = byNumber(List.of(
                "3 Versioned records and compare-and-set",
                "3.1 create then load returns the same record",
                "3.2 create on a live key returns false and keeps the FIRST record",
                "3.4 replace with the expected version succeeds and bumps the version"));
        assertThat(differences(spec.kit(), code, "the kit"))
                .containsExactly(
                        "3.2: SPEC.md says \"3.2 create on a live key returns false and keeps the first record\", the kit says"
                                + " \"3.2 create on a live key returns false and keeps the FIRST record\"",
                        "3.4: in the kit only: \"3.4 replace with the expected version succeeds and bumps the version\"");
        assertThat(differences(spec.api(), Map.of(), "ApiRulesTest"))
                .containsExactly("3.3: in SPEC.md only: \"3.3 load of an absent key is empty\"");
        assertThat(differences(spec.kit(), code, "the kit"))
                .as("a renamed rule is one line, not two")
                .hasSize(2);
    }

    @Test
    void rulesOutOfOrderOrStatedTwiceAreReported() {
        Spec spec = parseSpec(List.of("- **9.9 b**", "- **9.8 a**", "- **9.8 c**"));
        assertThat(spec.problems())
                .containsExactly(
                        "9.8: stands after 9.9 in SPEC.md",
                        "9.8: stated twice in SPEC.md",
                        "9.8: stands after 9.8 in SPEC.md");
        assertThat(outOfOrder(
                        List.of("9 Principal index", "9.9 b", "9.8 a", "10 Values", "10.1 c"), "the kit's source"))
                .containsExactly("9.8: stands after 9.9 in the kit's source");
    }
}
