package io.sessionkit.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis Cluster of local {@code redis-server} processes ({@link ServerProcess#redis}) on free ports, joined with
 * {@code redis-cli --cluster create} and returned once every node reports {@code cluster_state:ok} with all 16384
 * slots. {@link #close()} kills every node.
 *
 * <p>It reads the topology with {@code CLUSTER NODES} over a plain socket, so it needs no Redis client library; it
 * does not compute key slots (use the client's CRC16, e.g. Jedis's {@code JedisClusterCRC16.getSlot}).
 */
public final class RedisCluster implements AutoCloseable {
    private final List<ServerProcess> nodes = new ArrayList<>();
    private final List<Integer> tlsPorts = new ArrayList<>();
    private final Duration nodeTimeout;

    private RedisCluster(Duration nodeTimeout) {
        this.nodeTimeout = nodeTimeout;
    }

    /**
     * Starts {@code masters} masters with {@code replicasPerMaster} replicas each. {@code nodeTimeout} is
     * {@code cluster-node-timeout}: a short one lets a busy machine trigger failovers in the middle of a test, Redis's
     * default is 15 s.
     */
    public static RedisCluster start(int masters, int replicasPerMaster, Duration nodeTimeout) {
        return start(masters, replicasPerMaster, nodeTimeout, null);
    }

    /**
     * Like {@link #start(int, int, Duration)}, with every node also listening for TLS ({@code --tls-port}, the server
     * certificate of {@code certs}, client certificates optional) and talking TLS on the cluster bus and to its master
     * ({@code tls-cluster yes}, {@code tls-replication yes}). The cluster is joined over TLS, so {@code CLUSTER SLOTS}
     * names the TLS ports ({@link #tlsNodes()}) to TLS clients; the plain ports stay open for the test's own
     * inspection ({@link #clusterNodes()}, {@link #nodes()}).
     */
    public static RedisCluster startTls(
            int masters, int replicasPerMaster, Duration nodeTimeout, TestCertificates certs) {
        return start(masters, replicasPerMaster, nodeTimeout, certs);
    }

    private static RedisCluster start(
            int masters, int replicasPerMaster, Duration nodeTimeout, @Nullable TestCertificates certs) {
        RedisCluster cluster = new RedisCluster(nodeTimeout);
        try {
            for (int i = 0; i < masters * (1 + replicasPerMaster); i++) {
                List<String> args = new ArrayList<>(cluster.nodeArgs());
                if (certs != null) {
                    // With tls-cluster the bus port is the TLS port + 10000: take a TLS port whose pair is free.
                    int tlsPort = ServerProcess.freePortWithBusPort();
                    args.addAll(certs.redisArgs(tlsPort, certs.serverCertificate(), certs.serverKey(), false));
                    args.addAll(certs.redisOutgoingArgs());
                    args.addAll(List.of("--tls-cluster", "yes", "--tls-replication", "yes"));
                    cluster.tlsPorts.add(tlsPort);
                }
                cluster.nodes.add(ServerProcess.redis("cluster-node" + i, args.toArray(String[]::new)));
            }
            List<String> cmd = new ArrayList<>(List.of(ServerProcess.binary("redis-cli")));
            if (certs != null) {
                cmd.addAll(List.of("--tls", "--cacert", certs.caCertificate().toString()));
            }
            cmd.addAll(List.of("--cluster", "create"));
            cmd.addAll(certs != null ? cluster.tlsNodes() : cluster.nodes());
            cmd.addAll(List.of("--cluster-replicas", Integer.toString(replicasPerMaster), "--cluster-yes"));
            String out = ServerProcess.run(
                    Duration.ofSeconds(60), cluster.nodes.get(0).dir(), cmd);
            if (!out.contains("All 16384 slots covered")) {
                throw new IllegalStateException("redis-cli --cluster create failed:\n" + out);
            }
            cluster.awaitOk(Duration.ofSeconds(30));
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private List<String> nodeArgs() {
        return List.of(
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                Long.toString(nodeTimeout.toMillis()));
    }

    /**
     * Starts one more node (same {@code cluster-node-timeout}), joins it as an empty master with
     * {@code redis-cli --cluster add-node}, and returns it once every live node knows it and the cluster is ok. It owns
     * no slot: move some onto it with {@link #reshard}. Not for a TLS cluster.
     */
    public ServerProcess addMaster() {
        if (!tlsPorts.isEmpty()) {
            throw new UnsupportedOperationException("addMaster on a TLS cluster");
        }
        ServerProcess node =
                ServerProcess.redis("cluster-node" + nodes.size(), nodeArgs().toArray(String[]::new));
        nodes.add(node);
        String seed = firstLive().hostAndPort();
        ServerProcess.run(
                Duration.ofSeconds(60),
                node.dir(),
                List.of(ServerProcess.binary("redis-cli"), "--cluster", "add-node", node.hostAndPort(), seed));
        String id = nodeId(node);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (ServerProcess n : nodes) {
            while (n.isAlive()
                    && !RespText.command(n.port(), "CLUSTER", "NODES").contains(id)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("node " + node.hostAndPort() + " not known to " + n.hostAndPort());
                }
                ServerProcess.sleepMillis(50);
            }
        }
        awaitOk(Duration.ofSeconds(30));
        return node;
    }

    /**
     * Moves {@code slots} slots (with their keys, by {@code MIGRATE}) from master {@code from} to master {@code to}
     * with {@code redis-cli --cluster reshard}, while clients keep running: keys of a slot being moved answer
     * {@code ASK} (or {@code TRYAGAIN} for a command whose keys are split between the two nodes) until the slot is
     * done, then {@code MOVED}. {@code from} null takes the slots from every other master, in proportion. Returns the
     * slots {@code to} gained, once every live node agrees on the new layout; bounded by {@code timeout}.
     */
    public List<Integer> reshard(@Nullable ServerProcess from, ServerProcess to, int slots, Duration timeout) {
        List<Integer> before = slotsOf(to);
        ServerProcess.run(
                timeout,
                to.dir(),
                List.of(
                        ServerProcess.binary("redis-cli"),
                        "--cluster",
                        "reshard",
                        to.hostAndPort(),
                        "--cluster-from",
                        from == null ? "all" : nodeId(from),
                        "--cluster-to",
                        nodeId(to),
                        "--cluster-slots",
                        Integer.toString(slots),
                        "--cluster-yes"));
        awaitOk(Duration.ofSeconds(30));
        List<Integer> gained = new ArrayList<>(slotsOf(to));
        gained.removeAll(before);
        return gained;
    }

    /** The node's id in the cluster ({@code CLUSTER MYID}). */
    public String nodeId(ServerProcess node) {
        return RespText.command(node.port(), "CLUSTER", "MYID").trim();
    }

    /** The slots master {@code node} serves now (not those it is importing), by {@code CLUSTER NODES}. */
    public List<Integer> slotsOf(ServerProcess node) {
        List<Integer> out = new ArrayList<>();
        String id = nodeId(node);
        for (String line : clusterNodes().lines().toList()) {
            String[] f = line.trim().split(" ", -1);
            if (f.length < 9 || !f[0].equals(id)) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                if (f[i].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                String[] range = f[i].split("-", -1);
                int lo = Integer.parseInt(range[0]);
                int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
                for (int slot = lo; slot <= hi; slot++) {
                    out.add(slot);
                }
            }
        }
        return out;
    }

    /** The number of keys {@code node} holds in {@code slot} ({@code CLUSTER COUNTKEYSINSLOT}). */
    public long keysInSlot(ServerProcess node, int slot) {
        return Long.parseLong(RespText.command(node.port(), "CLUSTER", "COUNTKEYSINSLOT", Integer.toString(slot))
                .trim());
    }

    /** Whether every live node reports {@code cluster_state:ok} with all 16384 slots now. */
    public boolean isOk() {
        for (ServerProcess node : nodes) {
            if (node.isAlive()) {
                String info = RespText.command(node.port(), "CLUSTER", "INFO");
                if (!info.contains("cluster_state:ok") || !info.contains("cluster_slots_ok:16384")) {
                    return false;
                }
            }
        }
        return true;
    }

    private ServerProcess firstLive() {
        return nodes.stream()
                .filter(ServerProcess::isAlive)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no cluster node is alive"));
    }

    /** The {@code host:port} of every node's TLS port, in start order; empty unless started by {@link #startTls}. */
    public List<String> tlsNodes() {
        return tlsPorts.stream().map(p -> ServerProcess.HOST + ":" + p).toList();
    }

    /** The {@code host:port} of every node, in start order. */
    public List<String> nodes() {
        return nodes.stream().map(ServerProcess::hostAndPort).toList();
    }

    /** The node processes, in start order. */
    public List<ServerProcess> processes() {
        return List.copyOf(nodes);
    }

    /** {@code CLUSTER NODES} as the first live node reports it now. */
    public String clusterNodes() {
        return RespText.command(firstLive().port(), "CLUSTER", "NODES");
    }

    /** The {@code host:port} of the masters that are not failed, as the cluster reports them now. */
    public List<String> masters() {
        List<String> out = new ArrayList<>();
        for (String line : clusterNodes().lines().toList()) {
            String[] f = line.trim().split(" ", -1);
            if (f.length > 2 && f[2].contains("master") && !f[2].contains("fail")) {
                out.add(f[1].substring(0, f[1].indexOf('@')));
            }
        }
        return out;
    }

    /** The process of the live master that serves {@code slot} now, by {@code CLUSTER NODES}. */
    public ServerProcess masterServing(int slot) {
        String info = clusterNodes();
        for (String line : info.lines().toList()) {
            String[] f = line.trim().split(" ", -1);
            if (f.length < 9 || !f[2].contains("master") || f[2].contains("fail")) {
                continue;
            }
            for (int i = 8; i < f.length; i++) {
                String[] range = f[i].split("-", -1);
                if (range[0].startsWith("[")) {
                    continue; // a slot being migrated or imported
                }
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    int port = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1, f[1].indexOf('@')));
                    return nodes.stream()
                            .filter(n -> n.port() == port)
                            .findFirst()
                            .orElseThrow(() -> new IllegalStateException("no process on port " + port));
                }
            }
        }
        throw new IllegalStateException("no master serves slot " + slot + ":\n" + info);
    }

    private void awaitOk(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ServerProcess node : nodes) {
            while (node.isAlive()) {
                String info = RespText.command(node.port(), "CLUSTER", "INFO");
                if (info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cluster not ok after " + timeout + ": " + info);
                }
                ServerProcess.sleepMillis(50);
            }
        }
    }

    /** Kills every node. */
    @Override
    public void close() {
        nodes.forEach(ServerProcess::close);
    }
}
