package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionId;
import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import redis.clients.jedis.Jedis;

/**
 * {@link TwoNodeLoginContract} over a real Redis ({@link TestServers#redisUri()}), {@code sessionkit.store=redis},
 * under a key prefix unique to the run; the test reads the stored envelopes with its own connection.
 */
class RedisTwoNodeLoginTest extends TwoNodeLoginContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI uri = TestServers.redisUri();
    private final String prefix =
            "sk-spring-test-" + UUID.randomUUID().toString().substring(0, 8) + ":";

    @Override
    Map<String, Object> storeProperties() {
        return Map.of(
                "sessionkit.store",
                "redis",
                "sessionkit.redis.uri",
                uri.toString(),
                "sessionkit.redis.key-prefix",
                prefix);
    }

    @Override
    Optional<String> storedAttributes(SessionId id) {
        try (Jedis redis = new Jedis(uri, 5_000)) {
            // The record's key: prefix, the bucket of the hashed key as a hash tag, "s:", the hashed key (FORMAT.md).
            String hashed = id.key().value();
            String bucket = String.format("%02x", Base64.getUrlDecoder().decode(hashed)[0] & 0xff);
            String envelope = redis.get(prefix + "{" + bucket + "}s:" + hashed);
            if (envelope == null) {
                return Optional.empty();
            }
            JsonNode record = JSON.readTree(envelope);
            if (record.get("e").asLong() <= System.currentTimeMillis()) {
                return Optional.empty();
            }
            return Optional.of(record.get("attrs").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void cleanUp() {
        Cleanup.redisKeys(uri, prefix);
    }
}
