package org.sparselab.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Channel gathers as row gathers: {@code x (N, C, …)} viewed as {@code (N·C, rest)} rows, and rows picked by
 * {@code torch.embedding} (index_select on dim 0), which costs about one copy. PyTorch advanced indexing
 * ({@code x[:, idx]}, DJL's {@code x.get(NDIndex)}) measured 2–6× that on this CPU (1 thread: batch 1, 16×32×32:
 * 101 vs 53 µs, copy 39 µs; batch 64: 1 738 vs 278 µs, copy 186 µs).
 */
public final class ChannelGather {
    private ChannelGather() {}

    /**
     * Output row r of the (N·C, rest) view is input row {@code rows[r]}; the result has {@code x}'s shape. Gradients
     * flow back to {@code x}.
     */
    public static NDArray rows(NDArray x, NDArray rows) {
        Shape s = x.getShape();
        long n = rows.getShape().get(0);
        NDArray table = x.reshape(n, s.size() / n);
        NDArray picked = table.getNDArrayInternal().embedding(rows, table, SparseFormat.DENSE).head();
        // DJL puts embedding's result in the index's manager, which may be a layer's (a cached index): move it to
        // the pass's, or every forward would leak one activation.
        picked.attach(x.getManager());
        NDArray y = picked.reshape(s);
        y.attach(x.getManager());
        return y;
    }

    /** The row index that applies one channel order {@code y[:, k] = x[:, order[k]]} to every sample of a batch. */
    public static long[] sameOrderForEverySample(int[] order, int batch) {
        int c = order.length;
        long[] rows = new long[Math.multiplyExact(batch, c)];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < c; k++) rows[b * c + k] = (long) b * c + order[k];
        }
        return rows;
    }

    /**
     * Picks channels of {@code x (N, C, H, W)}: output channel k of sample b is input row {@code rows[b·m + k]} of the
     * (N·C, H·W) view, so the result has {@code m = channels} channels (fewer than C for a subset). Gradients flow.
     */
    public static NDArray channels(NDArray x, NDArray rows, int channels) {
        Shape s = x.getShape();
        long rowsIn = s.get(0) * s.get(1);
        NDArray table = x.reshape(rowsIn, s.size() / rowsIn);
        NDArray picked = table.getNDArrayInternal().embedding(rows, table, SparseFormat.DENSE).head();
        picked.attach(x.getManager());
        NDArray y = picked.reshape(s.get(0), channels, s.get(2), s.get(3));
        y.attach(x.getManager());
        return y;
    }

    /** The row index for {@link #channels}: {@code y[b, k] = x[b, picked[k]]} for a batch of {@code inChannels}-channel inputs. */
    public static long[] pickForEverySample(int[] picked, int inChannels, int batch) {
        int m = picked.length;
        long[] rows = new long[Math.multiplyExact(batch, m)];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < m; k++) rows[b * m + k] = (long) b * inChannels + picked[k];
        }
        return rows;
    }
}
