package org.sparselab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentAndNormalizeTest {
    /** One 1×3×3 image with pixels 1..9. */
    private static final ImageSet IMAGE = new ImageSet(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[] {0}, 1, 3, 3);

    /** Identity normalisation (mean 0, std 1/255) so the output equals the pixel value. */
    private static final Normalizer RAW = Normalizer.of(1, List.of(0.0), List.of(1 / 255.0));

    @Test
    void normalisationIsXOver255MinusMeanOverStd() {
        Normalizer n = Normalizer.of(2, List.of(0.5, 0.25), List.of(0.25, 0.5));
        assertEquals(-2.0f, n.table(0)[0], 1e-6);
        assertEquals(2.0f, n.table(0)[255], 1e-6);
        assertEquals((100 / 255.0 - 0.25) / 0.5, n.table(1)[100], 1e-6);
        assertEquals(1.0f, Normalizer.unitRange(3).table(2)[255], 1e-7);
    }

    @Test
    void flipIsAMirrorImage() {
        InMemorySource src = new InMemorySource(IMAGE, RAW, 0, true);
        float[] out = new float[9];
        // Find a stream whose first boolean is true (flip) and one where it is false.
        for (long seed = 0; seed < 20; seed++) {
            boolean flip = new SplittableRandom(seed).nextBoolean();
            src.write(0, new SplittableRandom(seed), out, 0);
            float[] expected = flip ? new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7} : new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9};
            assertArrayEquals(expected, out, 0f, "seed " + seed);
        }
    }

    @Test
    void paddedCropShiftsAndFillsWithZero() {
        InMemorySource src = new InMemorySource(IMAGE, RAW, 1, false);
        float[] out = new float[9];
        boolean sawShift = false;
        for (long seed = 0; seed < 40; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int dy = r.nextInt(3) - 1;
            int dx = r.nextInt(3) - 1;
            src.write(0, new SplittableRandom(seed), out, 0);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 3; x++) {
                    int sy = y + dy;
                    int sx = x + dx;
                    float expected = sy < 0 || sy > 2 || sx < 0 || sx > 2 ? 0 : 1 + sy * 3 + sx;
                    assertEquals(expected, out[y * 3 + x], "seed " + seed + " at " + y + "," + x);
                }
            }
            sawShift |= dy != 0 || dx != 0;
        }
        assertTrue(sawShift);
    }

    @Test
    void paddingValueIsNormalisedBlack() {
        Normalizer n = Normalizer.of(1, List.of(0.5), List.of(0.5));
        InMemorySource src = new InMemorySource(IMAGE, n, 3, false); // with padding 3 some crops are all padding
        float[] out = new float[9];
        for (long seed = 0; seed < 50; seed++) {
            src.write(0, new SplittableRandom(seed), out, 0);
            for (float v : out) assertTrue(v == -1.0f || v > -1.0f, "values are normalised pixels or black");
        }
    }

    @Test
    void evaluationIgnoresAugmentation() {
        InMemorySource src = new InMemorySource(IMAGE, RAW, 2, true);
        float[] out = new float[9];
        src.write(0, null, out, 0);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, out, 0f);
    }
}
