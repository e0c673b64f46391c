package org.sparselab.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header (magic 2051 for images with
 * count, rows, columns; 2049 for labels with count) followed by one unsigned byte per pixel or label. Files may be
 * gzipped (detected by content, not by name).
 */
final class IdxReader {
    static final int IMAGES_MAGIC = 2051;
    static final int LABELS_MAGIC = 2049;

    private IdxReader() {}

    /** Reads an image file and its label file into one set; counts must agree and labels be below numClasses. */
    static ImageSet read(Path images, Path labels, int numClasses) {
        byte[] img = readBytes(images);
        byte[] lab = readBytes(labels);
        ByteBuffer ih = header(images, img, 16, IMAGES_MAGIC, "images (idx3)");
        int n = ih.getInt(4);
        int rows = ih.getInt(8);
        int cols = ih.getInt(12);
        if (n < 0 || rows <= 0 || cols <= 0) {
            throw corrupt(images, "count/rows/cols " + n + "/" + rows + "/" + cols + ", expected positive values");
        }
        long expected = 16L + (long) n * rows * cols;
        if (img.length != expected) {
            throw corrupt(images, img.length + " bytes, expected " + expected + " (16-byte header + " + n + "×" + rows
                    + "×" + cols + ")");
        }
        ByteBuffer lh = header(labels, lab, 8, LABELS_MAGIC, "labels (idx1)");
        int m = lh.getInt(4);
        if (lab.length != 8L + Math.max(m, 0) || m < 0) {
            throw corrupt(labels, lab.length + " bytes, expected " + (8L + m) + " (8-byte header + " + m + " labels)");
        }
        if (m != n) throw corrupt(labels, m + " labels, expected " + n + " to match " + images.getFileName());
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = lab[8 + i] & 0xff;
            if (y[i] >= numClasses) {
                throw corrupt(labels, "label " + y[i] + " at index " + i + ", expected 0.." + (numClasses - 1));
            }
        }
        byte[] pixels = new byte[n * rows * cols];
        System.arraycopy(img, 16, pixels, 0, pixels.length);
        return new ImageSet(pixels, y, 1, rows, cols);
    }

    private static ByteBuffer header(Path file, byte[] data, int size, int magic, String what) {
        if (data.length < size) {
            throw corrupt(file, data.length + " bytes, expected at least a " + size + "-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, size); // big-endian by default, as IDX is
        int found = b.getInt(0);
        if (found != magic) throw corrupt(file, "magic number " + found + ", expected " + magic + " for " + what);
        return b;
    }

    /** The file's bytes, decompressed when it starts with the gzip magic 1f 8b. */
    static byte[] readBytes(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            if (!gz) return raw.readAllBytes();
            try (InputStream in = new GZIPInputStream(raw, 1 << 16)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw corrupt(file, "unreadable (" + e.getMessage() + "), expected a complete IDX or gzipped IDX file");
        }
    }

    private static DataException corrupt(Path file, String what) {
        return new DataException(file + ": " + what + "; the file is corrupt or not an IDX file: delete it and "
                + "download it again (or reinstall its package)");
    }
}
