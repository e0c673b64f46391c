package org.sparselab.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Image files decoded on demand with {@link ImageIO} and converted to RGB. Evaluation: resize the shorter side to
 * {@code resize}, then center-crop {@code size}. Training: the same, or torchvision's RandomResizedCrop (scale
 * 0.08–1, aspect ratio 3/4–4/3, 10 tries then a center crop) when {@code randomResizedCrop}; then an optional flip.
 *
 * <p>Resampling is Java2D's bilinear without antialiasing, so strong downscaling differs slightly from PIL's.
 */
final class FolderSource implements SampleSource {
    static {
        // Decoding must never try to open a display (CI, servers).
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private final List<ImageFolder.Entry> entries;
    private final Normalizer norm;
    private final int size;
    private final int resize;
    private final boolean randomResizedCrop;
    private final boolean flip;

    FolderSource(List<ImageFolder.Entry> entries, Normalizer norm, int size, int resize, boolean randomResizedCrop,
            boolean flip) {
        this.entries = entries;
        this.norm = norm;
        this.size = size;
        this.resize = resize;
        this.randomResizedCrop = randomResizedCrop;
        this.flip = flip;
    }

    @Override public int size() { return entries.size(); }

    @Override public int label(int index) { return entries.get(index).label(); }

    @Override public int channels() { return 3; }

    @Override public int height() { return size; }

    @Override public int width() { return size; }

    @Override
    public void write(int index, SplittableRandom rng, float[] dst, int offset) {
        BufferedImage img = decode(entries.get(index));
        int w = img.getWidth();
        int h = img.getHeight();
        int[] box = rng != null && randomResizedCrop ? randomResizedBox(w, h, rng) : centerBox(w, h);
        boolean mirror = rng != null && flip && rng.nextBoolean();
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, size, size, box[0], box[1], box[0] + box[2], box[1] + box[3], null);
        } finally {
            g.dispose();
        }
        int[] rgb = out.getRGB(0, 0, size, size, null, 0, size);
        float[] r = norm.table(0);
        float[] gr = norm.table(1);
        float[] b = norm.table(2);
        int plane = size * size;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int p = rgb[y * size + (mirror ? size - 1 - x : x)];
                int o = offset + y * size + x;
                dst[o] = r[(p >> 16) & 0xff];
                dst[o + plane] = gr[(p >> 8) & 0xff];
                dst[o + 2 * plane] = b[p & 0xff];
            }
        }
    }

    /**
     * Source box {x, y, w, h} equivalent to "resize the shorter side to {@code resize}, center-crop {@code size}".
     */
    int[] centerBox(int w, int h) {
        double scale = Math.min(w, h) / (double) resize; // source pixels per resized pixel
        int cw = Math.min(w, (int) Math.round(size * scale));
        int ch = Math.min(h, (int) Math.round(size * scale));
        return new int[] {(w - cw) / 2, (h - ch) / 2, Math.max(cw, 1), Math.max(ch, 1)};
    }

    /** torchvision {@code RandomResizedCrop.get_params} with scale (0.08, 1) and ratio (3/4, 4/3). */
    static int[] randomResizedBox(int w, int h, SplittableRandom rng) {
        double area = (double) w * h;
        double logLo = Math.log(3.0 / 4.0);
        double logHi = Math.log(4.0 / 3.0);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (0.08 + rng.nextDouble() * (1.0 - 0.08));
            double ratio = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int y = rng.nextInt(h - ch + 1);
                int x = rng.nextInt(w - cw + 1);
                return new int[] {x, y, cw, ch};
            }
        }
        // Fallback: the largest center crop whose ratio is clamped to the range.
        double inRatio = (double) w / h;
        int cw;
        int ch;
        if (inRatio < 3.0 / 4.0) {
            cw = w;
            ch = (int) Math.round(w / (3.0 / 4.0));
        } else if (inRatio > 4.0 / 3.0) {
            ch = h;
            cw = (int) Math.round(h * (4.0 / 3.0));
        } else {
            cw = w;
            ch = h;
        }
        return new int[] {(w - cw) / 2, (h - ch) / 2, cw, ch};
    }

    private static BufferedImage decode(ImageFolder.Entry e) {
        BufferedImage img;
        try {
            img = ImageIO.read(e.file().toFile());
        } catch (IOException | RuntimeException ex) {
            throw undecodable(e, ex.getMessage());
        }
        if (img == null) throw undecodable(e, "no ImageIO reader accepts it");
        return img.getType() == BufferedImage.TYPE_BYTE_GRAY ? greyToRgb(img) : img;
    }

    /** Copies grey levels into R, G and B: Java2D would treat the grey as linear light and shift its values. */
    private static BufferedImage greyToRgb(BufferedImage grey) {
        int w = grey.getWidth();
        int h = grey.getHeight();
        int[] v = grey.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < v.length; i++) v[i] = v[i] * 0x010101;
        rgb.setRGB(0, 0, w, h, v, 0, w);
        return rgb;
    }

    private static DataException undecodable(ImageFolder.Entry e, String why) {
        return new DataException(e.file() + ": cannot decode image (" + why + "), expected a JPEG, PNG, BMP or GIF; "
                + "the file is corrupt: delete or replace it");
    }
}
