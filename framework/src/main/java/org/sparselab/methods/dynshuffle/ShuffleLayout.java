package org.sparselab.methods.dynshuffle;

import java.util.List;
import org.sparselab.config.ConfigException;
import org.sparselab.nn.ShuffleSpec;

/**
 * The shape of one dynamic shuffle: {@code channels} = {@code blocks}·n1·n2 channels in {@code blocks} Kronecker
 * blocks, each permuted by A ⊗ B (A: n1×n1, B: n2×n2), then ShuffleNet's cross-group shuffle with {@code groups}
 * groups. With {@code sharedFactors} one pair (A, B) serves all blocks.
 *
 * <p>Two layouts ({@code method.layout}). {@code group_blocks}: blocks = G and the spec's three readings of "two
 * shared small permutation matrices for each group" (§2.3): R1 {@code per_group}: one pair per block; R2
 * {@code shared}: one pair for all; R3 {@code group_factor}: one block of all C channels with factors (G, n), i.e.
 * P_G ⊗ P_n. {@code compact}: the block size is chosen from C so that both factors stay small ({@link
 * #smallFactors}); a large prime factor of C (29 in ShuffleNet V2 1.0×'s 116 = 4·29) becomes the number of blocks
 * instead of a factor size (regrouping rather than padding, which would map real channels onto padding); the
 * cross-group shuffle keeps the point's G.
 *
 * @param factorSets how many (A, B) pairs a sample has: 1 when shared, else {@code blocks}
 */
public record ShuffleLayout(String path, int channels, int groups, int blocks, int n1, int n2, boolean sharedFactors) {
    public ShuffleLayout {
        if (channels != blocks * n1 * n2 || channels % groups != 0) {
            throw new IllegalArgumentException("shuffle " + path + ": " + blocks + "·" + n1 + "·" + n2 + " != "
                    + channels + " or " + groups + " groups do not divide it");
        }
    }

    public int factorSets() {
        return sharedFactors ? 1 : blocks;
    }

    /** Channels per Kronecker block, n1·n2. */
    public int blockSize() {
        return n1 * n2;
    }

    /** Generator outputs per sample: factor sets × (n1² + n2²). */
    public int logits() {
        return factorSets() * (n1 * n1 + n2 * n2);
    }

    /** Logits of the A factors; the B factors follow. */
    public int logitsA() {
        return factorSets() * n1 * n1;
    }

    /**
     * The layout for a model's shuffle point under {@code cfg}: G from {@code groups} (0 = the point's own); compact:
     * blocks of {@link #smallFactors} (or the explicit {@code factors}) channels; group_blocks: n = C/G split by
     * {@code factors} (explicit, by path) or {@link #nearSquare}.
     */
    public static ShuffleLayout of(ShuffleSpec spec, DynShuffleConfig cfg) {
        int g = cfg.groups() == 0 ? spec.groups() : cfg.groups();
        int c = spec.channels();
        if (c % g != 0) {
            throw new ConfigException("method.groups", g + " groups do not divide the " + c + " channels of shuffle "
                    + spec.path() + "; choose a divisor or 0 (the point's own " + spec.groups() + ")");
        }
        List<Integer> explicit = cfg.factors().get(spec.path());
        boolean shared = cfg.sharing().equals("shared");
        if (cfg.compact()) {
            int[] f = explicit == null ? smallFactors(c, cfg.maxFactor())
                    : new int[] {explicit.get(0), explicit.get(1)};
            if (c % (f[0] * f[1]) != 0) {
                throw new ConfigException("method.factors." + spec.path(), "expected n1·n2 dividing the " + c
                        + " channels (compact layout), found " + f[0] + "·" + f[1]);
            }
            return new ShuffleLayout(spec.path(), c, g, c / (f[0] * f[1]), f[0], f[1], shared);
        }
        int n = c / g;
        boolean r3 = cfg.sharing().equals("group_factor");
        if (r3) {
            if (explicit != null) {
                throw new ConfigException("method.factors." + spec.path(), "sharing group_factor fixes the factors to "
                        + "(G, n) = (" + g + ", " + n + "); remove the entry or choose per_group/shared");
            }
            return new ShuffleLayout(spec.path(), c, g, 1, g, n, false);
        }
        int[] f;
        if (explicit != null) {
            f = new int[] {explicit.get(0), explicit.get(1)};
            if (f[0] * f[1] != n) {
                throw new ConfigException("method.factors." + spec.path(), "expected n1·n2 = n = C/G = " + n
                        + " (C " + c + ", G " + g + "), found " + f[0] + "·" + f[1]);
            }
        } else {
            f = nearSquare(n);
        }
        return new ShuffleLayout(spec.path(), c, g, g, f[0], f[1], shared);
    }

    /**
     * (n1, n2), n1 ≤ n2 ≤ {@code maxFactor}, with n1·n2 the largest divisor of {@code c} that is such a product, the
     * most square one on ties: 48 → (4, 4), 116 = 4·29 → (2, 2) in 29 blocks, 232 → (2, 4), 464 → (4, 4), 60 → (3, 4).
     */
    public static int[] smallFactors(int c, int maxFactor) {
        if (c <= 0 || maxFactor <= 0) throw new IllegalArgumentException("positive c and max factor: " + c);
        int[] best = {1, 1};
        for (int a = 1; a <= maxFactor; a++) {
            for (int b = a; b <= maxFactor; b++) {
                int n = a * b;
                int bestN = best[0] * best[1];
                if (c % n == 0 && (n > bestN || n == bestN && b - a < best[1] - best[0])) best = new int[] {a, b};
            }
        }
        return best;
    }

    /** (n1, n2) with n1·n2 = n, n1 the largest divisor ≤ √n (spec §2.8: 24 → (4, 6), 58 → (2, 29)). */
    public static int[] nearSquare(int n) {
        if (n <= 0) throw new IllegalArgumentException("n must be positive: " + n);
        int best = 1;
        for (int d = 1; (long) d * d <= n; d++) {
            if (n % d == 0) best = d;
        }
        return new int[] {best, n / best};
    }
}
