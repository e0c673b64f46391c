package org.sparselab.methods.strucspars;

import java.util.Random;

/**
 * Channel permutations as index vectors, in the official convention: {@code P[a]} is the original row placed at
 * permuted position {@code a}, so {@code S' = S[P,:][:,Q]} and {@code P_inv = argsort(P)}.
 */
public final class Permutations {
    private Permutations() {}

    public static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    /** {@code argsort(p)} for a permutation: {@code inv[p[a]] = a}. */
    public static int[] inverse(int[] p) {
        int[] inv = new int[p.length];
        java.util.Arrays.fill(inv, -1);
        for (int a = 0; a < p.length; a++) {
            if (p[a] < 0 || p[a] >= p.length || inv[p[a]] != -1) {
                throw new IllegalArgumentException("not a permutation: index " + p[a] + " at position " + a);
            }
            inv[p[a]] = a;
        }
        return inv;
    }

    /** True when {@code p} holds every index 0..n-1 exactly once. */
    public static boolean isPermutation(int[] p) {
        boolean[] seen = new boolean[p.length];
        for (int x : p) {
            if (x < 0 || x >= p.length || seen[x]) return false;
            seen[x] = true;
        }
        return true;
    }

    /** ShuffleNet's interleave for {@code groups} groups: {@code arange(n).reshape(groups, -1).T.flatten()}. */
    public static int[] interleave(int n, int groups) {
        if (groups <= 0 || n % groups != 0) throw new IllegalArgumentException(groups + " groups do not divide " + n);
        int per = n / groups;
        int[] p = new int[n];
        int a = 0;
        for (int j = 0; j < per; j++) {
            for (int g = 0; g < groups; g++) p[a++] = g * per + j;
        }
        return p;
    }

    /** A uniformly random permutation (Fisher–Yates) drawn from {@code rng}. */
    public static int[] random(int n, Random rng) {
        int[] p = identity(n);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** {@code m[rowPerm,:][:,colPerm]}. */
    public static double[][] permute(double[][] m, int[] rowPerm, int[] colPerm) {
        double[][] out = new double[rowPerm.length][colPerm.length];
        for (int a = 0; a < rowPerm.length; a++) {
            double[] src = m[rowPerm[a]];
            for (int c = 0; c < colPerm.length; c++) out[a][c] = src[colPerm[c]];
        }
        return out;
    }
}
