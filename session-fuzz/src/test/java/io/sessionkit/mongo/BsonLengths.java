package io.sessionkit.mongo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Whether every length inside a BSON document fits the bytes around it: what a MongoDB server guarantees of every
 * document it returns (it validates what it stores), and what the driver's {@code BsonBinaryReader} assumes. The
 * reader allocates a string's or a binary's bytes from their length field before checking that they are there, so a
 * hostile length of 2 GiB in a 20-byte input is an {@link OutOfMemoryError} inside the driver (found by fuzzing, see
 * the README). The fuzz target gives the reader only inputs this walk accepts.
 */
final class BsonLengths {
    private BsonLengths() {}

    static boolean plausible(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return document(b, data.length, 0) && b.position() == data.length;
    }

    /** A document at the position, within {@code limit}: its length, its elements, its terminating zero. */
    private static boolean document(ByteBuffer b, int limit, int depth) {
        if (depth > 200 || limit - b.position() < 5) {
            return false;
        }
        int start = b.position();
        int length = b.getInt();
        if (length < 5 || length > limit - start) {
            return false;
        }
        int end = start + length;
        while (b.position() < end - 1) {
            byte type = b.get();
            if (!cstring(b, end) || !value(b, type, end, depth)) {
                return false;
            }
        }
        return b.position() == end - 1 && b.get() == 0;
    }

    private static boolean value(ByteBuffer b, byte type, int end, int depth) {
        return switch (type) {
            case 0x01, 0x09, 0x11, 0x12 -> skip(b, 8, end);
            case 0x02, 0x0D, 0x0E -> string(b, end);
            case 0x03, 0x04 -> document(b, end, depth + 1);
            case 0x05 -> {
                if (end - b.position() < 5) {
                    yield false;
                }
                int length = b.getInt();
                yield length >= 0 && skip(b, length + 1, end);
            }
            case 0x06, 0x0A, (byte) 0xFF, 0x7F -> true;
            case 0x07 -> skip(b, 12, end);
            case 0x08 -> skip(b, 1, end);
            case 0x0B -> {
                boolean pattern = cstring(b, end); // a regex: its pattern, then its options
                yield pattern && cstring(b, end);
            }
            case 0x0C -> string(b, end) && skip(b, 12, end);
            case 0x0F -> {
                if (end - b.position() < 4) {
                    yield false;
                }
                int start = b.position();
                int length = b.getInt();
                yield length >= 14
                        && length <= end - start
                        && string(b, start + length)
                        && document(b, start + length, depth + 1)
                        && b.position() == start + length;
            }
            case 0x10 -> skip(b, 4, end);
            case 0x13 -> skip(b, 16, end);
            default -> false;
        };
    }

    private static boolean string(ByteBuffer b, int end) {
        if (end - b.position() < 4) {
            return false;
        }
        int length = b.getInt();
        return length >= 1 && skip(b, length, end) && b.get(b.position() - 1) == 0;
    }

    private static boolean cstring(ByteBuffer b, int end) {
        while (b.position() < end) {
            if (b.get() == 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean skip(ByteBuffer b, int n, int end) {
        if (n < 0 || n > end - b.position()) {
            return false;
        }
        b.position(b.position() + n);
        return true;
    }
}
