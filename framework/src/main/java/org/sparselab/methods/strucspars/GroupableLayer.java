package org.sparselab.methods.strucspars;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.MaskedConv2d;

/**
 * One groupable convolution and its StrucSpars state: permutations P and Q, group level, the penalty matrix
 * {@code R_g[P_inv,:][:,Q_inv]} in original channel order and, once masked, the permuted mask {@code U_g}.
 *
 * <p>The conv is a {@link MaskedConv2d}: its mask is all ones while sparsifying and becomes {@code U_level} (in
 * original coordinates) at masking, which is the official fine-tuning form ({@code mask_group}).
 */
public final class GroupableLayer {
    private final MaskedConv2d conv;
    private final GroupHierarchy hierarchy;
    private final double[][] fullCost; // R at full depth: the assignment cost, fixed per layer
    private final double power;
    private final Map<Device, NDArray> penaltyByDevice = new HashMap<>();
    private int[] p;
    private int[] q;
    private int level = 1;
    private long outputPositions = 1; // H'×W' of the output, for the MACs metric
    private boolean masked;

    GroupableLayer(MaskedConv2d conv, double power) {
        this.conv = conv;
        ConvSpec s = conv.spec();
        this.hierarchy = new GroupHierarchy(s.out(), s.in());
        this.power = power;
        this.fullCost = hierarchy.costMatrix(Integer.MAX_VALUE, power);
        this.p = Permutations.identity(s.out());
        this.q = Permutations.identity(s.in());
    }

    public String path() {
        return conv.spec().path();
    }

    public ConvSpec spec() {
        return conv.spec();
    }

    public MaskedConv2d conv() {
        return conv;
    }

    public GroupHierarchy hierarchy() {
        return hierarchy;
    }

    public int[] p() {
        return p.clone();
    }

    public int[] q() {
        return q.clone();
    }

    public int level() {
        return level;
    }

    public int groups() {
        return 1 << (level - 1);
    }

    public boolean masked() {
        return masked;
    }

    double[][] fullCost() {
        return fullCost;
    }

    long outputPositions() {
        return outputPositions;
    }

    void setOutputPositions(long positions) {
        this.outputPositions = positions;
    }

    /** {@code S[o][i] = Σ_kernel |W[o,i,:,:]|} in double precision (the official weight-norm matrix). */
    public double[][] weightNorms() {
        ConvSpec s = conv.spec();
        float[] w = conv.weight().getArray().toFloatArray();
        int k2 = s.kernel() * s.kernel();
        double[][] norms = new double[s.out()][s.in()];
        for (int o = 0, at = 0; o < s.out(); o++) {
            for (int i = 0; i < s.in(); i++) {
                double sum = 0;
                for (int t = 0; t < k2; t++) sum += Math.abs((double) w[at++]);
                norms[o][i] = sum;
            }
        }
        return norms;
    }

    /** {@code S'= S[P,:][:,Q]}: the weight norms in permuted coordinates, where groups are diagonal blocks. */
    public double[][] permutedNorms() {
        return Permutations.permute(weightNorms(), p, q);
    }

    /** Sets P, Q and the level; the penalty matrix follows (it is rebuilt lazily). */
    void setState(int[] newP, int[] newQ, int newLevel) {
        if (!Permutations.isPermutation(newP) || newP.length != spec().out()
                || !Permutations.isPermutation(newQ) || newQ.length != spec().in()) {
            throw new IllegalArgumentException("invalid permutations for " + path());
        }
        if (newLevel < 1 || newLevel > hierarchy.depth() + 1) {
            throw new IllegalArgumentException("level " + newLevel + " out of range for " + path());
        }
        p = newP.clone();
        q = newQ.clone();
        level = newLevel;
        clearPenalty();
    }

    void setLevel(int newLevel) {
        setState(p, q, newLevel);
    }

    /** {@code R_level[P_inv,:][:,Q_inv]}: the penalty weights in original channel order (Cout × Cin). */
    public double[][] penaltyMatrix() {
        return Permutations.permute(hierarchy.costMatrix(level, power), Permutations.inverse(p),
                Permutations.inverse(q));
    }

    /**
     * The penalty matrix as a (Cout, Cin, 1, 1) array on {@code device}, cached in {@code owner} (the model's
     * manager) until P, Q or the level change.
     */
    NDArray penalty(Device device, NDManager owner) {
        NDArray cached = penaltyByDevice.get(device);
        if (cached != null) return cached;
        ConvSpec s = spec();
        double[][] r = penaltyMatrix();
        float[] flat = new float[s.out() * s.in()];
        for (int o = 0; o < s.out(); o++) {
            for (int i = 0; i < s.in(); i++) flat[o * s.in() + i] = (float) r[o][i];
        }
        NDArray arr = owner.create(flat, new Shape(s.out(), s.in(), 1, 1)).toDevice(device, false);
        penaltyByDevice.put(device, arr);
        return arr;
    }

    private void clearPenalty() {
        penaltyByDevice.values().forEach(NDArray::close);
        penaltyByDevice.clear();
    }

    /**
     * Masks the layer at its level: {@code mask = U_level[P_inv,:][:,Q_inv]} broadcast over the kernel, written into
     * the conv's mask parameter and applied to the weight at once (official {@code mask_group}).
     */
    void applyMask() {
        masked = true;
        writeMask(keepInOriginalOrder());
        reapplyMask();
    }

    /** Restores the masked flag after a resume (the mask itself is a parameter, restored with the weights). */
    void markMasked(boolean value) {
        masked = value;
    }

    /** weight ← weight ⊙ mask, so masked weights stay exactly zero through momentum and weight decay. */
    void reapplyMask() {
        if (masked) conv.applyMaskToWeight();
    }

    /** {@code keep[o][i]}: whether weight (o, i) survives at the current level, P and Q. */
    public boolean[][] keepInOriginalOrder() {
        boolean[][] keepPermuted = hierarchy.keepMask(level);
        int[] pInv = Permutations.inverse(p);
        int[] qInv = Permutations.inverse(q);
        ConvSpec s = spec();
        boolean[][] keep = new boolean[s.out()][s.in()];
        for (int o = 0; o < s.out(); o++) {
            for (int i = 0; i < s.in(); i++) keep[o][i] = keepPermuted[pInv[o]][qInv[i]];
        }
        return keep;
    }

    private void writeMask(boolean[][] keep) {
        ConvSpec s = spec();
        int k2 = s.kernel() * s.kernel();
        float[] m = new float[s.out() * s.in() * k2];
        for (int o = 0, at = 0; o < s.out(); o++) {
            for (int i = 0; i < s.in(); i++) {
                float v = keep[o][i] ? 1f : 0f;
                for (int t = 0; t < k2; t++) m[at++] = v;
            }
        }
        conv.setMask(m);
    }
}
