package io.sessionkit.springsession;

import static java.util.Objects.requireNonNull;

import io.sessionkit.JavaSerializedValues;
import io.sessionkit.SessionCodecException;
import io.sessionkit.SessionStoreUnavailableException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Spring Session's Redis store, as {@code RedisSessionRepository} and {@code RedisIndexedSessionRepository} (Spring
 * Session 3.x and 4.0, the default {@code JdkSerializationRedisSerializer}) leave it: a hash
 * {@code <namespace>:sessions:<id>} with the fields {@code creationTime} and {@code lastAccessedTime} (epoch
 * milliseconds, {@code Long}), {@code maxInactiveInterval} (seconds, {@code Integer}) and {@code sessionAttr:<name>}
 * per attribute, each value Java-serialized. A lookup is one {@code HGETALL}.
 *
 * <p>Deleting removes the hash and, in one pipeline, what the indexed repository keeps beside it: the shadow key
 * {@code <namespace>:sessions:expires:<id>}, the id's member of the minute bucket
 * {@code <namespace>:expirations:<minute>} (or of the sorted set {@code <namespace>:sessions:expirations}) and of the
 * principal index {@code <namespace>:index:…PRINCIPAL_NAME_INDEX_NAME:<principal>}. On the plain repository those keys
 * do not exist and the commands do nothing. No multi-key command is sent, so it works on Redis Cluster too.
 *
 * <p>Not read: sessions written with another {@code springSessionDefaultRedisSerializer} (JSON serializers): their
 * metadata does not decode, and the record is treated as absent with a WARNING.
 */
public final class SpringSessionRedisSource extends SpringSessionSource {
    /** Spring Session's default {@code redisNamespace}: {@code spring:session}. */
    public static final String DEFAULT_NAMESPACE = "spring:session";

    static final String NAME = "spring-session-redis";
    private static final String ATTRIBUTE_PREFIX = "sessionAttr:";
    private static final String PRINCIPAL_INDEX =
            "index:org.springframework.session.FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME:";
    private static final System.Logger LOG = System.getLogger("io.sessionkit.springsession");

    /** The metadata fields hold a Long and an Integer: nothing else is ever needed to read them. */
    private final JavaSerializedValues metadata = JavaSerializedValues.allowing("");

    private final UnifiedJedis jedis;
    private final String namespace;

    private SpringSessionRedisSource(Builder b) {
        this.jedis = b.jedis;
        this.namespace = b.namespace + ":";
    }

    /**
     * A source reading through {@code jedis} (standalone, Sentinel or Cluster: any {@link UnifiedJedis}; it stays the
     * caller's, and is not closed here).
     */
    public static Builder builder(UnifiedJedis jedis) {
        return new Builder(requireNonNull(jedis, "jedis"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    Optional<LegacySession> find(String sessionId) {
        Map<byte[], byte[]> hash;
        try {
            hash = jedis.hgetAll(bytes(sessionKey(sessionId)));
        } catch (JedisException e) {
            throw unavailable("reading", sessionId, e);
        }
        if (hash == null || hash.isEmpty()) {
            return Optional.empty();
        }
        Map<String, byte[]> fields = new LinkedHashMap<>();
        hash.forEach((k, v) -> fields.put(new String(k, StandardCharsets.UTF_8), v));
        try {
            Instant created = Instant.ofEpochMilli(number(fields, "creationTime"));
            Instant accessed = Instant.ofEpochMilli(number(fields, "lastAccessedTime"));
            Duration maxInactive = Duration.ofSeconds(number(fields, "maxInactiveInterval"));
            Map<String, byte[]> attributes = new LinkedHashMap<>();
            fields.forEach((field, value) -> {
                if (field.startsWith(ATTRIBUTE_PREFIX)) {
                    attributes.put(field.substring(ATTRIBUTE_PREFIX.length()), value);
                }
            });
            return Optional.of(new LegacySession(sessionId, null, created, accessed, maxInactive, attributes, null));
        } catch (SessionCodecException | IllegalStateException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: Spring Session record {1} has unreadable metadata (another serializer than the JDK one?),"
                            + " not imported: {2}",
                    NAME,
                    LegacyIds.fingerprint(sessionId),
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    void delete(LegacySession session, @Nullable String principal) {
        String id = session.id();
        try (AbstractPipeline pipeline = jedis.pipelined()) {
            pipeline.del(bytes(sessionKey(id)));
            pipeline.del(bytes(sessionKey("expires:" + id)));
            // The repository's value serializer (the JDK one) wrote the set members: remove exactly those bytes.
            pipeline.zrem(bytes(namespace + "sessions:expirations"), serialized(id));
            if (!session.maxInactiveInterval().isNegative()) {
                long bucket = session.expiresAt()
                        .plus(1, ChronoUnit.MINUTES)
                        .truncatedTo(ChronoUnit.MINUTES)
                        .toEpochMilli();
                pipeline.srem(bytes(namespace + "expirations:" + bucket), serialized("expires:" + id));
            }
            if (principal != null) {
                pipeline.srem(bytes(namespace + PRINCIPAL_INDEX + principal), serialized(id));
            }
            pipeline.sync();
        } catch (JedisException e) {
            throw unavailable("deleting", id, e);
        }
    }

    @Override
    @Nullable
    String importState(String sessionId) {
        try {
            String state = jedis.get(importKey(sessionId));
            return state == null || state.equals(PENDING) ? state : LegacyIds.unseal(sessionId, state);
        } catch (JedisException e) {
            throw unavailable("reading the import claim of", sessionId, e);
        }
    }

    @Override
    boolean claim(String sessionId) {
        try {
            return "OK"
                    .equals(jedis.set(
                            importKey(sessionId),
                            PENDING,
                            SetParams.setParams().nx().px(CLAIM_TTL.toMillis())));
        } catch (JedisException e) {
            throw unavailable("claiming", sessionId, e);
        }
    }

    @Override
    void forward(String sessionId, String sessionKitId) {
        try {
            jedis.set(
                    importKey(sessionId),
                    LegacyIds.seal(sessionId, sessionKitId),
                    SetParams.setParams().px(FORWARD_TTL.toMillis()));
        } catch (JedisException e) {
            throw unavailable("recording the import of", sessionId, e);
        }
    }

    /** Beside Spring Session's keys, in the same namespace, named by the id's SHA-256; SessionKit's alone, with a TTL. */
    private String importKey(String id) {
        return namespace + "sessionkit-imports:" + LegacyIds.hash(id);
    }

    private String sessionKey(String id) {
        return namespace + "sessions:" + id;
    }

    private long number(Map<String, byte[]> fields, String field) {
        byte[] value = fields.get(field);
        if (value == null) {
            throw new IllegalStateException("no " + field + " field");
        }
        Object read = metadata.read(field, value);
        if (!(read instanceof Long || read instanceof Integer)) {
            throw new IllegalStateException(field + " is not a number");
        }
        return ((Number) read).longValue();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A String as {@code JdkSerializationRedisSerializer} writes it. */
    private static byte[] serialized(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream o = new ObjectOutputStream(out)) {
            o.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static SessionStoreUnavailableException unavailable(String what, String id, JedisException e) {
        return new SessionStoreUnavailableException(
                NAME + ": " + what + " Spring Session record " + LegacyIds.fingerprint(id) + " failed: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(),
                e);
    }

    /** Builds a {@link SpringSessionRedisSource}. */
    public static final class Builder {
        private final UnifiedJedis jedis;
        private String namespace = DEFAULT_NAMESPACE;

        private Builder(UnifiedJedis jedis) {
            this.jedis = jedis;
        }

        /**
         * Spring Session's {@code redisNamespace} ({@code spring.session.redis.namespace} in Spring Boot), without the
         * trailing colon; default {@link #DEFAULT_NAMESPACE}.
         */
        public Builder namespace(String namespace) {
            String n = requireNonNull(namespace, "namespace").trim();
            if (n.isEmpty()) {
                throw new IllegalArgumentException(
                        "namespace must not be empty (Spring Session's default is " + DEFAULT_NAMESPACE + ")");
            }
            this.namespace = n;
            return this;
        }

        public SpringSessionRedisSource build() {
            return new SpringSessionRedisSource(this);
        }
    }
}
