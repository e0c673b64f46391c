package org.sparselab.data;

import java.util.SplittableRandom;

/**
 * Samples of an in-memory {@link ImageSet}; training augmentation is the CIFAR recipe (He et al., 2016, §4.2):
 * zero-pad by {@code padding}, take a random crop of the original size, flip left-right with probability 1/2.
 */
final class InMemorySource implements SampleSource {
    private final ImageSet set;
    private final Normalizer norm;
    private final int padding;
    private final boolean flip;

    InMemorySource(ImageSet set, Normalizer norm, int padding, boolean flip) {
        if (norm.channels() != set.channels()) throw new IllegalArgumentException("normalizer channels mismatch");
        this.set = set;
        this.norm = norm;
        this.padding = padding;
        this.flip = flip;
    }

    @Override public int size() { return set.size(); }

    @Override public int label(int index) { return set.labels()[index]; }

    @Override public int channels() { return set.channels(); }

    @Override public int height() { return set.height(); }

    @Override public int width() { return set.width(); }

    ImageSet set() {
        return set;
    }

    @Override
    public void write(int index, SplittableRandom rng, float[] dst, int offset) {
        byte[] px = set.pixels();
        int h = set.height();
        int w = set.width();
        int src = index * set.sampleBytes();
        if (rng == null || (padding == 0 && !flip)) {
            for (int c = 0, o = offset, s = src; c < set.channels(); c++) {
                float[] t = norm.table(c);
                for (int end = s + h * w; s < end; s++, o++) dst[o] = t[px[s] & 0xff];
            }
            return;
        }
        // Draw order (top, left, flip) mirrors torchvision's RandomCrop then RandomHorizontalFlip.
        int dy = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        int dx = padding == 0 ? 0 : rng.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && rng.nextBoolean();
        int o = offset;
        for (int c = 0; c < set.channels(); c++) {
            float[] t = norm.table(c);
            float zero = t[0]; // padding is black in pixel space, as torchvision pads before normalising
            int plane = src + c * h * w;
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                if (sy < 0 || sy >= h) {
                    for (int x = 0; x < w; x++) dst[o++] = zero;
                    continue;
                }
                int row = plane + sy * w;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    dst[o++] = sx < 0 || sx >= w ? zero : t[px[row + sx] & 0xff];
                }
            }
        }
    }
}
