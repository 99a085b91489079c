package io.sessionkit.springsession;

import static java.util.Objects.requireNonNull;

import io.sessionkit.SessionStoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Spring Session's JDBC store, as {@code JdbcIndexedSessionRepository} (Spring Session 3.x and 4.0) leaves it: a row of
 * {@code SPRING_SESSION} ({@code PRIMARY_ID}, {@code SESSION_ID}, {@code CREATION_TIME} and {@code LAST_ACCESS_TIME} in
 * epoch milliseconds, {@code MAX_INACTIVE_INTERVAL} in seconds, {@code EXPIRY_TIME}, {@code PRINCIPAL_NAME}) and one
 * row of {@code SPRING_SESSION_ATTRIBUTES} per attribute ({@code SESSION_PRIMARY_ID}, {@code ATTRIBUTE_NAME},
 * {@code ATTRIBUTE_BYTES}: the value Java-serialized). A lookup is the repository's own join, one statement; deleting
 * removes the attribute rows and the session row in one transaction. The table names follow Spring Session's
 * {@code tableName} ({@code spring.session.jdbc.table-name}), the attributes table being {@code <tableName>_ATTRIBUTES}.
 *
 * <p>Besides reading and deleting, the source claims an import for one of several concurrent requests with a short-lived
 * row of its own in the same table ({@link #claim}); it needs {@code INSERT} and {@code UPDATE} on it.
 *
 * <p>Not read: attributes written with a custom {@code springSessionConversionService} (they are reported and skipped
 * as values the allow-list refuses or cannot read).
 */
public final class SpringSessionJdbcSource extends SpringSessionSource {
    /** Spring Session's default {@code tableName}. */
    public static final String DEFAULT_TABLE_NAME = "SPRING_SESSION";
    /** Default {@link Builder#queryTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(10);

    static final String NAME = "spring-session-jdbc";
    /** The start of the id of a claim row ({@link #claim}). */
    static final String CLAIM_PREFIX = "sk-import-";
    /** A table name, optionally schema-qualified: it is put into SQL text, so nothing else is accepted. */
    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");

    private final DataSource dataSource;
    private final int queryTimeoutSeconds;
    private final String select;
    private final String deleteAttributes;
    private final String deleteSession;
    private final String claimInsert;
    private final String claimTakeOver;
    private final String claimState;
    private final String claimForward;
    private final Clock clock = Clock.systemUTC();

    private SpringSessionJdbcSource(Builder b) {
        this.dataSource = b.dataSource;
        this.queryTimeoutSeconds = (int) Math.max(1, b.queryTimeout.toSeconds());
        String t = b.tableName;
        this.select = "SELECT S.PRIMARY_ID, S.CREATION_TIME, S.LAST_ACCESS_TIME, S.MAX_INACTIVE_INTERVAL,"
                + " S.PRINCIPAL_NAME, SA.ATTRIBUTE_NAME, SA.ATTRIBUTE_BYTES FROM " + t + " S LEFT JOIN " + t
                + "_ATTRIBUTES SA ON S.PRIMARY_ID = SA.SESSION_PRIMARY_ID WHERE S.SESSION_ID = ?";
        this.deleteAttributes = "DELETE FROM " + t + "_ATTRIBUTES WHERE SESSION_PRIMARY_ID = ?";
        this.deleteSession = "DELETE FROM " + t + " WHERE PRIMARY_ID = ?";
        // The claim row: see claim(). PRINCIPAL_NAME holds the import state, EXPIRY_TIME bounds it.
        this.claimInsert = "INSERT INTO " + t + " (PRIMARY_ID, SESSION_ID, CREATION_TIME, LAST_ACCESS_TIME,"
                + " MAX_INACTIVE_INTERVAL, EXPIRY_TIME, PRINCIPAL_NAME) VALUES (?, ?, ?, ?, ?, ?, NULL)";
        this.claimTakeOver = "UPDATE " + t + " SET PRINCIPAL_NAME = NULL, LAST_ACCESS_TIME = ?, EXPIRY_TIME = ?"
                + " WHERE SESSION_ID = ? AND EXPIRY_TIME <= ?";
        this.claimState = "SELECT PRINCIPAL_NAME, EXPIRY_TIME FROM " + t + " WHERE SESSION_ID = ?";
        this.claimForward =
                "UPDATE " + t + " SET PRINCIPAL_NAME = ?, LAST_ACCESS_TIME = ?, EXPIRY_TIME = ? WHERE SESSION_ID = ?";
    }

    /** A source reading through {@code dataSource} (the caller's; connections are borrowed per call and returned). */
    public static Builder builder(DataSource dataSource) {
        return new Builder(requireNonNull(dataSource, "dataSource"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    Optional<LegacySession> find(String sessionId) {
        if (sessionId.startsWith(CLAIM_PREFIX)) {
            return Optional.empty(); // a claim row of ours (see claim()), never a session
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(select)) {
            st.setQueryTimeout(queryTimeoutSeconds);
            st.setString(1, sessionId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String primaryId = rs.getString(1).trim();
                Instant created = Instant.ofEpochMilli(rs.getLong(2));
                Instant accessed = Instant.ofEpochMilli(rs.getLong(3));
                Duration maxInactive = Duration.ofSeconds(rs.getInt(4));
                String principal = rs.getString(5);
                Map<String, byte[]> attributes = new LinkedHashMap<>();
                do {
                    String name = rs.getString(6);
                    if (name != null) {
                        attributes.put(name, rs.getBytes(7));
                    }
                } while (rs.next());
                return Optional.of(
                        new LegacySession(sessionId, primaryId, created, accessed, maxInactive, attributes, principal));
            }
        } catch (SQLException e) {
            throw unavailable("reading", sessionId, e);
        }
    }

    @Override
    void delete(LegacySession session, @Nullable String principal) {
        String primaryId = requireNonNull(session.primaryId(), "a JDBC record has a primary id");
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                // Attributes first: the schema's ON DELETE CASCADE would do it, but not every copy of it has the key.
                for (String sql : new String[] {deleteAttributes, deleteSession}) {
                    try (PreparedStatement st = c.prepareStatement(sql)) {
                        st.setQueryTimeout(queryTimeoutSeconds);
                        st.setString(1, primaryId);
                        st.executeUpdate();
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw unavailable("deleting", session.id(), e);
        }
    }

    /**
     * Claims the import with a row of SessionKit's own in Spring Session's table, beside the legacy records: its
     * {@code SESSION_ID} and {@code PRIMARY_ID} are {@value #CLAIM_PREFIX} and 26 characters of the legacy id's
     * SHA-256 (never a UUID, so never a Spring Session id, and never looked up as one: {@link #find} refuses the
     * prefix), its {@code EXPIRY_TIME} {@link #CLAIM_TTL} ahead. The table's unique {@code SESSION_ID} makes the
     * {@code INSERT} succeed for exactly one of several racing requests. A lapsed claim (its {@code EXPIRY_TIME} passed:
     * the claiming request failed or its node died) is taken over by an {@code UPDATE} conditional on that expiry,
     * which the database also grants to one request only. The row is left to expire: Spring Session's own cleanup
     * ({@code DELETE ... WHERE EXPIRY_TIME < ?}, every minute by default) removes it while a Spring Session node runs;
     * otherwise it stays, expired and holding only the sealed forward ({@link LegacyIds#seal}), until the tables are
     * dropped after the changeover.
     */
    @Override
    boolean claim(String sessionId) {
        long now = clock.millis();
        String claimId = claimId(sessionId);
        try {
            try {
                return update(claimInsert, st -> {
                            st.setString(1, claimId);
                            st.setString(2, claimId);
                            st.setLong(3, now);
                            st.setLong(4, now);
                            st.setInt(5, (int) CLAIM_TTL.toSeconds());
                            st.setLong(6, now + CLAIM_TTL.toMillis());
                        })
                        == 1;
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
            }
            // Integrity constraint violation (SQLState class 23): the claim row exists. Lapsed? Then take it over.
            return update(claimTakeOver, st -> {
                        st.setLong(1, now);
                        st.setLong(2, now + CLAIM_TTL.toMillis());
                        st.setString(3, claimId);
                        st.setLong(4, now);
                    })
                    == 1;
        } catch (SQLException e) {
            throw unavailable("claiming", sessionId, e);
        }
    }

    @Override
    @Nullable
    String importState(String sessionId) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement st = c.prepareStatement(claimState)) {
            st.setQueryTimeout(queryTimeoutSeconds);
            st.setString(1, claimId(sessionId));
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String state = rs.getString(1);
                if (rs.getLong(2) <= clock.millis()) {
                    return null; // lapsed claim or expired forward
                }
                return state == null ? PENDING : LegacyIds.unseal(sessionId, state);
            }
        } catch (SQLException e) {
            throw unavailable("reading the import claim of", sessionId, e);
        }
    }

    @Override
    void forward(String sessionId, String sessionKitId) {
        long now = clock.millis();
        try {
            update(claimForward, st -> {
                st.setString(1, LegacyIds.seal(sessionId, sessionKitId));
                st.setLong(2, now);
                st.setLong(3, now + FORWARD_TTL.toMillis());
                st.setString(4, claimId(sessionId));
            });
        } catch (SQLException e) {
            throw unavailable("recording the import of", sessionId, e);
        }
    }

    /** {@value #CLAIM_PREFIX} and the first 26 characters of the id's SHA-256: 36, the width of the id columns. */
    private static String claimId(String sessionId) {
        return CLAIM_PREFIX + LegacyIds.hash(sessionId).substring(0, 36 - CLAIM_PREFIX.length());
    }

    private interface Binder {
        void bind(PreparedStatement st) throws SQLException;
    }

    /** One statement in a transaction of its own, whatever the pool's auto-commit setting; its update count. */
    private int update(String sql, Binder binder) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            try (PreparedStatement st = c.prepareStatement(sql)) {
                st.setQueryTimeout(queryTimeoutSeconds);
                binder.bind(st);
                int n = st.executeUpdate();
                if (!autoCommit) {
                    c.commit();
                }
                return n;
            } catch (SQLException | RuntimeException e) {
                if (!autoCommit) {
                    try {
                        c.rollback();
                    } catch (SQLException rollback) {
                        e.addSuppressed(rollback);
                    }
                }
                throw e;
            }
        }
    }

    private static SessionStoreUnavailableException unavailable(String what, String id, SQLException e) {
        return new SessionStoreUnavailableException(
                NAME + ": " + what + " Spring Session record " + LegacyIds.fingerprint(id) + " failed: "
                        + e.getClass().getSimpleName() + " (SQLState " + e.getSQLState() + "): " + e.getMessage(),
                e);
    }

    /** Builds a {@link SpringSessionJdbcSource}. */
    public static final class Builder {
        private final DataSource dataSource;
        private String tableName = DEFAULT_TABLE_NAME;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * Spring Session's {@code tableName} ({@code spring.session.jdbc.table-name}); default
         * {@link #DEFAULT_TABLE_NAME}. Letters, digits and underscores, optionally {@code schema.table}.
         */
        public Builder tableName(String tableName) {
            requireNonNull(tableName, "tableName");
            if (!TABLE.matcher(tableName).matches()) {
                throw new IllegalArgumentException("tableName must be letters, digits and underscores, optionally"
                        + " schema-qualified (schema.table), not '" + tableName + "'");
            }
            this.tableName = tableName;
            return this;
        }

        /** The timeout of each statement (whole seconds, at least 1); default {@link #DEFAULT_QUERY_TIMEOUT}. */
        public Builder queryTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.toSeconds() < 1) {
                throw new IllegalArgumentException("queryTimeout must be at least 1s, not " + timeout);
            }
            this.queryTimeout = timeout;
            return this;
        }

        public SpringSessionJdbcSource build() {
            return new SpringSessionJdbcSource(this);
        }
    }
}
