package io.sessionkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * SessionKit's Jackson settings: no default typing, exact decimals, bounded nesting and numbers, and no module found on
 * the class path (an application adds modules explicitly through {@link ValueTypes}).
 */
final class Json {
    /** For the record envelope and attribute trees; values are mapped by {@link ValueTypes}' mapper. */
    static final JsonMapper MAPPER = limit(newMapper());

    static JsonMapper newMapper() {
        return JsonMapper.builder()
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .build();
    }

    static <M extends ObjectMapper> M limit(M mapper) {
        mapper.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(200)
                        .maxNumberLength(1000)
                        .build());
        return mapper;
    }

    private Json() {}

    static ObjectNode parseObject(String text) throws JsonProcessingException {
        JsonNode node = MAPPER.readTree(text);
        if (node == null || !node.isObject()) {
            throw new JsonProcessingException("expected a JSON object") {
                private static final long serialVersionUID = 1L;
            };
        }
        return (ObjectNode) node;
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new SessionCodecException("cannot write JSON", e);
        }
    }

    /**
     * The plain Java form of a JSON value: Map, List, String, Boolean, null, Integer/Long/BigInteger for integers,
     * Double for decimals a double holds exactly, BigDecimal for the others.
     */
    static @Nullable Object toPlain(@Nullable JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                map.put(e.getKey(), toPlain(e.getValue()));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            for (JsonNode child : node) {
                list.add(toPlain(child));
            }
            return list;
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        // By magnitude, not by node type: a value set as a long reads as it will after the store round trip.
        if (node.isIntegralNumber()) {
            if (node.canConvertToInt()) {
                return node.intValue();
            }
            return node.canConvertToLong() ? node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            BigDecimal exact = node.decimalValue();
            double d = exact.doubleValue();
            if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(exact) == 0) {
                return d;
            }
            return exact;
        }
        if (node.isBinary()) {
            return node.toString();
        }
        return node.toString();
    }
}
