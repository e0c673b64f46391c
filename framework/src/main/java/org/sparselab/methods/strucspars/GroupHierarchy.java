package org.sparselab.methods.strucspars;

/**
 * The hierarchical block structure of StrucSpars on a {@code rows × cols} matrix: the cost matrix {@code R}, the
 * depth-g regularisation matrix {@code R_g}, the relationship mask {@code U_g} and the grouping criterion.
 *
 * <p>Follows {@code get_cost_mat}, {@code get_mask_from_level} and {@code utils.get_level} of the official code
 * ({@code docs/methods/strucspars.md} §1.1, §1.4): split both dims in half while both are even, give the two
 * off-diagonal quadrants {@code value} and recurse into the diagonal quadrants with {@code value·power}. Group level
 * g means {@code 2^(g-1)} groups; level 1 is dense.
 */
public final class GroupHierarchy {
    private final int rows;
    private final int cols;
    private final int depth; // K: how many times both dims halve

    public GroupHierarchy(int rows, int cols) {
        if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("dims must be positive: " + rows + "x" + cols);
        this.rows = rows;
        this.cols = cols;
        int k = 0;
        for (int r = rows, c = cols; r % 2 == 0 && c % 2 == 0; r /= 2, c /= 2) k++;
        this.depth = k;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** K = min(v2(rows), v2(cols)): the number of levels below the root; 0 when either dim is odd. */
    public int depth() {
        return depth;
    }

    /**
     * The highest group level a layer can reach: K with the official quirk (the criterion never returns K + 1, so
     * at most {@code 2^(K-1)} groups), K + 1 without it. At least 1.
     */
    public int maxLevel(boolean officialQuirk) {
        return Math.max(1, officialQuirk ? depth : depth + 1);
    }

    /** {@code R} truncated at {@code depth} levels ({@code Integer.MAX_VALUE} = full depth, the assignment cost). */
    public double[][] costMatrix(int levels, double power) {
        double[][] m = new double[rows][cols];
        fill(m, 0, 0, rows, cols, 1.0, levels, power);
        return m;
    }

    private static void fill(double[][] m, int r0, int c0, int r, int c, double value, int levels, double power) {
        if (r % 2 != 0 || c % 2 != 0 || levels <= 0) return;
        int hr = r / 2;
        int hc = c / 2;
        for (int i = 0; i < hr; i++) {
            for (int j = hc; j < c; j++) m[r0 + i][c0 + j] = value;      // top-right
        }
        for (int i = hr; i < r; i++) {
            for (int j = 0; j < hc; j++) m[r0 + i][c0 + j] = value;      // bottom-left
        }
        fill(m, r0, c0, hr, hc, value * power, levels - 1, power);
        fill(m, r0 + hr, c0 + hc, hr, hc, value * power, levels - 1, power);
    }

    /**
     * The tier of every entry: 0 on the finest diagonal blocks, t ≥ 1 for entries first separated at depth t
     * counted from the finest level, i.e. the coarsest off-diagonal quadrants have tier K. Entry values of the full
     * {@code R} are {@code power^(K - tier)} for tier ≥ 1.
     */
    public int[][] tiers() {
        int[][] t = new int[rows][cols];
        int br = rows;
        int bc = cols;
        for (int level = 0; level < depth; level++) {
            int hr = br / 2;
            int hc = bc / 2;
            int tier = depth - level;
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    if (t[i][j] == 0 && i / br == j / bc && (i % br) / hr != (j % bc) / hc) t[i][j] = tier;
                }
            }
            br = hr;
            bc = hc;
        }
        return t;
    }

    /**
     * {@code U_level} in permuted coordinates: true on the {@code 2^(level-1)} diagonal blocks (kept weights), false
     * elsewhere. Equals {@code get_mask_from_level}: zero wherever {@code R_{level-1}} is positive.
     */
    public boolean[][] keepMask(int level) {
        checkLevel(level);
        boolean[][] keep = new boolean[rows][cols];
        int groups = 1 << (level - 1);
        int so = rows / groups;
        int si = cols / groups;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) keep[i][j] = i / so == j / si;
        }
        return keep;
    }

    /**
     * The fraction of the total mass of {@code sPermuted} (non-negative) left after zeroing the k coarsest levels,
     * for k = 0..K: {@code percents[0] = 1} (for a non-zero matrix). Independent of the threshold, so a bisection over
     * thresholds computes it once.
     */
    public double[] keptMassFractions(double[][] sPermuted) {
        int[][] tier = tiers();
        double[] massByTier = new double[depth + 1];
        double total = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                massByTier[tier[i][j]] += sPermuted[i][j];
                total += sPermuted[i][j];
            }
        }
        double[] percents = new double[depth + 1];
        double left = total;
        for (int k = 0; k <= depth; k++) {
            percents[k] = left / (total + 1e-12); // official: s / (sums[0] + 1e-12)
            left -= massByTier[depth - k];        // the k+1-th coarsest level goes next
        }
        return percents;
    }

    /**
     * The grouping criterion ({@code utils.get_level}): the first k with {@code percents[k] < 1 - thres}, or K when
     * none is; {@code officialQuirk = false} returns K + 1 in that case (all levels can be removed). Guarded to at
     * least 1, where the official code would return 0 (odd dims or an all-zero layer) and break {@code 2^(level-1)}.
     */
    public int level(double[] percents, double thres, boolean officialQuirk) {
        for (int k = 0; k < percents.length; k++) {
            if (percents[k] < 1.0 - thres) return Math.max(1, k);
        }
        return maxLevel(officialQuirk);
    }

    private void checkLevel(int level) {
        if (level < 1 || level > depth + 1) {
            throw new IllegalArgumentException("level " + level + " outside 1.." + (depth + 1) + " for a " + rows + "x"
                    + cols + " matrix");
        }
    }
}
