package io.sessionkit.springsession;

import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.RunNamespace;
import io.sessionkit.testing.TestServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;
import org.springframework.session.data.redis.RedisIndexedSessionRepository;
import org.springframework.session.data.redis.RedisSessionRepository;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.support.TransactionTemplate;
import redis.clients.jedis.RedisClient;

/**
 * A real Spring Session 4.0 repository writing into the shared test Redis or PostgreSQL, under this run's own key
 * prefix or table, and the {@link SpringSessionSource} that reads the same place.
 */
abstract class LegacyStore implements AutoCloseable {
    final RunNamespace namespace;

    LegacyStore(RunNamespace namespace) {
        this.namespace = namespace;
    }

    /** Spring Session's repository, as the old application used it. */
    abstract SessionRepository<? extends Session> repository();

    abstract SpringSessionSource source();

    /** How many keys or rows the record with {@code id} still has in the legacy store (its index keys included). */
    abstract long remnants(String id);

    /**
     * How long the source still forwards a request presenting the imported record {@code id}'s cookie to its new
     * session (the TTL it set); empty when it keeps no forward.
     */
    Optional<Duration> importForwardTtl(String id) {
        return Optional.empty();
    }

    /** The import state exactly as the source stored it for {@code id} (claim or forward); empty when none. */
    abstract Optional<String> storedImportState(String id);

    /** Makes the import claim of {@code id} lapse, as if its request had died {@link SpringSessionSource#CLAIM_TTL} ago. */
    abstract void lapseClaim(String id);

    /** Removes what this run wrote; never throws a checked exception. */
    @Override
    public abstract void close();

    /** Writes a session with {@code attributes} through Spring Session itself; returns its id. */
    @SuppressWarnings("unchecked")
    String write(Map<String, Object> attributes, Duration maxInactive) {
        SessionRepository<Session> repo = (SessionRepository<Session>) repository();
        Session s = repo.createSession();
        s.setMaxInactiveInterval(maxInactive);
        attributes.forEach(s::setAttribute);
        repo.save(s);
        return s.getId();
    }

    static LegacyStore redisIndexed() {
        return new Redis(true);
    }

    static LegacyStore redisPlain() {
        return new Redis(false);
    }

    static LegacyStore postgres() {
        return new Jdbc();
    }

    static final class Redis extends LegacyStore {
        private final JedisConnectionFactory factory;
        private final SessionRepository<? extends Session> repository;
        private final RedisClient jedis;
        private final String springNamespace;
        private final boolean indexed;

        Redis(boolean indexed) {
            super(RunNamespace.redis("ss-import"));
            this.indexed = indexed;
            URI uri = TestServers.redisUri();
            this.springNamespace = namespace.name() + "spring:session";
            factory = new JedisConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
            factory.afterPropertiesSet();
            factory.start();
            // What Spring Session's AbstractRedisHttpSessionConfiguration builds: string keys, JDK-serialized values.
            RedisTemplate<String, Object> template = new RedisTemplate<>();
            template.setKeySerializer(RedisSerializer.string());
            template.setHashKeySerializer(RedisSerializer.string());
            template.setConnectionFactory(factory);
            template.afterPropertiesSet();
            if (indexed) {
                RedisIndexedSessionRepository r = new RedisIndexedSessionRepository(template);
                r.setRedisKeyNamespace(springNamespace);
                repository = r;
            } else {
                RedisSessionRepository r = new RedisSessionRepository(template);
                r.setRedisKeyNamespace(springNamespace);
                repository = r;
            }
            jedis = RedisClient.create(uri.getHost(), uri.getPort());
        }

        @Override
        SessionRepository<? extends Session> repository() {
            return repository;
        }

        @Override
        SpringSessionSource source() {
            return SpringSessionRedisSource.builder(jedis)
                    .namespace(springNamespace)
                    .build();
        }

        /** Keys naming the id, plus set members holding it (the principal index, the expiration buckets). */
        @Override
        long remnants(String id) {
            long n = 0;
            Set<String> keys = jedis.keys(namespace.name() + "*");
            for (String key : keys) {
                if (key.contains(id)) {
                    n++;
                } else if (jedis.type(key).equals("set")) {
                    n += jedis.smembers(key.getBytes(StandardCharsets.UTF_8)).stream()
                            .filter(m -> new String(m, StandardCharsets.ISO_8859_1).contains(id))
                            .count();
                } else if (jedis.type(key).equals("zset")) {
                    n += jedis.zrange(key.getBytes(StandardCharsets.UTF_8), 0, -1).stream()
                            .filter(m -> new String(m, StandardCharsets.ISO_8859_1).contains(id))
                            .count();
                }
            }
            return n;
        }

        @Override
        Optional<Duration> importForwardTtl(String id) {
            long ms = jedis.pttl(importKey(id));
            return ms < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
        }

        @Override
        Optional<String> storedImportState(String id) {
            return Optional.ofNullable(jedis.get(importKey(id)));
        }

        @Override
        void lapseClaim(String id) {
            jedis.del(importKey(id));
        }

        private String importKey(String id) {
            return springNamespace + ":sessionkit-imports:" + LegacyIds.hash(id);
        }

        /** Every key of this run, for checks that the indexed repository wrote its index keys. */
        Set<String> keys() {
            return jedis.keys(namespace.name() + "*");
        }

        @Override
        public String toString() {
            return indexed ? "RedisIndexedSessionRepository" : "RedisSessionRepository";
        }

        @Override
        public void close() {
            try {
                namespace.cleanUp();
            } finally {
                jedis.close();
                factory.destroy();
            }
        }
    }

    static final class Jdbc extends LegacyStore {
        private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
        private final JdbcIndexedSessionRepository repository;
        private final String table;

        Jdbc() {
            super(RunNamespace.postgres("ss_import"));
            this.table = namespace.name();
            dataSource.setURL(TestServers.postgresUrl());
            // Spring Session's own schema file, under this run's table names.
            String schema;
            try (InputStream in = JdbcIndexedSessionRepository.class.getResourceAsStream("schema-postgresql.sql")) {
                schema = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("SPRING_SESSION", table);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement()) {
                for (String statement : schema.split(";", -1)) {
                    if (!statement.isBlank()) {
                        st.execute(statement);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            repository = new JdbcIndexedSessionRepository(
                    new JdbcTemplate(dataSource),
                    new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
            repository.setTableName(table);
        }

        @Override
        SessionRepository<? extends Session> repository() {
            return repository;
        }

        @Override
        SpringSessionSource source() {
            return SpringSessionJdbcSource.builder(dataSource).tableName(table).build();
        }

        @Override
        long remnants(String id) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement sessions =
                            c.prepareStatement("SELECT PRIMARY_ID FROM " + table + " WHERE SESSION_ID = ?");
                    Statement all = c.createStatement()) {
                sessions.setString(1, id);
                long n = 0;
                try (ResultSet rs = sessions.executeQuery()) {
                    while (rs.next()) {
                        n++;
                    }
                }
                // Attribute rows of no session row: the delete must take them too (one transaction).
                try (ResultSet rs = all.executeQuery("SELECT COUNT(*) FROM " + table + "_ATTRIBUTES A WHERE NOT EXISTS"
                        + " (SELECT 1 FROM " + table + " S WHERE S.PRIMARY_ID = A.SESSION_PRIMARY_ID)")) {
                    rs.next();
                    n += rs.getLong(1);
                }
                return n;
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        Optional<Duration> importForwardTtl(String id) {
            return claimRow(id, "EXPIRY_TIME")
                    .map(expiry -> Duration.ofMillis(Long.parseLong(expiry) - System.currentTimeMillis()));
        }

        @Override
        Optional<String> storedImportState(String id) {
            return claimRow(id, "COALESCE(PRINCIPAL_NAME, '')");
        }

        @Override
        void lapseClaim(String id) {
            sql("UPDATE " + table + " SET EXPIRY_TIME = 0 WHERE SESSION_ID = ?", id);
        }

        /** One column of the claim row of {@code id} (see SpringSessionJdbcSource.claim), as text. */
        private Optional<String> claimRow(String id, String column) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st =
                            c.prepareStatement("SELECT " + column + " FROM " + table + " WHERE SESSION_ID = ?")) {
                st.setString(1, claimId(id));
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private void sql(String sql, String id) {
            try (Connection c = dataSource.getConnection();
                    PreparedStatement st = c.prepareStatement(sql)) {
                st.setString(1, claimId(id));
                st.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String claimId(String id) {
            String prefix = SpringSessionJdbcSource.CLAIM_PREFIX;
            return prefix + LegacyIds.hash(id).substring(0, 36 - prefix.length());
        }

        /** Attribute rows in the table, all sessions. */
        long attributeRows() {
            try (Connection c = dataSource.getConnection();
                    Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + "_ATTRIBUTES")) {
                rs.next();
                return rs.getLong(1);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "JdbcIndexedSessionRepository";
        }

        @Override
        public void close() {
            Cleanup.sqlTable(TestServers.postgresUrl(), table + "_ATTRIBUTES");
            Cleanup.sqlTable(TestServers.postgresUrl(), table);
        }
    }
}
