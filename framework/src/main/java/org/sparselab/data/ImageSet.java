package org.sparselab.data;

/**
 * Images held in memory as unsigned bytes, sample after sample, each stored channel-major (C×H×W), with labels.
 * Fashion-MNIST takes 47 MB this way and CIFAR 150 MB, a quarter of the float form.
 */
record ImageSet(byte[] pixels, int[] labels, int channels, int height, int width) {
    ImageSet {
        if ((long) labels.length * channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixels " + pixels.length + " != " + labels.length + "×" + channels
                    + "×" + height + "×" + width);
        }
    }

    int size() {
        return labels.length;
    }

    int sampleBytes() {
        return channels * height * width;
    }
}
