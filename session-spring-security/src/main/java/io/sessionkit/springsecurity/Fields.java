package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.SessionCodecException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Reads the members of one stored form strictly: a member of the wrong JSON type, or a required member that is
 * missing, is a {@link SessionCodecException} naming the alias and the member (never the value, which is data).
 * Members a reader does not know are ignored, so that a newer writer's extra member does not break an older reader.
 */
final class Fields {
    private final String alias;
    private final ObjectNode node;

    private Fields(String alias, ObjectNode node) {
        this.alias = alias;
        this.node = node;
    }

    /** The members of {@code json}, which must be a JSON object. */
    static Fields of(String alias, JsonNode json) {
        if (!(json instanceof ObjectNode object)) {
            throw new SessionCodecException("stored '" + alias + "' is a " + json.getNodeType() + ", not an object");
        }
        return new Fields(alias, object);
    }

    /** A required string. */
    String text(String name) {
        String value = optionalText(name);
        if (value == null) {
            throw missing(name, "a string");
        }
        return value;
    }

    /** A required string that is not empty. */
    String nonEmptyText(String name) {
        return textThatIsNot(name, String::isEmpty, "empty");
    }

    /** A required string that is not blank. */
    String nonBlankText(String name) {
        return textThatIsNot(name, String::isBlank, "blank");
    }

    /** A string, or null when the member is absent or null. */
    @Nullable
    String optionalText(String name) {
        JsonNode value = optional(name, "a string", JsonNode::isTextual);
        return value == null ? null : value.textValue();
    }

    /** Hands the string to {@code setter} when the member is present (not absent or null). */
    void ifText(String name, Consumer<String> setter) {
        String value = optionalText(name);
        if (value != null) {
            setter.accept(value);
        }
    }

    /** A required boolean. */
    boolean bool(String name) {
        return required(name, "a boolean", "a boolean", JsonNode::isBoolean).booleanValue();
    }

    /** A required integer within the range of {@code int}. */
    int integer(String name) {
        return required(
                        name,
                        "an integer",
                        "an integer within the range of int",
                        v -> v.isIntegralNumber() && v.canConvertToInt())
                .intValue();
    }

    /** The member as it is (for nested values read through the ValueContext), or null when absent or null. */
    @Nullable
    JsonNode value(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The elements of an array; an absent or null member is an empty list. */
    List<JsonNode> array(String name) {
        JsonNode value = optional(name, "an array", JsonNode::isArray);
        List<JsonNode> elements = new ArrayList<>();
        if (value != null) {
            value.forEach(elements::add);
        }
        return elements;
    }

    /** The strings of an array of strings; an absent or null member is an empty list. */
    List<String> texts(String name) {
        List<String> texts = new ArrayList<>();
        for (JsonNode element : array(name)) {
            if (!element.isTextual()) {
                throw wrong(name, "an array of strings");
            }
            texts.add(element.textValue());
        }
        return texts;
    }

    /**
     * An object member as {@link Fields} of its own, named {@code "<alias> <name>"} in messages, or null when absent or
     * null.
     */
    @Nullable
    Fields object(String name) {
        JsonNode value = optional(name, "an object", ObjectNode.class::isInstance);
        return value == null ? null : new Fields(alias + " " + name, (ObjectNode) value);
    }

    /** The names of the members, in their stored order. */
    List<String> names() {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A failure about the form as a whole (not one member's JSON type). */
    SessionCodecException invalid(String what) {
        return new SessionCodecException("stored '" + alias + "': " + what);
    }

    private String textThatIsNot(String name, Predicate<String> fault, String what) {
        String value = text(name);
        if (fault.test(value)) {
            throw invalid("member '" + name + "' is " + what);
        }
        return value;
    }

    /** The member, or null when absent or null; present, it must pass {@code ok}, else it must be {@code expected}. */
    @Nullable
    private JsonNode optional(String name, String expected, Predicate<JsonNode> ok) {
        JsonNode value = value(name);
        if (value != null && !ok.test(value)) {
            throw wrong(name, expected);
        }
        return value;
    }

    /** The member, which must be present ({@code expected}) and pass {@code ok} (else it must be {@code wrongType}). */
    private JsonNode required(String name, String expected, String wrongType, Predicate<JsonNode> ok) {
        JsonNode value = optional(name, wrongType, ok);
        if (value == null) {
            throw missing(name, expected);
        }
        return value;
    }

    private SessionCodecException missing(String name, String expected) {
        return new SessionCodecException("stored '" + alias + "' has no member '" + name + "' (" + expected + ")");
    }

    private SessionCodecException wrong(String name, String expected) {
        return new SessionCodecException("stored '" + alias + "': member '" + name + "' must be " + expected);
    }
}
