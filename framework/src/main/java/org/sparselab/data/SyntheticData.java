package org.sparselab.data;

import java.util.SplittableRandom;
import org.sparselab.config.Seeds;

/**
 * A generated dataset that a small CNN learns within a few epochs: each class has a smooth random prototype (a 4×4
 * grid of grey levels per channel, bilinearly upsampled), and each image is its class's prototype plus Gaussian
 * noise. Everything follows from {@code data.synthetic.seed}, so every run sees the same images.
 */
final class SyntheticData {
    private static final int GRID = 4;

    private SyntheticData() {}

    /** Generates {@code n} images of split {@code split} ("train" or "test"), labels cycling through the classes. */
    static ImageSet generate(DataConfig.Synthetic opts, String split, int n, int size, int numClasses) {
        int c = opts.channels();
        byte[][] prototypes = new byte[numClasses][];
        for (int k = 0; k < numClasses; k++) prototypes[k] = prototype(opts.seed(), k, c, size);
        int sample = c * size * size;
        byte[] pixels = new byte[n * sample];
        int[] labels = new int[n];
        double sigma = opts.noise() * 255.0;
        for (int i = 0; i < n; i++) {
            int k = i % numClasses;
            labels[i] = k;
            SplittableRandom rng = new SplittableRandom(Seeds.derive(opts.seed(), "data.synthetic." + split, i));
            byte[] p = prototypes[k];
            for (int j = 0, o = i * sample; j < sample; j++, o++) {
                double v = (p[j] & 0xff) + sigma * gaussian(rng);
                pixels[o] = (byte) Math.max(0, Math.min(255, (int) Math.round(v)));
            }
        }
        return new ImageSet(pixels, labels, c, size, size);
    }

    private static byte[] prototype(long seed, int k, int channels, int size) {
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "data.synthetic.class", k));
        byte[] out = new byte[channels * size * size];
        for (int c = 0; c < channels; c++) {
            double[][] grid = new double[GRID][GRID];
            for (double[] row : grid) for (int j = 0; j < GRID; j++) row[j] = 255.0 * rng.nextDouble();
            for (int y = 0; y < size; y++) {
                double gy = size == 1 ? 0 : y * (GRID - 1) / (double) (size - 1);
                int y0 = Math.min((int) gy, GRID - 2);
                double fy = gy - y0;
                for (int x = 0; x < size; x++) {
                    double gx = size == 1 ? 0 : x * (GRID - 1) / (double) (size - 1);
                    int x0 = Math.min((int) gx, GRID - 2);
                    double fx = gx - x0;
                    double v = (1 - fy) * ((1 - fx) * grid[y0][x0] + fx * grid[y0][x0 + 1])
                            + fy * ((1 - fx) * grid[y0 + 1][x0] + fx * grid[y0 + 1][x0 + 1]);
                    out[(c * size + y) * size + x] = (byte) (int) Math.round(v);
                }
            }
        }
        return out;
    }

    /** Box–Muller from the sample's own stream (SplittableRandom has no nextGaussian on Java 17). */
    private static double gaussian(SplittableRandom rng) {
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
}
