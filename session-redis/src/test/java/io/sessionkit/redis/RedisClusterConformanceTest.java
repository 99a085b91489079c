package io.sessionkit.redis;

import io.sessionkit.SessionStore;
import io.sessionkit.tck.SessionStoreConformanceKit;
import io.sessionkit.tck.StoreBackdoor;
import io.sessionkit.tck.TckContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;

/**
 * The whole conformance kit on a real Redis Cluster: six local {@code redis-server} processes (three masters, three
 * replicas) on free ports, started once for the class and killed after it.
 */
class RedisClusterConformanceTest extends SessionStoreConformanceKit {
    private static RedisClusterProcess cluster;
    private static RedisClusterClient keyClient;
    private static final List<UnifiedJedis> MASTERS = new ArrayList<>();

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterProcess.start();
        keyClient = RedisClusterClient.create(HostAndPort.from(cluster.nodes().get(0)));
        for (String m : cluster.masters()) {
            MASTERS.add(RedisClient.create(HostAndPort.from(m)));
        }
        System.out.println("Redis Cluster for the kit: nodes " + cluster.nodes() + ", masters " + cluster.masters());
    }

    @AfterAll
    static void stopCluster() {
        MASTERS.forEach(UnifiedJedis::close);
        MASTERS.clear();
        if (keyClient != null) {
            keyClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected SessionStore createStore(TckContext ctx) {
        if (cluster == null) {
            // The kit probes capabilities before @BeforeAll can run for a nested class's first test.
            startCluster();
        }
        return RedisSessionStore.builder()
                .cluster(cluster.nodes())
                .keyPrefix("sk:tck:" + ctx.namespace() + ":")
                .clock(ctx.clock())
                .build();
    }

    @Override
    protected Optional<StoreBackdoor> backdoor(SessionStore store) {
        return Optional.of(new RedisBackdoor((RedisSessionStore) store, keyClient, MASTERS));
    }
}
