package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ValueAdapter;
import io.sessionkit.ValueContext;

/**
 * The skeleton every adapter of this module shares: the stored form is one JSON object, written member by member into
 * a fresh {@link ObjectNode} and read back strictly through {@link Fields} under the adapter's alias
 * ({@code spring-security.<name>}), so that every form reports a bad member with the same messages. A type states only
 * its {@link Members}; {@link SpringSecurityValueTypes} gives them their alias.
 *
 * @param <T> the registered type
 */
final class ObjectAdapter<T> implements ValueAdapter<T> {

    /**
     * The members of one type's stored form, and the type back from them.
     *
     * @param <T> the registered type
     */
    interface Members<T> {
        /** Puts the members of {@code value} into {@code node}, which is empty. */
        void writeMembers(T value, ObjectNode node, ValueContext context);

        /** The value back from the members of its stored form. */
        T readMembers(Fields f, ValueContext context);
    }

    private final String alias;
    private final Members<T> members;

    /** {@code name} is the part of the alias after {@code spring-security.}. */
    ObjectAdapter(String name, Members<T> members) {
        this.alias = aliasOf(name);
        this.members = members;
    }

    /** The alias of the form named {@code name}: {@code spring-security.<name>}. */
    static String aliasOf(String name) {
        return SpringSecurityValueTypes.NAME + "." + name;
    }

    /** The alias this adapter is registered under. */
    String alias() {
        return alias;
    }

    @Override
    public JsonNode write(T value, ValueContext context) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        members.writeMembers(value, node, context);
        return node;
    }

    @Override
    public T read(JsonNode json, ValueContext context) {
        return members.readMembers(Fields.of(alias, json), context);
    }
}
