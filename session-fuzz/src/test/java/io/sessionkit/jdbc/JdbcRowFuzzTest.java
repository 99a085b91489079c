package io.sessionkit.jdbc;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.sessionkit.DecodeFailurePolicy;
import io.sessionkit.Decoding;
import io.sessionkit.Session;
import io.sessionkit.SessionId;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;

/**
 * The JDBC row decoder: one row of an in-memory H2 sessions table, every column rewritten from the input (what a hand
 * edit, another writer or a restore could leave), then loaded through the JDBC store and a {@link SessionManager}
 * under each policy. {@code data} is written either as a string (H2 keeps it as a JSON string, the form PostgreSQL
 * rows take for attributes with U+0000) or as {@code ? FORMAT JSON} (parsed by H2, any JSON value). What H2 itself
 * refuses (a principal over the column's length, malformed JSON) never reaches the decoder and is skipped.
 */
class JdbcRowFuzzTest {
    private static final String URL = "jdbc:h2:mem:fuzz-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private static final String TABLE = "fuzz_sessions";
    private static final SessionId ID = SessionId.generate();
    private static final Connection RAW;
    private static final JdbcSessionStore STORE;
    private static final Map<DecodeFailurePolicy, SessionManager> MANAGERS = new EnumMap<>(DecodeFailurePolicy.class);

    static {
        try {
            RAW = DriverManager.getConnection(URL);
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
        STORE = JdbcSessionStore.builder()
                .url(URL)
                .dialect(JdbcSessionStore.Dialect.H2)
                .table(TABLE)
                .createSchema(true)
                .poolMaxSize(1)
                .clock(Decoding.CLOCK)
                .build();
        for (DecodeFailurePolicy policy : DecodeFailurePolicy.values()) {
            MANAGERS.put(
                    policy,
                    SessionManager.builder(STORE)
                            .clock(Decoding.CLOCK)
                            .decodeFailurePolicy(policy)
                            .sweepInterval(Duration.ZERO)
                            .build());
        }
        STORE.create(new SessionRecord(
                ID.key(),
                1,
                Decoding.NOW,
                Decoding.NOW,
                Duration.ofMinutes(30),
                Decoding.NOW.plus(Duration.ofMinutes(30)),
                null,
                "{}"));
    }

    @AfterAll
    static void close() throws SQLException {
        MANAGERS.values().forEach(SessionManager::close);
        STORE.close();
        RAW.close();
    }

    @FuzzTest
    void load(FuzzedDataProvider data) throws SQLException {
        DecodeFailurePolicy policy = data.pickValue(DecodeFailurePolicy.values());
        boolean asJson = data.consumeBoolean();
        // Mostly live rows, so that the decoder behind the expiry filter is reached.
        long live = Decoding.NOW.plus(Duration.ofMinutes(30)).toEpochMilli();
        long expiresAt = data.consumeBoolean() ? live : data.consumeLong();
        long createdAt = data.consumeBoolean() ? Decoding.NOW.toEpochMilli() : data.consumeLong();
        long accessedAt = data.consumeBoolean() ? Decoding.NOW.toEpochMilli() : data.consumeLong();
        long maxIdle = data.consumeBoolean() ? 1800 : data.consumeLong();
        long version = data.consumeBoolean() ? 1 : data.consumeLong();
        String principal = data.consumeBoolean() ? null : data.consumeString(300);
        String text = data.consumeRemainingAsString();
        String sql = "UPDATE " + TABLE + " SET principal = ?, created_at = ?, last_accessed_at = ?, expires_at = ?,"
                + " max_idle_seconds = ?, version = ?, data = " + (asJson ? "? FORMAT JSON" : "?")
                + " WHERE session_id = ?";
        try (PreparedStatement ps = RAW.prepareStatement(sql)) {
            if (principal == null) {
                ps.setNull(1, Types.VARCHAR);
            } else {
                ps.setString(1, principal);
            }
            ps.setLong(2, createdAt);
            ps.setLong(3, accessedAt);
            ps.setLong(4, expiresAt);
            ps.setLong(5, maxIdle);
            ps.setLong(6, version);
            ps.setString(7, text);
            ps.setString(8, ID.key().value());
            if (ps.executeUpdate() != 1) {
                throw new AssertionError("the fuzzed row is gone");
            }
        } catch (SQLException refusedByH2) {
            return;
        }
        Decoding.tolerated(() -> {
            Optional<Session> found = MANAGERS.get(policy).find(ID);
            found.ifPresent(s -> Decoding.readAll(s, List.of(String.class, Map.class)));
        });
    }
}
