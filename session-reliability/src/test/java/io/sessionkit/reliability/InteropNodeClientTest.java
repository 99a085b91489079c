package io.sessionkit.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sessionkit.ExpiryPolicy;
import io.sessionkit.SaveResult;
import io.sessionkit.Session;
import io.sessionkit.SessionKey;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionRecord;
import io.sessionkit.SessionStore;
import io.sessionkit.StoreFeature;
import io.sessionkit.memcached.MemcachedSessionStore;
import io.sessionkit.redis.RedisBackdoor;
import io.sessionkit.redis.RedisSessionStore;
import io.sessionkit.testing.TestServers;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Issue 14 item 17: a client in another language, written from {@code docs/FORMAT.md} alone, reads SessionKit sessions
 * on Redis, PostgreSQL, memcached and MongoDB and changes them with the documented compare-and-set write protocol, and
 * the Java side sees exactly what it wrote, also while Java requests write the same session at the same time.
 *
 * <p>The client is {@code src/test/node/client.js} (Node.js; {@code ioredis}, {@code pg} and {@code mongodb} pinned by
 * its {@code package-lock.json}; memcached over a plain socket). It is copied to {@code target/node-interop} and installed
 * there with {@code npm ci} when its lock file changed; on Redis it is handed the text of the store's own replace
 * script, taken from the store's code at run time, as FORMAT.md tells foreign writers to use it. Every process runs
 * under a bounded timeout.
 */
class InteropNodeClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration MAX_IDLE = Duration.ofMinutes(30);
    private static final Duration ABSOLUTE = Duration.ofHours(12);
    /** Not ASCII, so a client that hashed the principal in any encoding but UTF-8 would miss the index. */
    private static final String PRINCIPAL = "Zoë Ångström";

    private static final int NODE_INCREMENTS = 150;
    private static final int JAVA_THREADS = 3;

    private static Path clientDir;
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** The two backends item 17 names, memcached and MongoDB, as an application configures them. */
    static Stream<Backend> backends() {
        return Stream.of(
                new Backends.Redis(), new Backends.Jdbc("postgres"), new Backends.Memcached(), new Backends.Mongo());
    }

    @BeforeAll
    static void installClient() throws Exception {
        String version = run(List.of("node", "--version"), Path.of("."), Duration.ofSeconds(20), "node --version");
        assertThat(version.strip()).as("Node.js version").matches("v(1[89]|[2-9][0-9])\\..*");
        Path source = Path.of("src", "test", "node");
        clientDir = Path.of("target", "node-interop").toAbsolutePath();
        Files.createDirectories(clientDir);
        for (String f : List.of("package.json", "package-lock.json", "client.js")) {
            Files.copy(source.resolve(f), clientDir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        String lockHash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(Files.readAllBytes(source.resolve("package-lock.json"))));
        Path marker = clientDir.resolve("node_modules").resolve(".sessionkit-lock-sha256");
        if (!Files.exists(marker) || !Files.readString(marker).equals(lockHash)) {
            run(
                    List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"),
                    clientDir,
                    NPM_TIMEOUT,
                    "npm ci in " + clientDir + " (the npm registry must be reachable; or run it there by hand)");
            Files.writeString(marker, lockHash);
        }
        Files.writeString(clientDir.resolve("replace.lua"), RedisBackdoor.replaceScript());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @DisplayName("14.17 a Node.js client reads a session, CAS-writes it by FORMAT.md, and Java sees the change")
    void item17_nodeReadsAndCasWritesASessionThatJavaThenSees(Backend backend) throws Exception {
        try (Fixture fixture = new Fixture(backend)) {
            SessionStore store = fixture.open();
            SessionManager manager = manager(store);
            Session created = manager.create();
            created.setPrincipal(PRINCIPAL);
            created.setAttribute("counter", 41);
            created.setAttribute("cart", List.of("apple", "pear"));
            created.setAttribute("prefs", Map.of("lang", "fr", "dark", true, "ratio", 0.25));
            // On PostgreSQL a NUL makes data a JSON string, not an object (JSONB cannot hold U+0000).
            created.setAttribute("label", "before\u0000after");
            // MongoDB escapes '.' in attribute names (%2E): the client unescapes on read and escapes on write.
            created.setAttribute("a.b", "dotted");
            assertThat(manager.save(created)).isEqualTo(SaveResult.CREATED);
            String id = created.id().value();
            SessionKey key = created.id().key();
            SessionRecord stored = store.load(key).orElseThrow();

            JsonNode out = node(job(backend, fixture, id, "update")
                    .put("times", 1)
                    .<ObjectNode>set("increment", JSON.valueToTree(List.of("counter")))
                    .set("set", JSON.valueToTree(Map.of("fromNode", "written by node", "n", 7))));

            // What Node read: the key it derived from the id, and the record field by field.
            assertThat(out.path("key").asText())
                    .as("base64url(SHA-256(ASCII id)) computed by Node")
                    .isEqualTo(key.value());
            JsonNode read = out.path("read");
            assertThat(read.path("v").asLong()).isEqualTo(stored.version());
            assertThat(read.path("c").asLong()).isEqualTo(stored.createdAt().toEpochMilli());
            assertThat(read.path("a").asLong())
                    .isEqualTo(stored.lastAccessedAt().toEpochMilli());
            assertThat(read.path("e").asLong()).isEqualTo(stored.expiresAt().toEpochMilli());
            assertThat(read.path("mi").asLong()).isEqualTo(stored.maxIdle().toSeconds());
            assertThat(read.path("p").asText()).isEqualTo(PRINCIPAL);
            assertThat(read.path("attrs")).isEqualTo(JSON.readTree(stored.attributes()));
            if (backend instanceof Backends.Jdbc) {
                assertThat(read.path("dataType").asText())
                        .as("PostgreSQL data of attributes holding U+0000")
                        .isEqualTo("string");
            }

            // What Node wrote, seen by Java.
            assertThat(out.path("result").asText()).isEqualTo("OK");
            JsonNode written = out.path("writes").get(0);
            Session seen = manager.find(id).orElseThrow(() -> new AssertionError("Java lost the session Node wrote"));
            assertThat(seen.version())
                    .isEqualTo(stored.version() + 1)
                    .isEqualTo(written.path("v").asLong());
            assertThat(seen.getAttribute("counter", Long.class)).isEqualTo(42L);
            assertThat(seen.getAttribute("fromNode")).isEqualTo("written by node");
            assertThat(seen.getAttribute("n", Long.class)).isEqualTo(7L);
            assertThat(seen.getAttribute("cart")).isEqualTo(List.of("apple", "pear"));
            assertThat(seen.getAttribute("prefs")).isEqualTo(Map.of("lang", "fr", "dark", true, "ratio", 0.25));
            assertThat(seen.getAttribute("label")).isEqualTo("before\u0000after");
            assertThat(seen.getAttribute("a.b")).isEqualTo("dotted");
            assertThat(seen.principal()).hasValue(PRINCIPAL);
            assertThat(seen.maxIdle()).isEqualTo(MAX_IDLE);
            assertThat(seen.createdAt()).isEqualTo(stored.createdAt());
            long a = written.path("a").asLong();
            assertThat(seen.previousAccessAt().toEpochMilli())
                    .as("a as stored")
                    .isEqualTo(a)
                    .isGreaterThanOrEqualTo(stored.lastAccessedAt().toEpochMilli());
            assertThat(seen.expiresAt().toEpochMilli())
                    .as("e = min(a + mi, c + absolute timeout)")
                    .isEqualTo(
                            Math.min(a + MAX_IDLE.toMillis(), stored.createdAt().toEpochMilli() + ABSOLUTE.toMillis()))
                    .isEqualTo(written.path("e").asLong());
            if (store.features().contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThat(manager.findByPrincipal(PRINCIPAL))
                        .extracting(info -> info.key())
                        .containsExactly(key);
            }

            long e = seen.expiresAt().toEpochMilli();
            if (backend instanceof Backends.Redis) {
                assertRedisUpkeep(fixture, store, key, e, out.path("ttlMs").asLong(), a);
            } else if (backend instanceof Backends.Jdbc) {
                assertPostgresRow(fixture, key, e);
            } else if (backend instanceof Backends.Memcached) {
                // memcached's remaining lifetime, whole seconds, as Node read it right after its write: e + grace.
                long grace = MemcachedSessionStore.DEFAULT_EXPIRY_GRACE.toMillis();
                assertThat(out.path("ttlMs").asLong())
                        .as("item exptime")
                        .isPositive()
                        .isLessThanOrEqualTo(e + grace - a + 1000)
                        .isGreaterThan(e + grace - a - NODE_TIMEOUT.toMillis());
            }

            // Java writes again on top of Node's version: the compare-and-set chain goes on.
            assertThat(manager.update(id, s -> s.setAttribute("counter", s.getAttribute("counter", Long.class) + 1)))
                    .hasValueSatisfying(s -> assertThat(s.version()).isEqualTo(stored.version() + 2));
            manager.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @DisplayName(
            "14.17 Node never extends a session past its absolute timeout, and never brings back an invalidated one")
    void item17_nodeKeepsTheAbsoluteTimeoutAndNeverResurrects(Backend backend) throws Exception {
        try (Fixture fixture = new Fixture(backend)) {
            SessionStore store = fixture.open();
            SessionManager manager = manager(store);
            Session created = manager.create();
            // An idle timeout beyond the absolute one: expiry is capped at createdAt + absolute timeout.
            created.setMaxIdle(Duration.ofDays(1));
            created.setAttribute("counter", 1);
            manager.save(created);
            String id = created.id().value();
            SessionRecord stored = store.load(created.id().key()).orElseThrow();
            long cap = stored.createdAt().toEpochMilli() + ABSOLUTE.toMillis();
            assertThat(stored.expiresAt().toEpochMilli()).isEqualTo(cap);

            JsonNode out = node(job(backend, fixture, id, "update")
                    .<ObjectNode>set("increment", JSON.valueToTree(List.of("counter"))));
            assertThat(out.path("result").asText()).isEqualTo("OK");
            Session seen = manager.find(id).orElseThrow();
            assertThat(seen.getAttribute("counter", Long.class)).isEqualTo(2L);
            assertThat(seen.previousAccessAt().toEpochMilli())
                    .isEqualTo(out.path("writes").get(0).path("a").asLong());
            assertThat(seen.expiresAt().toEpochMilli())
                    .as("capped by the absolute timeout, not a + mi")
                    .isEqualTo(cap);

            manager.invalidate(seen);
            JsonNode gone = node(job(backend, fixture, id, "update")
                    .<ObjectNode>set("increment", JSON.valueToTree(List.of("counter"))));
            assertThat(gone.path("read").isNull())
                    .as("Node reads an invalidated session as absent")
                    .isTrue();
            assertThat(gone.path("result").asText()).isEqualTo("GONE");
            assertThat(gone.path("writes")).isEmpty();
            assertThat(store.load(created.id().key()))
                    .as("nothing written back")
                    .isEmpty();
            assertThat(manager.find(id)).isEmpty();
            manager.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    @DisplayName("14.17 Node CAS increments racing Java manager.update increments of the same counter: none is lost")
    void item17_nodeAndJavaIncrementTheSameCounterConcurrentlyAndNoneIsLost(Backend backend) throws Exception {
        try (Fixture fixture = new Fixture(backend)) {
            SessionManager manager = manager(fixture.open());
            Session created = manager.create();
            created.setPrincipal(PRINCIPAL);
            created.setAttribute("counter", 0);
            manager.save(created);
            String id = created.id().value();

            // Node: NODE_INCREMENTS writes, each incrementing the shared counter and its own one, reload-and-retry on
            // CONFLICT; its first write waits until Java has written over what it loaded, so at least one CONFLICT is
            // certain. Java: threads incrementing the shared counter and their own one for as long as Node runs.
            NodeRun nodeProcess = startNode(job(backend, fixture, id, "update")
                    .put("times", NODE_INCREMENTS)
                    .put("maxAttempts", 10_000)
                    .put("staleFirst", true)
                    .set("increment", JSON.valueToTree(List.of("counter", "nodeCount"))));
            long deadline = System.nanoTime() + NODE_TIMEOUT.toNanos();
            AtomicInteger javaIncrements = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(JAVA_THREADS);
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < JAVA_THREADS; t++) {
                workers.add(pool.submit(() -> {
                    while (nodeProcess.process().isAlive() && System.nanoTime() < deadline) {
                        Session s = manager.update(id, x -> {
                                    x.setAttribute("counter", x.getAttribute("counter", Long.class) + 1);
                                    Long mine = x.getAttribute("javaCount", Long.class);
                                    x.setAttribute("javaCount", mine == null ? 1 : mine + 1);
                                })
                                .orElseThrow(() -> new AssertionError("Java lost the session during the race"));
                        assertThat(s.version()).isGreaterThan(1);
                        javaIncrements.incrementAndGet();
                    }
                    return null;
                }));
            }
            JsonNode out = finishNode(nodeProcess);
            pool.shutdown();
            for (Future<?> w : workers) {
                w.get(NODE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

            assertThat(out.path("result").asText()).isEqualTo("OK");
            assertThat(out.path("writes")).hasSize(NODE_INCREMENTS);
            int java = javaIncrements.get();
            assertThat(java).as("Java increments made while Node ran").isPositive();
            assertThat(out.path("conflicts").asInt())
                    .as("Node's writes met Java's (CONFLICT, reload, re-apply)")
                    .isPositive();
            Session end = manager.find(id).orElseThrow();
            assertThat(end.getAttribute("counter", Long.class))
                    .as("Java increments + Node increments, nothing lost")
                    .isEqualTo((long) java + NODE_INCREMENTS);
            assertThat(end.getAttribute("nodeCount", Long.class)).isEqualTo((long) NODE_INCREMENTS);
            assertThat(end.getAttribute("javaCount", Long.class)).isEqualTo((long) java);
            assertThat(end.version())
                    .as("one version per write, from either side")
                    .isEqualTo(1L + java + NODE_INCREMENTS);
            assertThat(end.principal()).hasValue(PRINCIPAL);
            if (manager.store().features().contains(StoreFeature.PRINCIPAL_INDEX)) {
                assertThat(manager.findByPrincipal(PRINCIPAL))
                        .extracting(info -> info.key())
                        .containsExactly(created.id().key());
            }
            Figures.record(
                    "interop",
                    backend.name(),
                    java + " Java and " + NODE_INCREMENTS + " Node increments, "
                            + out.path("conflicts").asInt() + " Node conflicts, counter "
                            + end.getAttribute("counter"));
            manager.close();
        }
    }

    // ---- checks of what the store holds beyond the record ----

    private static void assertRedisUpkeep(
            Fixture fixture, SessionStore store, SessionKey key, long expiresAt, long ttlSeenByNode, long writtenAt) {
        String prefix = Backends.keyPrefix(fixture.namespace);
        String index = RedisBackdoor.indexKey(store, PRINCIPAL);
        long grace = RedisSessionStore.DEFAULT_EXPIRY_GRACE.toMillis();
        try (Jedis jedis = jedis()) {
            assertThat(jedis.zscore(index, key.value()))
                    .as("principal index member scored by e")
                    .isEqualTo((double) expiresAt);
            List<String> indexes = new ArrayList<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.scan(
                        cursor, new ScanParams().match(prefix + "p:*").count(1000));
                indexes.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertThat(indexes)
                    .as("no index under another hash of the principal")
                    .containsExactly(index);
            long ttl = jedis.pttl(index);
            assertThat(ttl)
                    .as("index expires grace after its latest member")
                    .isPositive()
                    .isLessThanOrEqualTo(expiresAt + grace - writtenAt);
        }
        // The session key's native expiry, as Node read it right after its write: e + grace + the expired-record
        // retention (so a sweep can still read a claimed record's principal), from the write's clock.
        long retention = RedisSessionStore.DEFAULT_EXPIRED_RETENTION.toMillis();
        assertThat(ttlSeenByNode)
                .isPositive()
                .isLessThanOrEqualTo(expiresAt + grace + retention - writtenAt)
                .isGreaterThan(expiresAt + grace + retention - writtenAt - NODE_TIMEOUT.toMillis());
    }

    private static void assertPostgresRow(Fixture fixture, SessionKey key, long expiresAt) throws SQLException {
        String table = Backends.Jdbc.table(fixture.namespace);
        try (Connection c = DriverManager.getConnection(TestServers.postgresUrl());
                PreparedStatement ps = c.prepareStatement(
                        "SELECT jsonb_typeof(data), expires_at, principal FROM " + table + " WHERE session_id = ?")) {
            ps.setString(1, key.value());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1))
                        .as("Node kept the JSON-string form for attributes holding U+0000")
                        .isEqualTo("string");
                assertThat(rs.getLong(2)).isEqualTo(expiresAt);
                assertThat(rs.getString(3)).isEqualTo(PRINCIPAL);
            }
        }
    }

    // ---- the Node client ----

    private static SessionManager manager(SessionStore store) {
        return SessionManager.builder(store)
                .expiryPolicy(ExpiryPolicy.of(MAX_IDLE, ABSOLUTE))
                .maxRetries(1_000)
                .build();
    }

    private static ObjectNode job(Backend backend, Fixture fixture, String id, String action) {
        ObjectNode job = JSON.createObjectNode()
                .put("id", id)
                .put("action", action)
                .put("absoluteTimeoutMs", ABSOLUTE.toMillis());
        if (backend instanceof Backends.Redis) {
            // The client follows FORMAT.md's contract of the replace script: 9 arguments, the 8th a writer token.
            assertThat(RedisBackdoor.replaceScript())
                    .as(
                            "the Redis replace script takes the ARGV of docs/FORMAT.md (relative PX TTL 3rd, writer token 8th,"
                                    + " expected version 9th); a store without writer tokens goes with the FORMAT.md of its own version")
                    .contains("ARGV[9]", "'PX', ARGV[3]");
            URI u = TestServers.redisUri();
            job.put("backend", "redis")
                    .putObject("redis")
                    .put("host", u.getHost())
                    .put("port", u.getPort() < 0 ? 6379 : u.getPort())
                    .put("prefix", Backends.keyPrefix(fixture.namespace))
                    .put("graceMs", RedisSessionStore.DEFAULT_EXPIRY_GRACE.toMillis())
                    .put("retentionMs", RedisSessionStore.DEFAULT_EXPIRED_RETENTION.toMillis())
                    .put("replaceScriptFile", clientDir.resolve("replace.lua").toString());
        } else if (backend instanceof Backends.Memcached) {
            InetSocketAddress memcached = TestServers.memcachedAddresses().get(0);
            job.put("backend", "memcached")
                    .putObject("memcached")
                    .put("host", memcached.getHostString())
                    .put("port", memcached.getPort())
                    .put("prefix", Backends.keyPrefix(fixture.namespace))
                    .put("graceMs", MemcachedSessionStore.DEFAULT_EXPIRY_GRACE.toMillis());
        } else if (backend instanceof Backends.Mongo) {
            job.put("backend", "mongo")
                    .putObject("mongo")
                    .put("uri", TestServers.mongoUri())
                    .put("database", Backends.Mongo.database(fixture.namespace))
                    .put("collection", "sessions");
        } else {
            // jdbc:postgresql://host:port/db?user=...&password=...
            URI u = URI.create(TestServers.postgresUrl().substring("jdbc:".length()));
            ObjectNode pg = job.put("backend", "postgres")
                    .putObject("postgres")
                    .put("host", u.getHost())
                    .put("port", u.getPort() < 0 ? 5432 : u.getPort())
                    .put("database", u.getPath().substring(1))
                    .put("user", "postgres")
                    .put("table", Backends.Jdbc.table(fixture.namespace));
            if (u.getQuery() != null) {
                for (String param : u.getQuery().split("&", -1)) {
                    String[] kv = param.split("=", 2);
                    if (kv.length == 2 && Set.of("user", "password").contains(kv[0])) {
                        pg.put(kv[0], kv[1]);
                    }
                }
            }
        }
        return job;
    }

    private static JsonNode node(ObjectNode job) throws Exception {
        return finishNode(startNode(job));
    }

    private record NodeRun(Process process, Path stdout, Path stderr, String description) {}

    private static NodeRun startNode(ObjectNode job) throws IOException {
        int n = RUNS.incrementAndGet();
        Path stdout = clientDir.resolve("run-" + n + ".out");
        Path stderr = clientDir.resolve("run-" + n + ".err");
        String description = "node client.js (" + job.path("backend").asText() + ", "
                + job.path("action").asText() + ")";
        ProcessBuilder pb = new ProcessBuilder("node", "client.js", JSON.writeValueAsString(job))
                .directory(clientDir.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        return new NodeRun(pb.start(), stdout, stderr, description);
    }

    private static JsonNode finishNode(NodeRun run) throws Exception {
        if (!run.process().waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            run.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail(run.description() + " did not finish within " + NODE_TIMEOUT.toSeconds() + " s; stderr: "
                    + Files.readString(run.stderr()));
        }
        String err = Files.readString(run.stderr(), StandardCharsets.UTF_8);
        if (run.process().exitValue() != 0) {
            fail(run.description() + " exited with " + run.process().exitValue() + ": " + err);
        }
        String out = Files.readString(run.stdout(), StandardCharsets.UTF_8);
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new AssertionError(run.description() + " printed no JSON result: '" + out + "'; stderr: " + err, e);
        }
    }

    /** Runs a command to completion within {@code timeout}; its output, or a failure that says what went wrong. */
    private static String run(List<String> command, Path dir, Duration timeout, String what) throws Exception {
        Path output = Files.createTempFile("interop-", ".log");
        try {
            Process p;
            try {
                p = new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
            } catch (IOException e) {
                throw new AssertionError(
                        what + ": cannot start '" + command.get(0) + "' (" + e.getMessage()
                                + "). Node.js 18+ with npm is required on every machine that builds SessionKit; install it"
                                + " (e.g. `apt-get install nodejs npm`) and put node and npm on the PATH.",
                        e);
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                fail(what + " did not finish within " + timeout.toSeconds() + " s; output: "
                        + Files.readString(output));
            }
            String text = Files.readString(output);
            if (p.exitValue() != 0) {
                fail(what + " failed with exit code " + p.exitValue() + ": " + text);
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Jedis jedis() {
        URI u = TestServers.redisUri();
        return new Jedis(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort(), 5000);
    }
}
