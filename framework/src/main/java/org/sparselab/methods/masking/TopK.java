package org.sparselab.methods.masking;

import java.util.Arrays;
import java.util.List;

/**
 * Exact top-k selection of weights by score: exactly k kept, ties broken by position (the earlier weight wins), so
 * a mask is a pure function of the scores and a budget is met to the weight, never "about".
 */
public final class TopK {
    private TopK() {}

    /** A 0/1 mask keeping the {@code k} highest of {@code scores} (among {@code eligible}, when not null). */
    public static float[] keep(float[] scores, long k, float[] eligible) {
        float[] mask = new float[scores.length];
        for (int i : indices(List.of(scores), k, eligible == null ? null : List.of(eligible))) mask[i] = 1;
        return mask;
    }

    /**
     * Global selection over several layers: the {@code k} highest scores of all layers together, as one mask per
     * layer. {@code eligible} (per layer, or null) limits the candidates, e.g. to weights still kept.
     */
    public static List<float[]> keepGlobal(List<float[]> scores, long k, List<float[]> eligible) {
        int[] offsets = new int[scores.size() + 1];
        for (int l = 0; l < scores.size(); l++) offsets[l + 1] = offsets[l] + scores.get(l).length;
        float[][] masks = new float[scores.size()][];
        for (int l = 0; l < scores.size(); l++) masks[l] = new float[scores.get(l).length];
        for (int flat : indices(scores, k, eligible)) {
            int l = Arrays.binarySearch(offsets, flat);
            l = l >= 0 ? l : -l - 2;
            while (offsets[l + 1] <= flat) l++;
            masks[l][flat - offsets[l]] = 1;
        }
        return List.of(masks);
    }

    /** Flat positions (layers concatenated) of the k best eligible scores; NaN scores rank lowest. */
    private static int[] indices(List<float[]> scores, long k, List<float[]> eligible) {
        int n = 0;
        for (float[] s : scores) n += s.length;
        long[] keys = new long[n];
        int m = 0;
        int flat = 0;
        for (int l = 0; l < scores.size(); l++) {
            float[] s = scores.get(l);
            float[] e = eligible == null ? null : eligible.get(l);
            for (int i = 0; i < s.length; i++, flat++) {
                if (e != null && e[i] == 0) continue;
                // Sort key: descending score, then ascending position, packed into one long.
                keys[m++] = ((long) ~orderable(s[i]) << 32) | flat;
            }
        }
        if (k > m) throw new IllegalArgumentException("cannot keep " + k + " of " + m + " eligible weights");
        long[] candidates = Arrays.copyOf(keys, m);
        Arrays.sort(candidates);
        int[] out = new int[(int) k];
        for (int i = 0; i < k; i++) out[i] = (int) (candidates[i] & 0xffffffffL);
        return out;
    }

    /** An int whose signed order is the float's order (NaN lowest). */
    private static int orderable(float f) {
        if (Float.isNaN(f)) return Integer.MIN_VALUE;
        int bits = Float.floatToIntBits(f == 0 ? 0f : f); // -0 equals 0
        return bits >= 0 ? bits : bits ^ 0x7fffffff;
    }
}
