package io.sessionkit.benchmarks;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts a three-master Redis Cluster on free local ports for a whole benchmark run, prints
 * {@code nodes=host:port,...} and keeps it up until this process is terminated (its shutdown hook stops the nodes) or
 * {@code --max-seconds} (default 4 h) have passed. run.sh uses it so that each JMH fork does not start its own cluster.
 */
public final class RedisClusterForRun {
    private RedisClusterForRun() {
    }

    public static void main(String[] args) throws InterruptedException {
        long maxSeconds = args.length == 2 && args[0].equals("--max-seconds") ? Long.parseLong(args[1]) : 4 * 3600;
        List<LocalServer> nodes = LocalServer.redisCluster(3);
        System.out.println("nodes=" + nodes.stream().map(LocalServer::hostAndPort).collect(Collectors.joining(",")));
        System.out.flush();
        try {
            Thread.sleep(maxSeconds * 1000); // the cluster's lifetime: run.sh kills this process when the run ends
        } finally {
            nodes.forEach(LocalServer::close);
        }
    }
}
