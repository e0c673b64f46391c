package org.sparselab.data;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writes small datasets in their exact on-disk formats for the tests. */
final class DataFiles {
    private DataFiles() {}

    /** IDX3 image bytes: magic 2051, n, rows, cols, then pixels. */
    static byte[] idxImages(int n, int rows, int cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(2051).putInt(n).putInt(rows).putInt(cols).put(pixels);
        return b.array();
    }

    /** IDX1 label bytes: magic 2049, n, then labels. */
    static byte[] idxLabels(int[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(2049).putInt(labels.length);
        for (int l : labels) b.put((byte) l);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** Pixel {@code i} of sample {@code s} = (s·31 + i) mod 256, so every sample differs. */
    static byte[] pattern(int n, int sampleBytes) {
        byte[] p = new byte[n * sampleBytes];
        for (int s = 0; s < n; s++) for (int i = 0; i < sampleBytes; i++) p[s * sampleBytes + i] = (byte) (s * 31 + i);
        return p;
    }

    /** A complete MNIST-style directory (uncompressed or gzipped) of 28×28 images; labels = index mod 10. */
    static void writeMnist(Path dir, int nTrain, int nTest, boolean gz) throws IOException {
        Files.createDirectories(dir);
        writeIdxPair(dir, "train", nTrain, gz);
        writeIdxPair(dir, "t10k", nTest, gz);
    }

    private static void writeIdxPair(Path dir, String split, int n, boolean gz) throws IOException {
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        byte[] img = idxImages(n, 28, 28, pattern(n, 784));
        byte[] lab = idxLabels(labels);
        String suffix = gz ? ".gz" : "";
        Files.write(dir.resolve(split + "-images-idx3-ubyte" + suffix), gz ? gzip(img) : img);
        Files.write(dir.resolve(split + "-labels-idx1-ubyte" + suffix), gz ? gzip(lab) : lab);
    }

    /** CIFAR records: {@code labelBytes} label bytes (value given) then 3072 pattern pixels. */
    static byte[] cifarRecords(int[][] labels) {
        int labelBytes = labels[0].length;
        byte[] px = pattern(labels.length, 3072);
        ByteBuffer b = ByteBuffer.allocate(labels.length * (labelBytes + 3072));
        for (int i = 0; i < labels.length; i++) {
            for (int l : labels[i]) b.put((byte) l);
            b.put(px, i * 3072, 3072);
        }
        return b.array();
    }

    static void writePng(Path file, int[][] rgb) throws IOException {
        int h = rgb.length;
        int w = rgb[0].length;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rgb[y][x]);
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
    }

    /**
     * A .tar.gz holding the given files (name → bytes), written by hand in ustar format: commons-compress's writer
     * needs commons-lang3, which is not on the classpath (its reader does not).
     */
    static byte[] tarGz(List<String> names, List<byte[]> contents) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (int i = 0; i < names.size(); i++) {
            byte[] h = new byte[512];
            put(h, 0, names.get(i));
            put(h, 100, "0000644");
            put(h, 108, "0000000");
            put(h, 116, "0000000");
            put(h, 124, String.format("%011o", contents.get(i).length));
            put(h, 136, "00000000000");
            h[156] = '0';
            put(h, 257, "ustar");
            put(h, 263, "00");
            java.util.Arrays.fill(h, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : h) sum += b & 0xff;
            put(h, 148, String.format("%06o", sum));
            h[154] = 0;
            tar.write(h);
            tar.write(contents.get(i));
            tar.write(new byte[(512 - contents.get(i).length % 512) % 512]);
        }
        tar.write(new byte[1024]);
        return gzip(tar.toByteArray());
    }

    private static void put(byte[] header, int offset, String value) {
        byte[] b = value.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }

    /** A test manifest for an IDX dataset with the given files, downloads and checksums. */
    static Manifest idxManifest(String name, List<Manifest.Download> downloads,
            java.util.Map<String, List<String>> sums,
            Manifest.SystemInstall system) {
        return new Manifest(name, "test", "idx", 1, 28, 10, null, null, List.of(0.5), List.of(0.25),
                List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                        "t10k-labels-idx1-ubyte.gz"), downloads, sums, system, List.of());
    }
}
