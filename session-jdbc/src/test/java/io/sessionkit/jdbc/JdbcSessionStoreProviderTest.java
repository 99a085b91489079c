package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.SessionStores;
import io.sessionkit.StoreFeature;
import io.sessionkit.testing.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JdbcSessionStoreProviderTest {

    private static Map<String, String> h2(String table) {
        Map<String, String> m = new HashMap<>();
        m.put("sessionkit.store", "jdbc");
        m.put("sessionkit.jdbc.url", TestJdbc.h2MemoryUrl("provider"));
        m.put("sessionkit.jdbc.table", table);
        m.put("sessionkit.jdbc.create-schema", "true");
        return m;
    }

    @Test
    void discoveredByNameAndBuiltFromKeys() {
        SessionKitConfig config = SessionKitConfig.of(h2("sk_provider"));
        assertThat(SessionStores.select(config, getClass().getClassLoader()))
                .isInstanceOf(JdbcSessionStoreProvider.class);
        try (SessionStore store = SessionStores.open(config, getClass().getClassLoader())) {
            assertThat(store).isInstanceOf(JdbcSessionStore.class);
            JdbcSessionStore jdbc = (JdbcSessionStore) store;
            assertThat(jdbc.dialect()).isEqualTo(JdbcSessionStore.Dialect.H2);
            assertThat(jdbc.table()).isEqualTo("sk_provider");
            assertThat(store.features()).as("every feature there is").containsExactlyInAnyOrder(StoreFeature.values());
            assertThat(store.load(JdbcSessionStoreTest.randomKey())).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"1m", "0s", "-1s"})
    void theRemovedSweepIntervalFailsTheBuildNamingTheManagersKey(String value) {
        Map<String, String> m = h2("sk_provider_sweep");
        m.put("sessionkit.jdbc.sweep-interval", value);
        assertThatThrownBy(() -> new JdbcSessionStoreProvider().create(SessionKitConfig.of(m)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.jdbc.sweep-interval")
                .hasMessageContaining("set sessionkit.sweep.interval instead");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "sessionkit.jdbc.table|bad-name; DROP TABLE x",
                "sessionkit.jdbc.table|a_table_name_that_is_far_too_long_to_leave_room_for_index_names",
                "sessionkit.jdbc.dialect|oracle",
                "sessionkit.jdbc.pool.max-size|0",
                "sessionkit.jdbc.pool.max-size|many",
                "sessionkit.jdbc.connect-timeout|10ms",
                "sessionkit.jdbc.query-timeout|0s",
                "sessionkit.jdbc.query-timeout|soon",
                "sessionkit.jdbc.sweep-batch-size|0",
                "sessionkit.jdbc.expiry-grace|-1s",
                "sessionkit.jdbc.expiry-grace|later",
                "sessionkit.jdbc.create-schema|yes",
                "sessionkit.jdbc.synchronous-commit|maybe",
                "sessionkit.jdbc.url|postgresql://localhost/app"
            })
    void badValueNamesItsKey(String key, String value) {
        Map<String, String> m = h2("sk_provider_bad");
        m.put(key, value);
        assertThatThrownBy(() -> new JdbcSessionStoreProvider().create(SessionKitConfig.of(m)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key);
    }

    @Test
    void everyBadKeyIsReportedAtOnceAndTheUrlWithItsPasswordIsNeverShown() {
        Map<String, String> m = h2("sk_provider_many");
        m.put("sessionkit.jdbc.url", "postgresql://app:hunter2@db/app?password=hunter2");
        m.put("sessionkit.jdbc.password", "hunter2");
        m.put("sessionkit.jdbc.pool.max-size", "0");
        m.put("sessionkit.jdbc.query-timeout", "soon");
        m.put("sessionkit.jdbc.table", "bad-name");
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                () -> new JdbcSessionStoreProvider().create(SessionKitConfig.of(m)));
        assertThat(e)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.jdbc.url")
                .hasMessageContaining("sessionkit.jdbc.pool.max-size")
                .hasMessageContaining("sessionkit.jdbc.query-timeout")
                .hasMessageContaining("sessionkit.jdbc.table");
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain("hunter2");
        }
    }

    @Test
    void missingUrlNamesTheKey() {
        Map<String, String> m = h2("sk_provider_nourl");
        m.remove("sessionkit.jdbc.url");
        assertThatThrownBy(() -> new JdbcSessionStoreProvider().create(SessionKitConfig.of(m)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionkit.jdbc.url");
    }

    @Test
    void unreachableDatabaseIsUnavailableAndTheMessageHidesCredentials() {
        Map<String, String> m = new HashMap<>();
        m.put("sessionkit.jdbc.url", "jdbc:postgresql://127.0.0.1:1/app?user=app&password=hunter2");
        m.put("sessionkit.jdbc.connect-timeout", "1s");
        assertThatThrownBy(() -> new JdbcSessionStoreProvider().create(SessionKitConfig.of(m)))
                .isInstanceOf(SessionStoreUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:1/app")
                .hasMessageNotContaining("hunter2");
    }

    @ParameterizedTest
    @CsvSource({"false,off", "true,on", "'',on"})
    void ownPostgresPoolCommitsAsynchronouslyOnlyWhenAsked(String synchronous, String expected) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("sessionkit.jdbc.url", TestServers.postgresUrl());
        m.put("sessionkit.jdbc.synchronous-commit", synchronous);
        try (JdbcSessionStore store = (JdbcSessionStore) new JdbcSessionStoreProvider().create(SessionKitConfig.of(m));
                Connection c = store.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW synchronous_commit")) {
            assertThat(store.dialect()).isEqualTo(JdbcSessionStore.Dialect.POSTGRESQL);
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(expected);
        }
    }

    @Test
    void schemaFilesShipForEveryDialect() {
        for (JdbcSessionStore.Dialect d : JdbcSessionStore.Dialect.values()) {
            assertThat(JdbcSessionStore.schema(d, "app_sessions"))
                    .contains("CREATE TABLE IF NOT EXISTS app_sessions")
                    .contains("app_sessions_expires_idx")
                    .contains("app_sessions_principal_idx")
                    .doesNotContain("sessionkit_sessions");
            assertThat(SqlStatements.schemaStatements(d, "app_sessions")).hasSizeGreaterThanOrEqualTo(1);
        }
        assertThat(JdbcSessionStore.Dialect.of("MySQL")).isEqualTo(JdbcSessionStore.Dialect.MARIADB);
        assertThat(JdbcSessionStore.sanitize("jdbc:mariadb://u:secret@db:3306/app?password=x"))
                .isEqualTo("jdbc:mariadb://db:3306/app");
    }
}
