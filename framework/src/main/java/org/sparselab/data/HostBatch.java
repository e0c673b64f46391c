package org.sparselab.data;

/**
 * One batch in host memory, ready for the trainer to copy into an NDArray of shape (size, channels, height, width).
 *
 * @param images {@code size×channels×height×width} normalised floats, sample-major
 * @param labels class index per sample
 */
public record HostBatch(float[] images, int[] labels, int size, int channels, int height, int width) {
    public HostBatch {
        if (labels.length != size || images.length != (long) size * channels * height * width) {
            throw new IllegalArgumentException("batch arrays do not match " + size + "×" + channels + "×" + height
                    + "×" + width);
        }
    }
}
