package io.sessionkit.memcached;

import io.sessionkit.SessionKey;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The value of one principal's index item: the hashed keys of that principal's sessions, each with the time up to
 * which the entry covers the session's expiry and the time it was last written, as UTF-8 text (see
 * {@code docs/FORMAT.md}, "memcached", "Principal"):
 *
 * <pre>
 * skpi 1
 * &lt;43-character session key&gt; &lt;cover, epoch seconds&gt; &lt;written, epoch seconds&gt;
 * ...
 * </pre>
 *
 * One line per session, oldest write first, {@code \n} after every line. A session's {@code expiresAt} is at most its
 * entry's cover as long as every writer keeps the entry up (a write that carries {@code expiresAt} past the cover
 * raises the cover first), so an entry whose cover is past by more than the expiry grace belongs to an expired
 * session and is dropped by the next write of the index. Not thread-safe; a value, read and written whole with
 * {@code gets}/{@code cas}.
 */
final class PrincipalIndexItem {
    /** The first line of every index item. */
    static final String HEADER = "skpi 1";
    /** The longest line an entry takes: key, two 11-digit numbers, two spaces, a newline. */
    static final int MAX_ENTRY_BYTES = SessionKey.LENGTH + 1 + 11 + 1 + 11 + 1;

    /** One session in the index. */
    record Entry(String key, long coverSeconds, long writtenSeconds) {}

    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();

    /** An empty index. */
    PrincipalIndexItem() {}

    /**
     * Parses an index item.
     *
     * @throws IllegalArgumentException if the bytes are not an index item of this format, naming what is wrong
     */
    static PrincipalIndexItem parse(byte[] value) {
        String text = new String(value, StandardCharsets.UTF_8);
        if (!text.startsWith(HEADER + "\n")) {
            throw new IllegalArgumentException("not a principal index item (no '" + HEADER + "' line)");
        }
        PrincipalIndexItem item = new PrincipalIndexItem();
        int at = HEADER.length() + 1;
        while (at < text.length()) {
            int end = text.indexOf('\n', at);
            if (end < 0) {
                throw new IllegalArgumentException("principal index item: last line has no newline");
            }
            String[] parts = text.substring(at, end).split(" ", -1);
            if (parts.length != 3 || !isKey(parts[0])) {
                throw new IllegalArgumentException("principal index item: bad line " + (item.size() + 2));
            }
            try {
                item.put(new Entry(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("principal index item: bad number on line " + (item.size() + 2), e);
            }
            at = end + 1;
        }
        return item;
    }

    private static boolean isKey(String s) {
        try {
            new SessionKey(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The entry of {@code key}, or null. */
    @Nullable
    Entry get(String key) {
        return entries.get(key);
    }

    boolean contains(String key) {
        return entries.containsKey(key);
    }

    /** Adds or replaces the entry of its key, moving it to the end (the newest write). */
    void put(Entry entry) {
        entries.remove(entry.key());
        entries.put(entry.key(), entry);
    }

    /** Replaces the entry of its key in place (same position); the key must be present. */
    void raise(Entry entry) {
        entries.replace(entry.key(), entry);
    }

    boolean remove(String key) {
        return entries.remove(key) != null;
    }

    /**
     * Drops the entries whose cover ended at least {@code graceMillis} before {@code nowMillis}: their sessions have
     * expired, for every node whose clock is within the grace of this one.
     *
     * @return how many were dropped
     */
    int dropCoveredBefore(long nowMillis, long graceMillis) {
        int before = entries.size();
        entries.values().removeIf(e -> e.coverSeconds() * 1000 + graceMillis <= nowMillis);
        return before - entries.size();
    }

    Collection<Entry> entries() {
        return entries.values();
    }

    int size() {
        return entries.size();
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The latest cover of any entry, epoch seconds; 0 when empty. */
    long maxCoverSeconds() {
        long max = 0;
        for (Entry e : entries.values()) {
            max = Math.max(max, e.coverSeconds());
        }
        return max;
    }

    byte[] toBytes() {
        StringBuilder out = new StringBuilder(HEADER.length() + 1 + entries.size() * MAX_ENTRY_BYTES);
        out.append(HEADER).append('\n');
        for (Entry e : entries.values()) {
            out.append(e.key())
                    .append(' ')
                    .append(e.coverSeconds())
                    .append(' ')
                    .append(e.writtenSeconds())
                    .append('\n');
        }
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** The size in bytes of an item holding {@code entries} entries at most. */
    static long maxValueBytes(int entries) {
        return HEADER.length() + 1 + (long) entries * MAX_ENTRY_BYTES;
    }

    @Override
    public String toString() {
        return "PrincipalIndexItem[" + entries.size() + " entries]";
    }

    /** For tests: the entries by key. */
    Map<String, Entry> asMap() {
        return Map.copyOf(entries);
    }
}
