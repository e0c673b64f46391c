package org.sparselab.data;

import java.util.SplittableRandom;

/** Images addressed by index that write themselves, transformed and normalised, into a batch array. */
interface SampleSource {
    int size();

    int label(int index);

    int channels();

    int height();

    int width();

    /**
     * Writes sample {@code index} as C×H×W floats at {@code dst[offset]}.
     *
     * @param rng the sample's augmentation randomness, or null for the evaluation transform (no augmentation)
     */
    void write(int index, SplittableRandom rng, float[] dst, int offset);

    default int sampleFloats() {
        return channels() * height() * width();
    }
}
