package io.sessionkit.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sessionkit.Session;
import io.sessionkit.SessionManager;
import io.sessionkit.SessionStoreUnavailableException;
import io.sessionkit.testing.RedisCluster;
import io.sessionkit.testing.ServerProcess;
import io.sessionkit.testing.TestCertificates;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Sentinel and Cluster over TLS, on real {@code redis-server} processes started with {@code --tls-port} and the
 * certificates of {@link TestCertificates}: every server also keeps its plain port, which only this test uses, to
 * read {@code CLIENT LIST} and prove that the store's own connections arrive on the TLS ports.
 *
 * <ul>
 *   <li>Sentinel: a master and a replica replicating over TLS ({@code tls-replication yes}), one Sentinel reached over
 *       TLS and monitoring the master's TLS port. The store follows a failover ({@code SENTINEL FAILOVER}) to the
 *       replica's TLS port.
 *   <li>Cluster: three masters whose bus and replies are TLS ({@code tls-cluster yes}), so {@code CLUSTER SLOTS}
 *       gives TLS clients the TLS ports; sessions spread over every master.
 * </ul>
 *
 * Both also refuse a server whose certificate the client does not trust (the JVM's default trust store has never
 * heard of the test CA).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisTlsTopologyTest {
    private static final String MASTER = "tlsmaster";
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private TestCertificates certs;
    private final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeAll
    void certificates() throws Exception {
        certs = TestCertificates.create(Files.createTempDirectory("sk-redis-tls-topology"));
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        try (var files = Files.walk(certs.dir())) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(f -> f.toFile().delete());
        }
    }

    private <T extends AutoCloseable> T keep(T resource) {
        resources.add(resource);
        return resource;
    }

    /** A redis-server with a plain port (for this test) and TLS on {@code tlsPort}; replication over TLS. */
    private ServerProcess tlsRedis(String name, int tlsPort, String... extra) {
        List<String> args =
                new ArrayList<>(certs.redisArgs(tlsPort, certs.serverCertificate(), certs.serverKey(), false));
        args.addAll(certs.redisOutgoingArgs());
        args.addAll(List.of("--tls-replication", "yes"));
        args.addAll(List.of(extra));
        return keep(ServerProcess.redis(name, args.toArray(String[]::new)));
    }

    @Test
    @DisplayName("Sentinel over TLS: the store finds the master through a TLS Sentinel, talks TLS to it, and follows a"
            + " failover to the replica's TLS port")
    void sentinelOverTls() {
        int masterTls = ServerProcess.freePort();
        ServerProcess master = tlsRedis("tls-sentinel-master", masterTls);
        int replicaTls = ServerProcess.freePort();
        ServerProcess replica = tlsRedis(
                "tls-sentinel-replica", replicaTls, "--replicaof", ServerProcess.HOST, Integer.toString(masterTls));
        int sentinelTls = ServerProcess.freePort();
        ServerProcess sentinel = keep(ServerProcess.redisSentinel(
                "tls-sentinel",
                "tls-port " + sentinelTls,
                "tls-cert-file " + certs.serverCertificate(),
                "tls-key-file " + certs.serverKey(),
                "tls-ca-cert-file " + certs.caCertificate(),
                "tls-auth-clients optional",
                "tls-replication yes",
                "tls-client-cert-file " + certs.clientCertificate(),
                "tls-client-key-file " + certs.clientKey(),
                "sentinel monitor " + MASTER + " " + ServerProcess.HOST + " " + masterTls + " 1",
                "sentinel down-after-milliseconds " + MASTER + " 1000",
                "sentinel failover-timeout " + MASTER + " 5000"));
        await(
                "the replica syncs over TLS and the Sentinel sees it",
                () -> info(replica, "replication").contains("master_link_status:up")
                        && info(sentinel, "sentinel").contains("slaves=1"));

        RedisSessionStore.Builder builder = RedisSessionStore.builder()
                .uri("rediss://" + ServerProcess.HOST)
                .sentinel(MASTER, List.of(ServerProcess.HOST + ":" + sentinelTls))
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT);
        try (RedisSessionStore store =
                refusedUntilTrusted(builder, "an untrusted certificate is refused on the Sentinel connection")) {
            SessionManager manager = SessionManager.builder(store).build();
            Session s = manager.create();
            s.setAttribute("cart", List.of("apple"));
            manager.save(s);
            String id = s.id().value();
            UnifiedJedis masterPlain = keep(RawClients.standalone(HostAndPort.from(master.hostAndPort())));
            assertThat(storeConnectionPorts(master.hostAndPort()))
                    .as("the store's connections to the master arrive on its TLS port")
                    .isNotEmpty()
                    .containsOnly(masterTls);

            assertThat(masterPlain.waitReplicas("any", 1, 5_000)).isEqualTo(1);
            try (Jedis sentinelConnection = new Jedis(HostAndPort.from(sentinel.hostAndPort()))) {
                sentinelConnection.sentinelFailover(MASTER);
            }
            await(
                    "the replica is promoted and the old master follows it",
                    () -> info(replica, "replication").contains("role:master")
                            && info(master, "replication").contains("role:slave"));
            await("the store writes to the promoted replica", () -> {
                try {
                    return manager.update(id, x -> x.setAttribute("after", true))
                                    .isPresent()
                            && !storeConnectionPorts(replica.hostAndPort()).isEmpty();
                } catch (SessionStoreUnavailableException e) {
                    return false; // the old master's connections are switching over
                }
            });
            Session after = manager.find(id).orElseThrow();
            assertThat(after.getAttribute("cart")).isEqualTo(List.of("apple"));
            assertThat(after.getAttribute("after")).isEqualTo(true);
            assertThat(storeConnectionPorts(replica.hostAndPort()))
                    .as("after the failover the store's connections arrive on the replica's TLS port")
                    .isNotEmpty()
                    .containsOnly(replicaTls);
        }
    }

    /**
     * Asserts that {@code builder}'s store, not trusting the test CA, is refused ({@code refusal} says where), then
     * returns the store built trusting it.
     */
    private RedisSessionStore refusedUntilTrusted(RedisSessionStore.Builder builder, String refusal) {
        assertThatThrownBy(() -> builder.build().close())
                .as(refusal)
                .isInstanceOf(SessionStoreUnavailableException.class);
        return builder.trustPem(certs.caCertificate()).build();
    }

    @Test
    @DisplayName("Cluster over TLS: CLUSTER SLOTS names the TLS ports, sessions on every master arrive over TLS")
    void clusterOverTls() {
        RedisCluster cluster = keep(RedisCluster.startTls(3, 0, Duration.ofSeconds(15), certs));
        RedisSessionStore.Builder builder = RedisSessionStore.builder()
                .uri("rediss://" + ServerProcess.HOST)
                .cluster(cluster.tlsNodes())
                .connectTimeout(TIMEOUT)
                .readTimeout(TIMEOUT);
        try (RedisSessionStore store = refusedUntilTrusted(
                builder, "an untrusted certificate is refused while asking a seed node for the topology")) {
            SessionManager manager = SessionManager.builder(store).build();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 60; i++) { // 60 random keys: each master holds some (1 - (2/3)^60 ≈ 1)
                Session s = manager.create();
                s.setAttribute("n", i);
                manager.save(s);
                ids.add(s.id().value());
            }
            for (int i = 0; i < ids.size(); i++) {
                assertThat(manager.find(ids.get(i)).orElseThrow().getAttribute("n"))
                        .isEqualTo(i);
            }
            List<String> plain = cluster.nodes();
            List<String> tls = cluster.tlsNodes();
            for (int i = 0; i < plain.size(); i++) {
                try (UnifiedJedis node = RawClients.standalone(HostAndPort.from(plain.get(i)))) {
                    int tlsPort = HostAndPort.from(tls.get(i)).getPort();
                    assertThat(node.dbSize())
                            .as("master %s holds sessions", plain.get(i))
                            .isPositive();
                    assertThat(storeConnectionPorts(plain.get(i)))
                            .as("the store's connections to %s arrive on its TLS port", plain.get(i))
                            .isNotEmpty()
                            .containsOnly(tlsPort);
                }
            }
        }
    }

    /** The local ports ({@code laddr}) of the connections whose client name the store set ({@code sessionkit…}). */
    private static List<Integer> storeConnectionPorts(String plainHostAndPort) {
        String list;
        try (Jedis connection = new Jedis(HostAndPort.from(plainHostAndPort))) {
            list = connection.clientList();
        }
        List<Integer> ports = new ArrayList<>();
        for (String line : list.lines().toList()) {
            if (!line.contains(" name=sessionkit")) {
                continue;
            }
            for (String field : line.split(" ", -1)) {
                if (field.startsWith("laddr=")) {
                    ports.add(Integer.parseInt(field.substring(field.lastIndexOf(':') + 1)));
                }
            }
        }
        return ports;
    }

    /** {@code INFO section} on a fresh connection: a failover disconnects the clients of the servers it changes. */
    private static String info(ServerProcess server, String section) {
        try (Jedis connection = new Jedis(HostAndPort.from(server.hostAndPort()))) {
            return connection.info(section);
        }
    }

    /** The condition, false while a server drops its connections (it does while a failover changes its role). */
    private static boolean holds(java.util.function.BooleanSupplier condition) {
        try {
            return condition.getAsBoolean();
        } catch (JedisConnectionException e) {
            return false;
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!holds(condition)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            ServerProcess.sleepMillis(50);
        }
    }
}
