package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.SessionCodecException;
import java.util.ArrayList;
import java.util.List;
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

    /** A string, or null when the member is absent or null. */
    @Nullable
    String optionalText(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrong(name, "a string");
        }
        return value.textValue();
    }

    /** A required boolean. */
    boolean bool(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw missing(name, "a boolean");
        }
        if (!value.isBoolean()) {
            throw wrong(name, "a boolean");
        }
        return value.booleanValue();
    }

    /** A required integer within the range of {@code int}. */
    int integer(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw missing(name, "an integer");
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrong(name, "an integer within the range of int");
        }
        return value.intValue();
    }

    /** The member as it is (for nested values read through the ValueContext), or null when absent or null. */
    @Nullable
    JsonNode value(String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : value;
    }

    /** The elements of an array; an absent or null member is an empty list. */
    List<JsonNode> array(String name) {
        JsonNode value = node.get(name);
        List<JsonNode> elements = new ArrayList<>();
        if (value == null || value.isNull()) {
            return elements;
        }
        if (!value.isArray()) {
            throw wrong(name, "an array");
        }
        value.forEach(elements::add);
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

    /** An object member as {@link Fields}, or null when absent or null. */
    @Nullable
    ObjectNode object(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!(value instanceof ObjectNode object)) {
            throw wrong(name, "an object");
        }
        return object;
    }

    /** A failure about the form as a whole (not one member's JSON type). */
    SessionCodecException invalid(String what) {
        return new SessionCodecException("stored '" + alias + "': " + what);
    }

    private SessionCodecException missing(String name, String expected) {
        return new SessionCodecException("stored '" + alias + "' has no member '" + name + "' (" + expected + ")");
    }

    private SessionCodecException wrong(String name, String expected) {
        return new SessionCodecException("stored '" + alias + "': member '" + name + "' must be " + expected);
    }
}
