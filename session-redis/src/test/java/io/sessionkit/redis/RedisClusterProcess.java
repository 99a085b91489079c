package io.sessionkit.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;

/**
 * A real Redis Cluster of six local {@code redis-server} processes, three masters and three replicas, on free ports,
 * joined with {@code redis-cli --cluster create}. {@link #close()} kills every node. The node timeout is Redis's
 * default (15 s): a shorter one let a busy CI machine trigger failovers in the middle of the kit.
 */
final class RedisClusterProcess implements AutoCloseable {
    private final List<RedisProcess> nodes = new ArrayList<>();

    private RedisClusterProcess() {
    }

    static RedisClusterProcess start() {
        RedisClusterProcess cluster = new RedisClusterProcess();
        try {
            for (int i = 0; i < 6; i++) {
                cluster.nodes.add(RedisProcess.start("cluster-node" + i, "--cluster-enabled", "yes",
                        "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "15000"));
            }
            cluster.create();
            cluster.awaitOk();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The {@code host:port} of every node. */
    List<String> nodes() {
        return nodes.stream().map(RedisProcess::hostAndPort).toList();
    }

    /** The {@code host:port} of the masters, as the cluster reports them now. */
    List<String> masters() {
        try (RedisClient c = RedisClient.create("127.0.0.1", nodes.get(0).port())) {
            String info = redis.clients.jedis.util.SafeEncoder.encode((byte[]) c.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "NODES"));
            List<String> out = new ArrayList<>();
            for (String line : info.split("\n")) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[2].contains("master") && !f[2].contains("fail")) {
                    out.add(f[1].substring(0, f[1].indexOf('@')));
                }
            }
            return out;
        }
    }

    /** The process of the master that serves {@code key}'s slot now, by {@code CLUSTER NODES}. */
    RedisProcess masterServing(String key) {
        int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot(key);
        try (RedisClient c = RedisClient.create("127.0.0.1", nodes.get(0).port())) {
            String info = redis.clients.jedis.util.SafeEncoder.encode((byte[]) c.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "NODES"));
            for (String line : info.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < f.length; i++) {
                    String[] range = f[i].split("-");
                    if (range[0].startsWith("[")) {
                        continue;
                    }
                    int from = Integer.parseInt(range[0]);
                    int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                        return nodes.stream().filter(n -> n.port() == port).findFirst()
                                .orElseThrow(() -> new IllegalStateException("no process on port " + port));
                    }
                }
            }
            throw new IllegalStateException("no master serves slot " + slot + ":\n" + info);
        }
    }

    private void create() {
        List<String> cmd = new ArrayList<>(List.of(cliBinary(), "--cluster", "create"));
        cmd.addAll(nodes());
        cmd.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            boolean done = p.waitFor(60, TimeUnit.SECONDS);
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!done) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create did not finish in 60 s:\n" + out);
            }
            if (p.exitValue() != 0 || !out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cliBinary() + ": install Redis 7 (apt-get install redis-tools)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitOk() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (RedisProcess node : nodes) {
            try (RedisClient c = RedisClient.create("127.0.0.1", node.port())) {
                while (true) {
                    String info = redis.clients.jedis.util.SafeEncoder.encode((byte[]) c.sendCommand(redis.clients.jedis.Protocol.Command.CLUSTER, "INFO"));
                    if (info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")) {
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("cluster not ok after 30 s: " + info);
                    }
                    RedisProcess.pause(50);
                }
            }
        }
    }

    private static String cliBinary() {
        String server = RedisProcess.serverBinary();
        return server.endsWith("redis-server") && server.contains("/")
                ? server.substring(0, server.length() - "redis-server".length()) + "redis-cli"
                : "redis-cli";
    }

    @Override
    public void close() {
        for (RedisProcess n : nodes) {
            n.close();
        }
    }
}
