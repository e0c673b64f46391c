package org.sparselab.methods.cci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** Spec §6 tests 1, 2, 5, 10, 11, 14 as properties over random shapes, plus storage and cycle numbers by hand. */
class CciMaskTest {
    private static final Random RNG = new Random(20261205);

    /** Kept entries of the group (o, t, j). */
    private static int keptIn(float[] m, int o, int t, int j, int in, int taps, int g) {
        int n = 0;
        for (int c = j * g; c < (j + 1) * g; c++) n += (int) m[(o * in + c) * taps + t];
        return n;
    }

    @RepeatedTest(20)
    void exactlyKPerGroupDependingOnlyOnMagnitudes() {
        int g = new int[] {2, 4, 8, 16}[RNG.nextInt(4)];
        int k = 1 + RNG.nextInt(g);
        int out = 1 + RNG.nextInt(6);
        int in = g * (1 + RNG.nextInt(4));
        int taps = new int[] {1, 9}[RNG.nextInt(2)];
        float[] w = new float[out * in * taps];
        for (int i = 0; i < w.length; i++) w[i] = RNG.nextInt(5) == 0 ? 0 : (float) RNG.nextGaussian();
        float[] m = CciMask.mask(w, out, in, taps, g, (double) k / g, false);
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < in / g; j++) assertEquals(k, keptIn(m, o, t, j, in, taps, g), "exactly k");
            }
        }
        float[] negated = w.clone();
        for (int i = 0; i < w.length; i++) negated[i] = -w[i];
        assertArrayEquals(m, CciMask.mask(negated, out, in, taps, g, (double) k / g, false), "only |W| matters");
        float[] masked = w.clone();
        for (int i = 0; i < w.length; i++) masked[i] *= m[i];
        assertArrayEquals(m, CciMask.mask(masked, out, in, taps, g, (double) k / g, false), "idempotent");
        float[] all = CciMask.mask(w, out, in, taps, g, 1.0, false);
        for (float v : all) assertEquals(1f, v, "k = g keeps everything");
    }

    @Test
    void tiesAndAllZeroGroupsStillKeepExactlyK() {
        float[] zeros = new float[2 * 8 * 9];
        float[] m = CciMask.mask(zeros, 2, 8, 9, 4, 0.5, false);
        for (int o = 0; o < 2; o++) for (int t = 0; t < 9; t++) for (int j = 0; j < 2; j++) {
            assertEquals(2, keptIn(m, o, t, j, 8, 9, 4));
        }
    }

    @RepeatedTest(10)
    void fractionalDensityHitsTheCountExactly() {
        int g = 8;
        int out = 3;
        int in = 16;
        int taps = 9;
        float[] w = new float[out * in * taps];
        for (int i = 0; i < w.length; i++) w[i] = (float) RNG.nextGaussian();
        double d = RNG.nextDouble();
        float[] m = CciMask.mask(w, out, in, taps, g, d, false);
        long kept = 0;
        for (float v : m) kept += (long) v;
        assertEquals(Math.round(d * w.length), kept, "round(d·numel) in total at d = " + d);
        int lo = (int) Math.floor(d * g + 1e-9);
        for (int o = 0; o < out; o++) for (int t = 0; t < taps; t++) for (int j = 0; j < in / g; j++) {
            int n = keptIn(m, o, t, j, in, taps, g);
            assertTrue(n == lo || n == lo + 1, "⌊d·g⌋ or one more per group: " + n);
        }
    }

    @Test
    void sharedTapsKeepWholeKernelsAndGroupsAreConsecutiveChannelsAtOneTap() {
        float[] w = new float[1 * 4 * 9];
        for (int c = 0; c < 4; c++) for (int t = 0; t < 9; t++) w[c * 9 + t] = c == 2 ? 5 : (t == 0 ? 9 : 0.1f);
        // Per tap: tap 0 keeps the channel with 9 (channel 0 wins the tie of 9s); other taps keep channel 2.
        float[] perTap = CciMask.mask(w, 1, 4, 9, 4, 0.25, false);
        assertEquals(1f, perTap[0 * 9]);
        for (int t = 1; t < 9; t++) assertEquals(1f, perTap[2 * 9 + t]);
        // Shared: Σ|w| of channel 2 is 45, of the others 9.8: channel 2's whole kernel.
        float[] shared = CciMask.mask(w, 1, 4, 9, 4, 0.25, true);
        for (int t = 0; t < 9; t++) {
            for (int c = 0; c < 4; c++) assertEquals(c == 2 ? 1f : 0f, shared[c * 9 + t], "tap " + t + " channel " + c);
        }
    }

    @Test
    void encodeDecodeIsBitwiseWithSortedIndices() {
        int out = 4;
        int in = 16;
        int taps = 9;
        float[] w = new float[out * in * taps];
        for (int i = 0; i < w.length; i++) w[i] = (float) RNG.nextGaussian();
        float[] m = CciMask.mask(w, out, in, taps, 8, 2 / 8.0, false);
        float[] kept = w.clone();
        for (int i = 0; i < w.length; i++) kept[i] *= m[i];
        byte[] enc = CciCodec.encode(kept, m, out, in, taps, 8, 2);
        float[] back = CciCodec.decode(enc);
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(kept[i] == 0 ? 0f : kept[i]),
                    Float.floatToRawIntBits(back[i] == 0 ? 0f : back[i]), "weight " + i);
        }
        int[] idx = CciCodec.indices(enc);
        for (int s = 0; s < idx.length; s += 2) assertTrue(idx[s] < idx[s + 1], "sorted within a group");
    }

    @Test
    void storageModelOfTheSpec() {
        assertEquals(10, CciCodec.bitsPerGroup("per_nonzero", 4, 1, 8));
        assertEquals(11, CciCodec.bitsPerGroup("per_nonzero", 8, 1, 8));
        assertEquals(12, CciCodec.bitsPerGroup("per_nonzero", 16, 1, 8));
        assertEquals(22, CciCodec.bitsPerGroup("per_nonzero", 8, 2, 8));
        assertEquals(21, CciCodec.bitsPerGroup("combinatorial", 8, 2, 8));
        assertEquals(19, CciCodec.bitsPerGroup("per_nonzero", 8, 1, 16));
        assertEquals(36, CciCodec.bitsPerGroup("per_nonzero", 4, 2, 16));
        assertEquals(32, CciCodec.bitsPerGroup("dense", 4, 1, 8));
        // CSR of a 2×4 mask with 3 non-zeros: 3·(8 + 2) + 3·2 = 36 bits.
        assertEquals(36, CciCodec.csrBits(new float[] {1, 0, 0, 1, 0, 0, 1, 0}, 2, 4, 8));
    }

    @Test
    void cycleModelByHand() {
        // 2 filters × 4 channels × 1 tap, g = 4, 2 PEs (one wave), 10 output pixels.
        float[] dense = {1, 1, 1, 1, 1, 1, 1, 1};
        float[] cci = {1, 0, 0, 0, 0, 0, 1, 0}; // 1 of 4 each: both PEs do 1 MAC
        float[] unstructured = {1, 1, 0, 0, 0, 0, 0, 0}; // same count (2), all on filter 0: the wave waits for it
        var d = CycleModel.layer(dense, 2, 4, 1, 10, 4, 2, 8, 64);
        var c = CycleModel.layer(cci, 2, 4, 1, 10, 4, 2, 8, 20);
        var u = CycleModel.layer(unstructured, 2, 4, 1, 10, 4, 2, 8, 20);
        assertEquals(40, d.cycles());
        assertEquals(1.0, d.utilisation(), 1e-12);
        assertEquals(10, c.cycles());
        assertEquals(1.0, c.utilisation(), 1e-12, "CCI: no imbalance");
        assertEquals(20, u.cycles(), "unstructured: the fuller PE sets the pace");
        assertEquals(0.5, u.utilisation(), 1e-12);
        assertEquals(1L * 1 * 1 * 4 * 8 * 10, d.activationBits(), "g activations of b bits per pixel, tap, group, wave");
    }
}
