package org.sparselab.methods.cci;

import java.util.Arrays;

/**
 * The CCI mask operator ({@code docs/methods/cci.md} §2.1, a reconstruction): for every output channel, kernel tap
 * and group of {@code g} consecutive input channels, keep exactly {@code k} weights, the largest by |w|. Ties go to
 * the lower channel index, so the mask is a pure function of |W| and is exact even on all-zero groups.
 *
 * <p>Fractional densities (for smooth schedules): every group keeps ⌊d·g⌋; the {@code round(d·units) − ⌊d·g⌋·groups}
 * extra slots go to the groups whose (⌊d·g⌋+1)-th largest |w| is largest (ties to the earlier group), so the total
 * hits the requested count exactly and d = k/g gives the plain operator.
 *
 * <p>Weights are (out, in, kh, kw) with {@code in} the channels of one conv group (PyTorch layout); a linear layer is
 * kh = kw = 1. With {@code shareAcrossTaps} the score of (o, c) is Σ_taps |w| and the choice is broadcast over taps.
 */
public final class CciMask {
    private CciMask() {}

    /** Groups of a weight: {@code out · taps · in/g} groups of g (or {@code out · in/g} with shared taps). */
    static long groups(int out, int in, int taps, int g, boolean shareAcrossTaps) {
        return (long) out * (shareAcrossTaps ? 1 : taps) * (in / g);
    }

    /**
     * The 0/1 mask of {@code w} keeping a fraction {@code density} of each group (exactly k per group at d = k/g).
     *
     * @param taps kh·kw
     */
    public static float[] mask(float[] w, int out, int in, int taps, int g, double density, boolean shareAcrossTaps) {
        if (in % g != 0) throw new IllegalArgumentException(in + " input channels are not groups of " + g);
        if (w.length != (long) out * in * taps) throw new IllegalArgumentException("weight size " + w.length);
        int units = shareAcrossTaps ? 1 : taps; // taps scored separately
        int nGroups = out * units * (in / g);
        // Scores per group member, laid out [group][member]: member m of group (o, t, j) is channel j·g + m at tap t.
        double[][] scores = new double[nGroups][g];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < in; c++) {
                for (int t = 0; t < taps; t++) {
                    double a = Math.abs(w[(o * in + c) * taps + t]);
                    int unit = shareAcrossTaps ? 0 : t;
                    scores[(o * units + unit) * (in / g) + c / g][c % g] += a;
                }
            }
        }
        int kLo = (int) Math.floor(density * g + 1e-9);
        long target = Math.round(density * (double) nGroups * g);
        long extra = Math.max(0, target - (long) kLo * nGroups);
        int[][] order = new int[nGroups][];
        for (int q = 0; q < nGroups; q++) order[q] = ranked(scores[q]);
        boolean[] bonus = new boolean[nGroups];
        if (extra > 0 && kLo < g) {
            Integer[] byNext = new Integer[nGroups];
            for (int q = 0; q < nGroups; q++) byNext[q] = q;
            final int next = kLo;
            Arrays.sort(byNext, (x, y) -> {
                int c = Double.compare(scores[y][order[y][next]], scores[x][order[x][next]]);
                return c != 0 ? c : Integer.compare(x, y);
            });
            for (int i = 0; i < extra; i++) bonus[byNext[i]] = true;
        }
        float[] m = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int unit = 0; unit < units; unit++) {
                for (int j = 0; j < in / g; j++) {
                    int q = (o * units + unit) * (in / g) + j;
                    int keep = Math.min(g, kLo + (bonus[q] ? 1 : 0));
                    for (int r = 0; r < keep; r++) {
                        int c = j * g + order[q][r];
                        if (shareAcrossTaps) {
                            for (int t = 0; t < taps; t++) m[(o * in + c) * taps + t] = 1;
                        } else {
                            m[(o * in + c) * taps + unit] = 1;
                        }
                    }
                }
            }
        }
        return m;
    }

    /** Member indices by descending score, ties to the lower index. */
    private static int[] ranked(double[] s) {
        Integer[] idx = new Integer[s.length];
        for (int i = 0; i < s.length; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> {
            int c = Double.compare(s[y], s[x]);
            return c != 0 ? c : Integer.compare(x, y);
        });
        int[] out = new int[s.length];
        for (int i = 0; i < s.length; i++) out[i] = idx[i];
        return out;
    }
}
