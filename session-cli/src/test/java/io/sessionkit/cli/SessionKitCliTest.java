package io.sessionkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sessionkit.SessionId;
import io.sessionkit.SessionKitConfig;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.SessionStores;
import io.sessionkit.testing.FreshRecords;
import io.sessionkit.testing.RunNamespace;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every command of the real jar against real Redis and PostgreSQL, each on a private prefix or table. */
class SessionKitCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private RunNamespace redisNs;
    private RunNamespace pgNs;
    private Path redisProps;
    private Path pgProps;
    private SessionStore redis;
    private SessionStore postgres;

    @BeforeEach
    void open() throws IOException {
        redisNs = RunNamespace.redis("sk:cli");
        pgNs = RunNamespace.postgres("cli");
        redisProps = Cli.write(
                dir,
                "redis.properties",
                "sessionkit.store=redis",
                "sessionkit.redis.uri=" + redisNs.server(),
                "sessionkit.redis.key-prefix=" + redisNs.name());
        pgProps = Cli.write(
                dir,
                "pg.properties",
                "sessionkit.store=jdbc",
                "sessionkit.jdbc.url=" + pgNs.server(),
                "sessionkit.jdbc.table=" + pgNs.name(),
                "sessionkit.jdbc.create-schema=true",
                "sessionkit.jdbc.expiry-grace=0s");
        redis = SessionStores.open(SessionKitConfig.of(load(redisProps)));
        postgres = SessionStores.open(SessionKitConfig.of(load(pgProps)));
    }

    @AfterEach
    void close() {
        redis.close();
        postgres.close();
        redisNs.cleanUp();
        pgNs.cleanUp();
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (var in = Files.newInputStream(file)) {
            p.load(in);
        }
        return p;
    }

    static List<SessionRecord> sessions(int n, String principal) {
        Instant now = Instant.now();
        List<SessionRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new SessionRecord(
                    SessionId.generate().key(),
                    1 + i % 4,
                    now.minusSeconds(60),
                    now.minusSeconds(i % 30),
                    Duration.ofMinutes(30),
                    now.minusSeconds(i % 30).plus(Duration.ofMinutes(30)),
                    principal,
                    "{\"cart\":[\"apple\",\"pear\"],\"secret\":\"s3cr3t-" + i + "\"}"));
        }
        return out;
    }

    private static void store(SessionStore store, List<SessionRecord> records) {
        records.forEach(r -> assertThat(store.create(r)).isTrue());
    }

    private static JsonNode json(Cli.Run run) throws IOException {
        return JSON.readTree(run.out());
    }

    private String config(Path props) {
        return props.toString();
    }

    @Test
    void countListShowAndKill() throws IOException {
        store(redis, sessions(20, null));
        List<SessionRecord> alice = sessions(3, "alice");
        store(redis, alice);
        String c = config(redisProps);

        assertThat(Cli.run("--config", c, "count").expect(0).out().strip()).isEqualTo("23");
        assertThat(json(Cli.run("--config", c, "count", "--json").expect(0))
                        .get("count")
                        .asLong())
                .isEqualTo(23);

        Cli.Run list = Cli.run("--config", c, "list", "--principal", "alice").expect(0);
        assertThat(list.out()).contains("3 sessions");
        for (SessionRecord r : alice) {
            assertThat(list.out())
                    .contains(r.key().shortForm())
                    .doesNotContain(r.key().value());
        }
        assertThat(list.out()).doesNotContain("s3cr3t").doesNotContain("apple");
        JsonNode listed = json(
                Cli.run("--json", "--config", c, "list", "--principal", "alice").expect(0));
        assertThat(listed.get("sessions")).hasSize(3);
        assertThat(listed.get("sessions").get(0).get("key").asText()).hasSize(8);

        SessionRecord one = alice.get(1);
        Cli.Run show =
                Cli.run("--config", c, "show", "--key", one.key().shortForm()).expect(0);
        assertThat(show.out())
                .contains("version        " + one.version())
                .contains("expires        " + one.expiresAt())
                .contains("cart")
                .contains("secret")
                .doesNotContain("s3cr3t")
                .doesNotContain("apple");
        Cli.Run values = Cli.run("--config", c, "show", "--key", one.key().value(), "--values")
                .expect(0);
        assertThat(values.out()).contains("s3cr3t").contains("apple");
        JsonNode shown =
                json(Cli.run("--config", c, "--json", "show", "--key", one.key().shortForm())
                        .expect(0));
        assertThat(shown.get("version").asLong()).isEqualTo(one.version());
        assertThat(shown.get("attributes").get(0).get("name").asText()).isEqualTo("cart");
        assertThat(shown.get("attributes").get(0).has("value")).isFalse();

        assertThat(Cli.run("--config", c, "kill", "--key", one.key().shortForm())
                        .expect(0)
                        .out())
                .contains("killed 1 session");
        assertThat(redis.load(one.key())).isEmpty();
        Cli.run("--config", c, "show", "--key", one.key().value()).expect(1);
        assertThat(Cli.run("--config", c, "kill", "--principal", "alice")
                        .expect(0)
                        .out())
                .contains("killed 2 sessions");
        assertThat(redis.findByPrincipal("alice")).isEmpty();
        assertThat(Cli.run("--config", c, "count").expect(0).out().strip()).isEqualTo("20");
    }

    @Test
    void storeAndKeysFromOptionsAndTheEnvironmentStyleDefines() {
        store(postgres, sessions(4, "bob"));
        Cli.Run run = Cli.run(
                "--store",
                "jdbc",
                "-D",
                "sessionkit.jdbc.url=" + pgNs.server(),
                "-D",
                "sessionkit.jdbc.table=" + pgNs.name(),
                "count");
        assertThat(run.expect(0).out().strip()).isEqualTo("4");
        Cli.Run sub = Cli.run(
                "count",
                "--store",
                "jdbc",
                "-D",
                "sessionkit.jdbc.url=" + pgNs.server(),
                "-D",
                "sessionkit.jdbc.table=" + pgNs.name());
        assertThat(sub.expect(0).out().strip()).isEqualTo("4");
    }

    @Test
    void purgeExpiredRemovesExpiredRowsAndSaysWhenTheStoreNeedsNone() {
        SessionRecord expired = FreshRecords.expired(Clock.systemUTC(), 2, null);
        store(postgres, List.of(expired));
        store(postgres, sessions(2, null));

        assertThat(Cli.run("--config", config(pgProps), "purge-expired")
                        .expect(0)
                        .out())
                .contains("purged 1 expired record");
        assertThat(Cli.run("--config", config(pgProps), "count").expect(0).out().strip())
                .isEqualTo("2");
    }

    @Test
    void copyAndVerifyRedisToPostgresAndBack() throws IOException {
        List<SessionRecord> records = sessions(400, null);
        store(redis, records);

        Cli.Run copy = Cli.run(dir, "copy", "--from", config(redisProps), "--to", config(pgProps), "--page-size", "50");
        assertThat(copy.expect(0).out()).startsWith("copied 400, skipped 0, failed 0");
        assertThat(copy.err()).contains("copied ");
        for (SessionRecord r : records) {
            SessionRecord c = postgres.load(r.key()).orElseThrow();
            assertThat(c.version()).isEqualTo(r.version());
            assertThat(c.expiresAt()).isEqualTo(r.expiresAt());
            assertThat(c.lastAccessedAt()).isEqualTo(r.lastAccessedAt());
        }
        Cli.run(dir, "verify", "--from", config(redisProps), "--to", config(pgProps))
                .expect(0);

        Path back = Cli.write(
                dir,
                "redis2.properties",
                "sessionkit.store=redis",
                "sessionkit.redis.uri=" + redisNs.server(),
                "sessionkit.redis.key-prefix=" + redisNs.name() + "back:");
        JsonNode again = json(Cli.run(dir, "--json", "copy", "--from", config(pgProps), "--to", back.toString())
                .expect(0));
        assertThat(again.get("copied").asLong()).isEqualTo(400);
        assertThat(again.get("complete").asBoolean()).isTrue();
        JsonNode verified = json(Cli.run(dir, "--json", "verify", "--from", config(pgProps), "--to", back.toString())
                .expect(0));
        assertThat(verified.get("clean").asBoolean()).isTrue();
        assertThat(verified.get("checked").asLong()).isEqualTo(400);

        // A second copy skips everything and overwrites nothing.
        assertThat(Cli.run(dir, "copy", "--from", config(redisProps), "--to", config(pgProps))
                        .expect(0)
                        .out())
                .startsWith("copied 0, skipped 400, failed 0");
    }

    @Test
    void aCopyStoppedAtItsCheckpointResumes() {
        store(redis, sessions(300, null));
        String from = config(redisProps);
        String to = config(pgProps);

        Cli.Run first = Cli.run(dir, "copy", "--from", from, "--to", to, "--page-size", "50", "--max-pages", "2");
        assertThat(first.expect(0).out()).contains("stopped at the checkpoint");
        assertThat(dir.resolve("sessionkit-copy.checkpoint")).isRegularFile();
        assertThat(Cli.run(dir, "copy", "--from", from, "--to", to).expect(2).err())
                .contains("add --resume");
        Cli.run(dir, "copy", "--from", to, "--to", from, "--resume").expect(2);

        Cli.Run rest = Cli.run(dir, "copy", "--from", from, "--to", to, "--page-size", "50", "--resume");
        assertThat(rest.expect(0).out()).contains("failed 0").doesNotContain("stopped");
        assertThat(dir.resolve("sessionkit-copy.checkpoint")).doesNotExist();
        Cli.run(dir, "verify", "--from", from, "--to", to).expect(0);
        assertThat(Cli.run("--config", to, "count").expect(0).out().strip()).isEqualTo("300");
    }

    @Test
    void aResumedCopyRetriesTheSessionsThatFailed() throws Exception {
        List<SessionRecord> records = sessions(30, null);
        store(redis, records);
        List<SessionRecord> refused = records.subList(0, 5);
        String table = pgNs.name();
        // PostgreSQL itself refuses these five inserts (a trigger), until the test lifts it: a real failing target.
        try (Connection c = DriverManager.getConnection(pgNs.server());
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + "_refused (k VARCHAR(64) PRIMARY KEY)");
            for (SessionRecord r : refused) {
                s.execute(
                        "INSERT INTO " + table + "_refused VALUES ('" + r.key().value() + "')");
            }
            s.execute("CREATE FUNCTION " + table + "_refuse() RETURNS trigger AS $$ BEGIN IF EXISTS (SELECT 1 FROM "
                    + table + "_refused WHERE k = NEW.session_id) THEN RAISE EXCEPTION 'refused by the test';"
                    + " END IF; RETURN NEW; END $$ LANGUAGE plpgsql");
            s.execute("CREATE TRIGGER " + table + "_refuse BEFORE INSERT ON " + table
                    + " FOR EACH ROW EXECUTE FUNCTION " + table + "_refuse()");
        }
        String from = config(redisProps);
        String to = config(pgProps);
        Path checkpoint = dir.resolve("sessionkit-copy.checkpoint");
        try {
            JsonNode first = json(
                    Cli.run(dir, "--json", "copy", "--from", from, "--to", to).expect(1));
            assertThat(first.get("copied").asLong()).isEqualTo(25);
            assertThat(first.get("failed").asLong()).isEqualTo(5);
            assertThat(first.get("complete").asBoolean()).isTrue();
            assertThat(first.get("retryable").asLong()).isEqualTo(5);
            assertThat(first.get("notRetryable").asLong()).isZero();
            Properties kept = load(checkpoint);
            assertThat(kept.getProperty("cursor")).as("the scan was complete").isEmpty();
            assertThat(kept.getProperty("failed").split(","))
                    .containsExactlyInAnyOrderElementsOf(
                            refused.stream().map(r -> r.key().value()).toList());

            Cli.Run stillRefused =
                    Cli.run(dir, "copy", "--from", from, "--to", to, "--resume").expect(1);
            assertThat(stillRefused.out())
                    .contains("copied 0, skipped 0, failed 5")
                    .contains("run again with --resume");
            assertThat(load(checkpoint).getProperty("failed").split(",")).hasSize(5);

            try (Connection c = DriverManager.getConnection(pgNs.server());
                    Statement s = c.createStatement()) {
                s.execute("DELETE FROM " + table + "_refused");
            }
            Cli.Run resumed =
                    Cli.run(dir, "copy", "--from", from, "--to", to, "--resume").expect(0);
            assertThat(resumed.out()).contains("copied 5, skipped 0, failed 0");
            assertThat(checkpoint).doesNotExist();
            Cli.run(dir, "verify", "--from", from, "--to", to).expect(0);
        } finally {
            try (Connection c = DriverManager.getConnection(pgNs.server());
                    Statement s = c.createStatement()) {
                s.execute("DROP FUNCTION IF EXISTS " + table + "_refuse() CASCADE");
                s.execute("DROP TABLE IF EXISTS " + table + "_refused");
            }
        }
    }

    @Test
    void verifyReportsDifferencesWithExitOne() throws IOException {
        List<SessionRecord> records = sessions(10, null);
        store(redis, records);
        store(postgres, records.subList(0, 8));
        store(postgres, sessions(1, null));

        Cli.Run run = Cli.run(dir, "verify", "--from", config(redisProps), "--to", config(pgProps))
                .expect(1);
        assertThat(run.out())
                .contains("missing 2")
                .contains("extra 1")
                .contains(records.get(9).key().shortForm());
        JsonNode v = json(Cli.run(dir, "verify", "--json", "--from", config(redisProps), "--to", config(pgProps))
                .expect(1));
        assertThat(v.get("missing").asLong()).isEqualTo(2);
        assertThat(v.get("clean").asBoolean()).isFalse();
    }

    @Test
    void doctorChecksEachStore() throws IOException {
        Cli.Run r = Cli.run("--config", config(redisProps), "doctor").expect(0);
        assertThat(r.out()).contains("connect").contains("PRINCIPAL_INDEX").contains("clock ");
        assertThat(r.out()).doesNotContain("FAIL").doesNotContain(redisNs.server());
        JsonNode pg =
                json(Cli.run("--json", "--config", config(pgProps), "doctor").expect(0));
        assertThat(pg.get("ok").asBoolean()).isTrue();
        assertThat(pg.get("store").asText()).isEqualTo("jdbc");
        List<String> names = new ArrayList<>();
        pg.get("checks").forEach(c -> names.add(c.get("name").asText()));
        assertThat(names).containsExactly("connect", "ping", "features", "schema", "clock");
        assertThat(pg.get("checks").get(4).get("detail").asText()).contains("ms");
    }

    @Test
    void badUsagePrintsTheUsageAndExitsTwo() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"frobnicate"},
                new String[] {"count", "--no-such-option"},
                new String[] {"kill"},
                new String[] {"kill", "--key", "a", "--principal", "b"},
                new String[] {"list"},
                new String[] {"count", "--page-size", "many"},
                new String[] {"copy", "--from", "redis"})) {
            Cli.Run run = Cli.run(args).expect(2);
            assertThat(run.err()).as("stderr of %s", List.of(args)).contains("Usage: sessionkit");
        }
        Cli.Run missingFile = Cli.run("--config", dir.resolve("nope.properties").toString(), "count")
                .expect(2);
        assertThat(missingFile.errLines()).hasSize(1);
        Cli.Run unknownStore = Cli.run("--store", "redsi", "count").expect(2);
        assertThat(unknownStore.err()).contains("redis");
        Cli.run("--config", config(redisProps), "show", "--key", "x!").expect(2);
        assertThat(Cli.run("--help").expect(0).out())
                .contains("copy")
                .contains("doctor")
                .contains("Exit codes");
    }

    @Test
    void aStoreThatIsDownGivesOneLineAndExitThree() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String redisDown = "sessionkit.redis.uri=redis://127.0.0.1:" + port;
        String pgDown =
                "sessionkit.jdbc.url=jdbc:postgresql://127.0.0.1:" + port + "/test?user=nobody&password=hunter2";
        for (String[] args : List.of(
                new String[] {"--store", "redis", "-D", redisDown, "count"},
                new String[] {"--store", "redis", "-D", redisDown, "doctor"},
                new String[] {"--store", "jdbc", "-D", pgDown, "count"},
                new String[] {"--store", "jdbc", "-D", pgDown, "kill", "--principal", "x"},
                new String[] {"copy", "--from", config(redisProps), "--to", "jdbc", "-D", pgDown})) {
            Cli.Run run = Cli.run(dir, args).expect(3);
            List<String> err = run.errLines();
            assertThat(err).as("stderr of %s", List.of(args)).hasSize(1);
            assertThat(err.get(0))
                    .doesNotContain("hunter2")
                    .doesNotContain("Exception:")
                    .doesNotContain("\tat ");
        }
        Cli.Run debug =
                Cli.run("--store", "redis", "-D", redisDown, "--debug", "count").expect(3);
        assertThat(debug.err()).contains("\tat ");
    }
}
