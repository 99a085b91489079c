package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.testing.ServerProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Issue 14 item 16, the JDBC part: with nothing listening at the database's address, the error a newcomer meets
 * names the root cause ("Connection refused" at host:port), not only the pool's "Connection is not available,
 * request timed out", and does not send them to set {@code sessionkit.jdbc.dialect}, which would not help.
 */
class UnreachableDatabaseTest {
    private static int port;

    /** A port on which nothing listens: bound once by the system, then released. */
    @BeforeAll
    static void findFreePort() {
        port = ServerProcess.freePort();
    }

    private static String url(String scheme) {
        return switch (scheme) {
            case "postgresql" -> "jdbc:postgresql://127.0.0.1:" + port + "/app?user=app&password=hunter2";
            case "mariadb" -> "jdbc:mariadb://127.0.0.1:" + port + "/app?user=app&password=hunter2";
            case "h2" -> "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:app";
            default -> throw new IllegalArgumentException(scheme);
        };
    }

    /**
     * How long the pool waits for a connection. H2's client retries a refused connection for about 1.3 s before it
     * reports it; a pool that gives up sooner has no cause to tell, only its own timeout.
     */
    private static Duration connectTimeout(String scheme) {
        return scheme.equals("h2") ? Duration.ofSeconds(4) : Duration.ofSeconds(1);
    }

    private static void assertNamesTheRootCause(Throwable e) {
        assertThat(e).isInstanceOf(SessionStoreUnavailableException.class);
        assertThat(e.getMessage())
                .contains("Connection refused")
                .contains("127.0.0.1:" + port)
                .doesNotContain("sessionkit.jdbc.dialect")
                .doesNotContain("hunter2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName(
            "14.16 store-built HikariCP pool, dialect to detect: the startup error says Connection refused at host:port")
    void item16_ownPoolStartupNamesConnectionRefused(String scheme) {
        Map<String, String> keys = new HashMap<>();
        keys.put("sessionkit.jdbc.url", url(scheme));
        keys.put("sessionkit.jdbc.connect-timeout", connectTimeout(scheme).toMillis() + "ms");
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(() ->
                new JdbcSessionStoreProvider().create(SessionKitConfig.of(keys)).close());
        System.out.println("startup error [" + scheme + ", own pool]: " + e.getMessage());
        assertNamesTheRootCause(e);
        assertThat(e.getMessage()).startsWith("JDBC store at jdbc:" + scheme);
    }

    @Test
    @DisplayName(
            "14.16 store-built pool with the dialect set: it starts, and each call names Connection refused at host:port")
    void item16_ownPoolOperationNamesConnectionRefused() {
        Map<String, String> keys = new HashMap<>();
        keys.put("sessionkit.jdbc.url", url("postgresql"));
        keys.put("sessionkit.jdbc.dialect", "postgresql");
        keys.put("sessionkit.jdbc.connect-timeout", "1s");
        try (JdbcSessionStore store =
                (JdbcSessionStore) new JdbcSessionStoreProvider().create(SessionKitConfig.of(keys))) {
            Throwable e =
                    org.assertj.core.api.Assertions.catchThrowable(() -> store.load(JdbcSessionStoreTest.randomKey()));
            System.out.println("load error [postgresql, own pool]: " + e.getMessage());
            assertNamesTheRootCause(e);
            assertThat(e.getMessage()).contains("load of session");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("14.16 an application's own HikariCP pool: the startup error says Connection refused at host:port")
    void item16_applicationHikariPoolNamesConnectionRefused(String scheme) {
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url(scheme));
        hc.setConnectionTimeout(connectTimeout(scheme).toMillis());
        hc.setInitializationFailTimeout(-1);
        hc.setPoolName("unreachable-" + scheme);
        try (HikariDataSource pool = new HikariDataSource(hc)) {
            assertStartupNamesTheRootCause(pool, scheme + ", application Hikari pool");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb", "h2"})
    @DisplayName("14.16 a driver's plain DataSource (no pool): the startup error says Connection refused at host:port")
    void item16_plainDriverDataSourceNamesConnectionRefused(String scheme) throws Exception {
        DataSource ds = switch (scheme) {
            case "postgresql" -> {
                PGSimpleDataSource pg = new PGSimpleDataSource();
                pg.setURL(url(scheme));
                pg.setConnectTimeout(1);
                yield pg;
            }
            case "mariadb" -> new MariaDbDataSource(url(scheme));
            case "h2" -> {
                JdbcDataSource h2 = new JdbcDataSource();
                h2.setURL(url(scheme));
                yield h2;
            }
            default -> throw new IllegalArgumentException(scheme);
        };
        assertStartupNamesTheRootCause(ds, scheme + ", plain DataSource");
        // With the dialect given there is nothing to detect: the store starts, the first call reports the cause.
        Dialect dialect = Dialect.of(scheme);
        try (JdbcSessionStore store =
                JdbcSessionStore.builder().dataSource(ds).dialect(dialect).build()) {
            assertThatThrownBy(() -> store.findByPrincipal("alice"))
                    .satisfies(UnreachableDatabaseTest::assertNamesTheRootCause);
        }
    }

    /** Building a store on {@code ds} detects the dialect, so it connects and must fail naming the root cause. */
    private static void assertStartupNamesTheRootCause(DataSource ds, String label) {
        Throwable e = org.assertj.core.api.Assertions.catchThrowable(
                () -> JdbcSessionStore.builder().dataSource(ds).build().close());
        System.out.println("startup error [" + label + "]: " + e.getMessage());
        assertNamesTheRootCause(e);
    }
}
