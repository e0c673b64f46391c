package org.sparselab.data;

import java.util.List;

/**
 * Maps a pixel byte to its network input {@code (x/255 - mean[c]) / std[c]} through one 256-entry table per
 * channel, so assembling a batch is a table look-up per pixel.
 */
final class Normalizer {
    private final float[][] table;

    private Normalizer(float[][] table) {
        this.table = table;
    }

    /** Per-channel mean/std; a single value applies to every channel. */
    static Normalizer of(int channels, List<Double> mean, List<Double> std) {
        float[][] t = new float[channels][256];
        for (int c = 0; c < channels; c++) {
            double m = pick(mean, c, channels, "mean");
            double s = pick(std, c, channels, "std");
            for (int v = 0; v < 256; v++) t[c][v] = (float) ((v / 255.0 - m) / s);
        }
        return new Normalizer(t);
    }

    /** Only {@code x/255}: what {@code normalize: false} means. */
    static Normalizer unitRange(int channels) {
        return of(channels, List.of(0.0), List.of(1.0));
    }

    float[] table(int channel) {
        return table[channel];
    }

    int channels() {
        return table.length;
    }

    private static double pick(List<Double> values, int c, int channels, String key) {
        if (values.size() == 1) return values.get(0);
        if (values.size() < channels) {
            throw new DataException("data." + key + " has " + values.size() + " values, expected 1 or " + channels
                    + " (one per channel); set data." + key + " to match the dataset");
        }
        return values.get(c);
    }
}
