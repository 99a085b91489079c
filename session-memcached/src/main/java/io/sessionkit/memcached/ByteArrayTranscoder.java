package io.sessionkit.memcached;

import net.spy.memcached.CachedData;
import net.spy.memcached.transcoders.Transcoder;

/**
 * Stores values as the bytes given, with flags 0 and never compressed: the item is the UTF-8 JSON envelope of
 * {@code docs/FORMAT.md}, readable by a client in any language. spymemcached's default transcoder would instead
 * gzip values over 16 KiB and mark them with Java-specific flags.
 */
final class ByteArrayTranscoder implements Transcoder<byte[]> {
    static final ByteArrayTranscoder INSTANCE = new ByteArrayTranscoder();
    private static final int FLAGS = 0;

    private ByteArrayTranscoder() {}

    @Override
    public boolean asyncDecode(CachedData d) {
        return false;
    }

    @Override
    public CachedData encode(byte[] o) {
        // The store checks its own, configurable, item limit before encoding; the bound here only satisfies CachedData.
        return new CachedData(FLAGS, o, Integer.MAX_VALUE);
    }

    @Override
    public byte[] decode(CachedData d) {
        return d.getData();
    }

    @Override
    public int getMaxSize() {
        return Integer.MAX_VALUE;
    }
}
