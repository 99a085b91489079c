package io.sessionkit.redis;

import io.sessionkit.SessionKey;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a {@link RedisSessionStore#scan} stands, as the printable cursor handed to the caller.
 *
 * <ul>
 *   <li>Standalone and Sentinel: {@code r1:<run>:<position>[:<pending>]}.
 *   <li>Cluster: {@code c1:<layout>:<master>:<run>:<position>[:<pending>]}.
 * </ul>
 *
 * {@code <run>} is the first {@value #RUN_LENGTH} characters of the Redis server's {@code run_id} (a new one after
 * every restart or failover, whose keyspace table a Redis cursor does not carry over to), or {@code -} when it is not
 * known (before the first {@code SCAN} of a Cluster master, or when the server refuses {@code INFO}).
 * {@code <position>} is the Redis {@code SCAN} cursor to continue from (decimal), or {@code e} when that server's
 * keyspace has been walked to its end. {@code <pending>} is the hashed keys (43 characters each, concatenated) that a
 * {@code SCAN} returned beyond the page: Redis may answer more keys than asked for, and they are carried here so that a
 * page never exceeds its size and none is lost. {@code <layout>} is a digest of the Cluster's slot ranges and master
 * node ids and {@code <master>} the index of the master being walked, masters ordered by their lowest slot.
 */
record ScanCursor(String layout, int master, String run, String position, List<SessionKey> pending) {
    static final String UNKNOWN_RUN = "-";
    static final String END = "e";
    static final int RUN_LENGTH = 12;
    /** More pending keys than any page of this store carries: a longer cursor was not made by it. */
    static final int MAX_PENDING = 4096;

    private static final Pattern STANDALONE =
            Pattern.compile("r1:(-|[0-9a-f]{" + RUN_LENGTH + "}):(e|[0-9]{1,20})(?::([A-Za-z0-9_-]+))?");
    private static final Pattern CLUSTER = Pattern.compile("c1:([A-Za-z0-9_-]{8}):([0-9]{1,4}):(-|[0-9a-f]{"
            + RUN_LENGTH + "}):(e|[0-9]{1,20})(?::([A-Za-z0-9_-]+))?");

    ScanCursor {
        pending = List.copyOf(pending);
    }

    /** The start of a scan of master {@code master} (Cluster) or of the server (standalone, {@code layout} empty). */
    static ScanCursor start(String layout, int master) {
        return new ScanCursor(layout, master, UNKNOWN_RUN, "0", List.of());
    }

    boolean ended() {
        return END.equals(position);
    }

    String format(boolean cluster) {
        StringBuilder out = new StringBuilder(64 + pending.size() * SessionKey.LENGTH);
        if (cluster) {
            out.append("c1:").append(layout).append(':').append(master).append(':');
        } else {
            out.append("r1:");
        }
        out.append(run).append(':').append(position);
        if (!pending.isEmpty()) {
            out.append(':');
            pending.forEach(k -> out.append(k.value()));
        }
        return out.toString();
    }

    /**
     * Parses a cursor this kind of store made.
     *
     * @throws IllegalArgumentException naming the expected form, for anything else (including a Cluster cursor given
     *     to a standalone store and the reverse)
     */
    static ScanCursor parse(String cursor, boolean cluster) {
        Matcher m = (cluster ? CLUSTER : STANDALONE).matcher(cursor);
        if (cursor.length() > 200 + MAX_PENDING * SessionKey.LENGTH || !m.matches()) {
            throw foreign(cursor, cluster);
        }
        int g = cluster ? 3 : 1;
        String layout = cluster ? m.group(1) : "";
        int master = cluster ? Integer.parseInt(m.group(2)) : 0;
        String position = m.group(g + 1);
        try {
            Long.parseUnsignedLong(position.equals(END) ? "0" : position);
        } catch (NumberFormatException e) {
            throw foreign(cursor, cluster);
        }
        String keys = m.group(g + 2);
        List<SessionKey> pending = new ArrayList<>();
        if (keys != null) {
            if (keys.length() % SessionKey.LENGTH != 0) {
                throw foreign(cursor, cluster);
            }
            for (int i = 0; i < keys.length(); i += SessionKey.LENGTH) {
                try {
                    pending.add(new SessionKey(keys.substring(i, i + SessionKey.LENGTH)));
                } catch (IllegalArgumentException e) {
                    throw foreign(cursor, cluster);
                }
            }
        }
        return new ScanCursor(layout, master, m.group(g), position, pending);
    }

    private static IllegalArgumentException foreign(String cursor, boolean cluster) {
        String head = cursor.length() > 60 ? cursor.substring(0, 60) + "..." : cursor;
        String shown = head.codePoints()
                .map(c -> c > 0x20 && c < 0x7f ? c : '?')
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return new IllegalArgumentException("not a scan cursor of a Redis"
                + (cluster
                        ? " Cluster store (c1:<layout>:<master>:<run>:<position>[:<keys>])"
                        : " store (r1:<run>:<position>[:<keys>])")
                + ": " + shown);
    }
}
