package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueAdapter;
import io.sessionkit.ValueContext;

/**
 * The skeleton every adapter of this module shares: the stored form is one JSON object, written member by member into
 * a fresh {@link ObjectNode} and read back strictly through {@link Fields} under the adapter's alias
 * ({@code spring-security.<name>}), so that every form reports a bad member with the same messages.
 *
 * @param <T> the registered type
 */
abstract class ObjectAdapter<T> implements ValueAdapter<T> {
    private final String alias;

    /** {@code name} is the part of the alias after {@code spring-security.}. */
    ObjectAdapter(String name) {
        this.alias = SpringSecurityValueTypes.NAME + "." + name;
    }

    /** The alias this adapter is registered under. */
    final String alias() {
        return alias;
    }

    @Override
    public final JsonNode write(T value, ValueContext context) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        writeMembers(value, node, context);
        return node;
    }

    @Override
    public final T read(JsonNode json, ValueContext context) {
        return readMembers(Fields.of(alias, json), context);
    }

    /** Puts the members of {@code value} into {@code node}, which is empty. */
    abstract void writeMembers(T value, ObjectNode node, ValueContext context);

    /** The value back from the members of its stored form. */
    abstract T readMembers(Fields f, ValueContext context);
}
