package io.sessionkit.benchmarks;

import io.sessionkit.testing.RedisCluster;
import java.time.Duration;

/**
 * Starts a three-master Redis Cluster on free local ports for a whole benchmark run, prints
 * {@code nodes=host:port,...} and keeps it up until this process is terminated (the nodes' shutdown hooks stop them) or
 * {@code --max-seconds} (default 4 h) have passed. run.sh uses it so that each JMH fork does not start its own cluster.
 */
public final class RedisClusterForRun {
    private RedisClusterForRun() {}

    public static void main(String[] args) throws InterruptedException {
        long maxSeconds = Options.parse(args, "max-seconds").get("max-seconds", 4 * 3600);
        try (RedisCluster cluster = RedisCluster.start(3, 0, Duration.ofSeconds(5))) {
            System.out.println("nodes=" + String.join(",", cluster.nodes()));
            System.out.flush();
            Thread.sleep(maxSeconds * 1000); // the cluster's lifetime: run.sh kills this process when the run ends
        }
    }
}
