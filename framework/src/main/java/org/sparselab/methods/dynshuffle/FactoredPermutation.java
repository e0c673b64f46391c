package org.sparselab.methods.dynshuffle;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.sparselab.nn.ChannelShuffle;
import org.sparselab.nn.Constants;

/**
 * The tensor algebra of dynamic shuffle on (N, C, H, W) activations, never materialising a C×C matrix.
 *
 * <p>Spec §2.3 [D]: for one block with {@code X = x_b.reshape(n1, n2, S)}, {@code ((A⊗B)·x_b)[i,j,:] =
 * Σ_k Σ_l A[i,k]·B[j,l]·X[k,l,:]}: two small batched matmuls costing S·n·(n1+n2) MACs per block instead of S·n².
 * Channel index inside a block is row-major, {@code c = i·n2 + j}.
 */
public final class FactoredPermutation {
    private FactoredPermutation() {}

    /**
     * {@code blockdiag_b(A_b ⊗ B_b)·x}, before the cross-group shuffle, as (N, C, S).
     *
     * @param a (Na, F, n1, n1) with Na ∈ {1, N} and F ∈ {1, blocks} (broadcast over samples and blocks)
     * @param b (Nb, F, n2, n2), likewise
     */
    public static NDArray applyKron(NDArray x, NDArray a, NDArray b, ShuffleLayout l) {
        Shape s = x.getShape();
        long n = s.get(0);
        long spatial = s.size() / (n * l.channels());
        NDArray xs = x.reshape(n, l.blocks(), l.n1(), l.n2(), spatial);
        long nb = b.getShape().get(0);
        long fb = b.getShape().get(1);
        // (Nb, F, 1, n2, n2) @ (N, blocks, n1, n2, S): B acts on the j index of every row i.
        NDArray z = b.reshape(nb, fb, 1, l.n2(), l.n2()).matMul(xs);
        // (Na, F, n1, n1) @ (N, blocks, n1, n2·S): A acts on the i index.
        NDArray y = a.matMul(z.reshape(n, l.blocks(), l.n1(), (long) l.n2() * spatial));
        return y.reshape(n, l.channels(), spatial);
    }

    /** {@code blockdiag_b(W_b)·x} for dense per-block matrices w (1, blocks, m, m), as (N, C, S). */
    public static NDArray applyBlocks(NDArray x, NDArray w, ShuffleLayout l) {
        Shape s = x.getShape();
        long n = s.get(0);
        long spatial = s.size() / (n * l.channels());
        return w.matMul(x.reshape(n, l.blocks(), l.blockSize(), spatial)).reshape(n, l.channels(), spatial);
    }

    /** ShuffleNet's shuffle on (N, C, S): {@link ChannelShuffle#interleave}. */
    public static NDArray crossShuffle(NDArray y, int groups) {
        return ChannelShuffle.interleave(y, groups);
    }

    /**
     * Σ over the F matrices of mean over the batch of {@code ‖MMᵀ − I‖²_F / d} for m (N, F, d, d): the spec's
     * orthogonality term (§2.5) before the average over all matrices. Zero exactly for permutation matrices.
     */
    public static NDArray orthSum(NDArray m) {
        int d = (int) m.getShape().get(3);
        NDArray eye = m.getManager().eye(d).toDevice(m.getDevice(), false).toType(m.getDataType(), false);
        NDArray gram = m.matMul(m.transpose(0, 1, 3, 2));
        NDArray perSample = gram.sub(eye).square().sum(new int[] {1, 2, 3});
        return perSample.mean().div(Constants.scalar(perSample, d));
    }

    /**
     * Straight-through binarisation (spec §2.6): the forward value is exactly {@code hard} (x − x = 0 in IEEE), the
     * gradient is the softmax's.
     */
    public static NDArray straightThrough(NDArray soft, NDArray hard) {
        return hard.add(soft.sub(soft.stopGradient()));
    }

    /**
     * The source row of every output row when (N, C, S) activations are flattened to (N·C, S): output channel c of
     * sample s takes input channel {@code perm} with the factors' permutations and the cross-group shuffle folded in
     * (spec §2.6 index arithmetic).
     *
     * @param pa pa[sample][set][i] = the column of row i of A (set = factor set, see {@link ShuffleLayout})
     * @param pb likewise for B
     */
    public static long[] gatherRows(int[][][] pa, int[][][] pb, ShuffleLayout l) {
        int samples = pa.length;
        int[] within = new int[l.channels()];
        long[] rows = new long[samples * l.channels()];
        for (int s = 0; s < samples; s++) sampleRows(pa[s], pb[s], l, s, within, rows);
        return rows;
    }

    /**
     * Sample s's part of {@link #gatherRows}: {@code a[set]}, {@code b[set]} its factors' permutations;
     * {@code within} is scratch of C ints.
     */
    static void sampleRows(int[][] a, int[][] b, ShuffleLayout l, int s, int[] within, long[] rows) {
        int c = l.channels();
        int m = l.blockSize();
        int n2 = l.n2();
        int groups = l.groups();
        int perGroup = c / groups;
        for (int blk = 0; blk < l.blocks(); blk++) {
            int set = l.sharedFactors() ? 0 : blk;
            int[] pa = a[set];
            int[] pb = b[set];
            for (int i = 0; i < l.n1(); i++) {
                int rowBase = blk * m + pa[i] * n2;
                for (int j = 0; j < n2; j++) within[blk * m + i * n2 + j] = rowBase + pb[j];
            }
        }
        long base = (long) s * c;
        int at = s * c;
        for (int out = 0; out < c; out++) rows[at + out] = base + within[(out % groups) * perGroup + out / groups];
    }
}
