package io.sessionkit.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The shop's icon, a coffee bean: {@code favicon.svg} from the class path for the pages' {@code <link rel="icon">},
 * and the same bean drawn here into a 32×32 {@code .ico} for clients that ask for {@code /favicon.ico} anyway (a
 * browser opening {@code /health}, for one). Drawn in code so that the repository holds no binary file.
 */
final class Favicon {
    static final String SVG_PATH = "/favicon.svg";
    private static final int SIZE = 32;
    /** The bean's colour (#6f4e37) and its crease (#f3e3c8), as 0xRRGGBB. */
    private static final int BEAN = 0x6f4e37;

    private static final int CREASE = 0xf3e3c8;

    private Favicon() {}

    static byte[] svg() {
        try (InputStream in = Favicon.class.getResourceAsStream("favicon.svg")) {
            if (in == null) {
                throw new IllegalStateException("favicon.svg is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A Windows icon file with one 32×32 image, 32 bits per pixel with alpha: the {@code ICONDIR} header, one
     * directory entry, then a {@code BITMAPINFOHEADER}, the pixels bottom-up (BGRA) and an all-zero AND mask (the
     * alpha channel decides transparency).
     */
    static byte[] ico() {
        int pixelBytes = SIZE * SIZE * 4;
        int maskBytes = SIZE * ((SIZE + 31) / 32) * 4;
        int imageBytes = 40 + pixelBytes + maskBytes;
        ByteBuffer b = ByteBuffer.allocate(6 + 16 + imageBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0).putShort((short) 1).putShort((short) 1);
        b.put((byte) SIZE)
                .put((byte) SIZE)
                .put((byte) 0)
                .put((byte) 0)
                .putShort((short) 1)
                .putShort((short) 32)
                .putInt(imageBytes)
                .putInt(6 + 16);
        b.putInt(40)
                .putInt(SIZE)
                .putInt(SIZE * 2)
                .putShort((short) 1)
                .putShort((short) 32)
                .putInt(0)
                .putInt(pixelBytes + maskBytes)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(0);
        for (int row = SIZE - 1; row >= 0; row--) {
            for (int col = 0; col < SIZE; col++) {
                int argb = pixel(col, row);
                b.put((byte) argb)
                        .put((byte) (argb >>> 8))
                        .put((byte) (argb >>> 16))
                        .put((byte) (argb >>> 24));
            }
        }
        return b.array(); // the AND mask is the zeros left at the end
    }

    /** The colour of one pixel (y downwards), 4×4 supersampled for smooth edges, as ARGB (not premultiplied). */
    private static int pixel(int x, int y) {
        int bean = 0;
        int crease = 0;
        double cos = Math.cos(Math.toRadians(35));
        double sin = Math.sin(Math.toRadians(35));
        for (int sy = 0; sy < 4; sy++) {
            for (int sx = 0; sx < 4; sx++) {
                double px = x + (sx + 0.5) / 4 - 16;
                double py = y + (sy + 0.5) / 4 - 16;
                // The SVG's ellipse (rx 10, ry 14) rotated by 35°: undo the rotation, then test.
                double u = px * cos + py * sin;
                double v = -px * sin + py * cos;
                if ((u * u) / 100 + (v * v) / 196 <= 1) {
                    // The crease is the segment from (8,24) to (24,8), 2.4 wide: centred, px + py = 0 with |px - py| <=
                    // 16.
                    if (Math.abs(px + py) / Math.sqrt(2) <= 1.2 && Math.abs(px - py) <= 16) {
                        crease++;
                    } else {
                        bean++;
                    }
                }
            }
        }
        int covered = bean + crease;
        if (covered == 0) {
            return 0;
        }
        int rgb = crease > bean ? CREASE : BEAN;
        int alpha = covered * 255 / 16;
        return alpha << 24 | rgb;
    }
}
