package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit as production runs it: over TLS (server authentication with the run's own CA, hostname
 * verified) as a Redis user holding only the minimal ACL that session-redis's README documents, the password given
 * apart from the URI. A command or key the store needs and the ACL lacks fails the rule that uses it with
 * {@code NOPERM}. The tests' own raw client (the backdoor) uses the default user on the plain port.
 */
class RedisAclConformanceTest extends SessionStoreConformanceKit {
    /** The minimal ACL of session-redis's README ("Least privilege"), for the default key prefix family {@code sk:}. */
    static final String MINIMAL_ACL = "resetkeys ~sk:* resetchannels -@all +get +mget +set +getrange +unlink +pexpire"
            + " +pttl +zadd +zrem +zrange +zrangebyscore +zremrangebyscore +zscore +scan +eval +evalsha +ping +info"
            + " +client|setname";

    static final String USER = "sessionkit";
    static final String PASSWORD = "acl-" + Long.toHexString(System.nanoTime());

    private static ServerProcess server;
    private static TestCertificates certs;
    private static int tlsPort;
    private static UnifiedJedis raw;

    private static synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            certs = TestCertificates.create(Files.createTempDirectory("sk-redis-acl"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tlsPort = ServerProcess.freePort();
        ServerProcess started = ServerProcess.redis(
                "acl-tls",
                certs.redisArgs(tlsPort, certs.serverCertificate(), certs.serverKey(), false)
                        .toArray(String[]::new));
        try (Jedis admin = new Jedis("127.0.0.1", started.port())) {
            List<String> rules = new ArrayList<>(List.of("reset", "on", ">" + PASSWORD));
            rules.addAll(List.of(MINIMAL_ACL.split(" ")));
            admin.aclSetUser(USER, rules.toArray(String[]::new));
        }
        raw = RawClients.standalone(new HostAndPort("127.0.0.1", started.port()));
        server = started;
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            TestResources.closeAll(raw, server);
        } finally {
            raw = null;
            server = null;
        }
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        start();
        return RedisSessionStore.builder()
                .uri("rediss://127.0.0.1:" + tlsPort)
                .trustPem(certs.caCertificate())
                .username(USER)
                .password(PASSWORD)
                .keyPrefix("sk:tck:" + ctx.namespace() + ":")
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, raw, List.of(raw)));
    }

    /** As {@link RedisConformanceTest}: SCAN may repeat a key when Redis resizes its keyspace table (README, Scan). */
    @Override
    protected boolean scanMayRepeat() {
        return true;
    }

    /** As {@link RedisConformanceTest}: the README's bound, over every key of this private server. */
    @Override
    protected int scanCallLimit(int live, int pageSize) {
        start();
        return ScanBound.calls(live, pageSize, List.of(raw));
    }
}
