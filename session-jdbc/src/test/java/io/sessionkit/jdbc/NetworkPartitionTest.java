package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.FaultProxy;
import io.sessionkit.testing.FreshRecords;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A statement on a connection the network has cut off (a partition: session-testing's {@link FaultProxy} forwards
 * nothing) fails within the driver's socket timeout, which the store sets to query + connect timeout + 5 s. The
 * statement timeout cannot end it: PostgreSQL's cancel request needs a new connection, which the partition swallows
 * too, and pgjdbc waits for that cancel before it reports the socket timeout, up to its {@code cancelSignalTimeout}
 * (10 s by default, now the store's connect timeout).
 */
class NetworkPartitionTest {
    @ParameterizedTest
    @EnumSource(
            value = Dialect.class,
            names = {"POSTGRESQL", "MARIADB"})
    void aStatementCutOffByAPartitionFailsWithinTheSocketTimeout(Dialect dialect) throws SQLException {
        String url = TestJdbc.url(dialect);
        URI server = URI.create(url.substring("jdbc:".length()));
        String table = "np_" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        try (FaultProxy proxy = FaultProxy.start(server.getHost(), server.getPort());
                SessionStore store = new JdbcSessionStoreProvider()
                        .create(SessionKitConfig.of(Map.of(
                                "sessionkit.jdbc.url",
                                url.replace(server.getHost() + ":" + server.getPort(), proxy.hostAndPort()),
                                "sessionkit.jdbc.table",
                                table,
                                "sessionkit.jdbc.create-schema",
                                "true",
                                "sessionkit.jdbc.connect-timeout",
                                "1s",
                                "sessionkit.jdbc.query-timeout",
                                "1s",
                                "sessionkit.jdbc.pool.max-size",
                                "1")))) {
            SessionRecord r = FreshRecords.record(Clock.systemUTC(), Duration.ofMinutes(30), null, "{}");
            assertThat(store.create(r)).isTrue();
            // At once: the one pooled connection was used just now, so the pool hands it out without checking it, and
            // the statement itself meets the partition.
            proxy.partition();
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.load(r.key())).isInstanceOf(SessionStoreUnavailableException.class);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.printf("[jdbc partition] %s: load failed after %d ms (socket timeout 7 s)%n", dialect, millis);
            // Socket timeout 1 + 1 + 5 = 7 s, plus scheduling on a loaded machine; pgjdbc's default cancel wait
            // would make it at least 1 + 10 s.
            assertThat(millis).isLessThanOrEqualTo(9_000);
        } finally {
            try (Connection c = DriverManager.getConnection(url);
                    Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + table);
            }
        }
    }
}
