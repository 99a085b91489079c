package io.sessionkit;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of {@link SessionStore#scan(String, int)}: live records and the cursor of the next page.
 *
 * @param records the page's live records, in no particular order; may be empty even when the scan is not over
 * @param next    the cursor to pass to the next call, or {@code null} when the scan is complete. A cursor is a short
 *                printable ASCII string (no whitespace), valid on any node of the same store, so that a copy can be
 *                resumed by another process; it stays valid for as long as the store's topology is unchanged.
 */
public record ScanPage(
        List<SessionRecord> records, @Nullable String next) {

    /** The page that ends a scan with no further records. */
    public static final ScanPage END = new ScanPage(List.of(), null);

    public ScanPage {
        records = List.copyOf(Objects.requireNonNull(records, "records"));
        if (next != null && (next.isEmpty() || !next.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("a scan cursor is printable ASCII without spaces: " + next);
        }
    }

    /**
     * {@code pageSize} if it is at least 1: what every {@link SessionStore#scan(String, int)} checks first.
     *
     * @throws IllegalArgumentException if {@code pageSize < 1}
     */
    public static int requirePageSize(int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("a scan page size is at least 1, was " + pageSize);
        }
        return pageSize;
    }

    /** True when this is the last page. */
    public boolean last() {
        return next == null;
    }
}
