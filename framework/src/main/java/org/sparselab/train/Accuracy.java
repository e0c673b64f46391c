package org.sparselab.train;

import ai.djl.ndarray.NDArray;

/** Top-1 and top-k hit counts of a batch of logits. */
final class Accuracy {
    private Accuracy() {}

    /** {top-1 hits, top-k hits} with k = min(5, classes); labels are int64 class indices. */
    static long[] hits(NDArray logits, NDArray labels) {
        int k = (int) Math.min(5, logits.getShape().get(1));
        NDArray top = logits.argSort(1, false).get(":, :" + k);
        NDArray match = top.eq(labels.reshape(-1, 1));
        long top1 = match.get(":, 0").sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
        long topk = match.sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
        return new long[] {top1, topk};
    }
}
