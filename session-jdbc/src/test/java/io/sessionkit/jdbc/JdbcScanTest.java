package io.sessionkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.ScanPage;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionRecord;
import io.sessionkit.jdbc.JdbcSessionStore.Dialect;
import io.sessionkit.tck.MutableClock;
import io.sessionkit.testing.FreshRecords;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the kit's group 16 cannot see from the SPI: one statement per page, and rows whose stored key is not a session
 * key (planted with plain SQL) skipped without stopping the scan.
 */
class JdbcScanTest {
    @RegisterExtension
    static final TablePerTest TABLES = new TablePerTest("sk_scan");

    private final MutableClock clock = MutableClock.startingNow();
    private JdbcSessionStore store;

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    private SessionRecord created() {
        SessionRecord r = FreshRecords.record(JdbcSessionStoreTest.randomKey(), clock, null, "{\"a\":1}");
        assertThat(store.create(r)).isTrue();
        return r;
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void onePreparedStatementPerPage(Dialect dialect) {
        CountingDataSource counting = new CountingDataSource(TABLES.pool(dialect));
        store = TestJdbc.store(counting.dataSource(), TABLES.next(dialect), clock)
                .build();
        Set<SessionKey> all = new HashSet<>();
        for (int i = 0; i < 25; i++) {
            all.add(created().key());
        }
        counting.takeCount();
        List<SessionKey> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            ScanPage page = store.scan(cursor, 10);
            pages++;
            assertThat(counting.takeCount()).as("statements for page %d", pages).isEqualTo(1);
            page.records().forEach(r -> seen.add(r.key()));
            cursor = page.next();
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(all);
    }

    @ParameterizedTest
    @EnumSource(Dialect.class)
    void rowsWithMalformedKeysAreSkippedAndTheScanGoesOn(Dialect dialect) throws Exception {
        store = TestJdbc.store(TABLES.pool(dialect), TABLES.next(dialect), clock)
                .build();
        Set<SessionKey> all = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            all.add(created().key());
        }
        SessionKey template = all.iterator().next();
        try (Connection c = store.dataSource().getConnection();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + store.table()
                        + " (session_id, principal, created_at, last_accessed_at, expires_at, max_idle_seconds,"
                        + " version, data) SELECT ?, principal, created_at, last_accessed_at, expires_at,"
                        + " max_idle_seconds, version, data FROM " + store.table() + " WHERE session_id = ?")) {
            for (String bad : List.of("!", "0bad", "Mbad", "zzzz~", "a'b")) {
                ps.setString(1, bad);
                ps.setString(2, template.value());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        for (int pageSize : List.of(1, 2, 100)) {
            List<SessionKey> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                ScanPage page = store.scan(cursor, pageSize);
                page.records().forEach(r -> seen.add(r.key()));
                cursor = page.next();
                assertThat(++pages).as("pages at page size %d", pageSize).isLessThanOrEqualTo(11 / pageSize + 1);
            } while (cursor != null);
            assertThat(seen)
                    .as("page size %d", pageSize)
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Dialect.class, names = "H2")
    void foreignCursorsNameTheExpectedKind(Dialect dialect) {
        store = TestJdbc.store(TABLES.pool(dialect), TABLES.next(dialect), clock)
                .build();
        assertThatThrownBy(() -> store.scan("m1:YQ", 10))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 'j1:'");
        assertThatThrownBy(() -> store.scan("j1:" + "QUFB".repeat(24), 10))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than session_id");
        assertThat(store.scan(null, 10)).isEqualTo(ScanPage.END);
    }
}
