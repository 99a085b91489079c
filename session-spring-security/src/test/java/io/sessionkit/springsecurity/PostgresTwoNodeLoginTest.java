package io.sessionkit.springsecurity;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionId;
import io.sessionkit.testing.Cleanup;
import io.sessionkit.testing.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link TwoNodeLoginContract} over a real PostgreSQL ({@link TestServers#postgresUrl()}), {@code sessionkit.store=jdbc},
 * in a table unique to the run that the first node creates ({@code create-schema}) and the test drops.
 */
class PostgresTwoNodeLoginTest extends TwoNodeLoginContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url = TestServers.postgresUrl();
    private final String table = "sk_spring_" + UUID.randomUUID().toString().substring(0, 8);

    @Override
    Map<String, Object> storeProperties() {
        return Map.of(
                "sessionkit.store",
                "jdbc",
                "sessionkit.jdbc.url",
                url,
                "sessionkit.jdbc.table",
                table,
                "sessionkit.jdbc.create-schema",
                "true");
    }

    @Override
    Optional<String> storedAttributes(SessionId id) {
        try (Connection c = DriverManager.getConnection(url);
                PreparedStatement s = c.prepareStatement(
                        "SELECT data::text FROM " + table + " WHERE session_id = ? AND expires_at > ?")) {
            s.setString(1, id.key().value());
            s.setLong(2, System.currentTimeMillis());
            try (ResultSet rs = s.executeQuery()) {
                // jsonb text has spaces after ':' and ','; compact it as the other stores write it.
                return rs.next() ? Optional.of(JSON.readTree(rs.getString(1)).toString()) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void cleanUp() {
        Cleanup.sqlTable(url, table);
    }
}
