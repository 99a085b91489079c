package io.sessionkit.benchmarks;

import io.sessionkit.testing.RedisCluster;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A three-master Redis Cluster for a whole run.sh run, so that no JMH fork starts its own; prints its nodes. */
public final class RedisClusterForRun {
    private RedisClusterForRun() {}

    public static void main(String[] args) throws InterruptedException {
        try (RedisCluster cluster = RedisCluster.start(3, 0, Duration.ofSeconds(5))) {
            System.out.println("nodes=" + String.join(",", cluster.nodes()));
            Thread.sleep(TimeUnit.HOURS.toMillis(4)); // the cluster's lifetime: run.sh kills this process at the end
        }
    }
}
