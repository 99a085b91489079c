package io.sessionkit.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The masters of a Redis Cluster as one {@code CLUSTER SLOTS} reply describes them, ordered by their lowest slot, and a
 * digest of who serves which slots: a scan walks the masters in this order, and its cursor keeps the digest so that a
 * changed topology (resharding, failover, a node replaced) is recognised instead of silently skipping keys.
 *
 * @param masters     the masters, ordered by their lowest slot
 * @param fingerprint 8 URL-safe base64 characters of SHA-256 over every slot range and its master's node id
 */
record ClusterLayout(List<Master> masters, String fingerprint) {

    /** A master: its node id, where it listens ({@code host:port}) and its lowest slot. */
    record Master(String id, String hostAndPort, int firstSlot) {}

    ClusterLayout {
        masters = List.copyOf(masters);
    }

    /**
     * Reads a raw {@code CLUSTER SLOTS} reply: entries {@code [start, end, [host, port, id, …], replicas…]}. An empty
     * host (a node that does not know its own address) is {@code answeringHost}, the node that sent the reply.
     *
     * @throws IllegalStateException if the reply has another shape
     */
    static ClusterLayout of(Object reply, String answeringHost) {
        if (!(reply instanceof List<?> entries)) {
            throw new IllegalStateException("unexpected CLUSTER SLOTS reply: " + reply);
        }
        record Range(long start, long end, String id, String hostAndPort) {}
        List<Range> ranges = new ArrayList<>();
        for (Object e : entries) {
            if (!(e instanceof List<?> entry)
                    || entry.size() < 3
                    || !(entry.get(0) instanceof Long start)
                    || !(entry.get(1) instanceof Long end)
                    || !(entry.get(2) instanceof List<?> node)
                    || node.size() < 3
                    || !(node.get(1) instanceof Long port)) {
                throw new IllegalStateException("unexpected CLUSTER SLOTS entry: " + e);
            }
            String host = text(node.get(0));
            ranges.add(new Range(start, end, text(node.get(2)), (host.isEmpty() ? answeringHost : host) + ":" + port));
        }
        ranges.sort(Comparator.comparingLong(Range::start));
        Map<String, Master> masters = new LinkedHashMap<>();
        StringBuilder canonical = new StringBuilder();
        for (Range r : ranges) {
            masters.putIfAbsent(r.id(), new Master(r.id(), r.hostAndPort(), (int) r.start()));
            canonical
                    .append(r.start())
                    .append('-')
                    .append(r.end())
                    .append('=')
                    .append(r.id())
                    .append(';');
        }
        return new ClusterLayout(new ArrayList<>(masters.values()), digest(canonical.toString()));
    }

    private static String text(Object value) {
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String digest(String canonical) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sha).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
