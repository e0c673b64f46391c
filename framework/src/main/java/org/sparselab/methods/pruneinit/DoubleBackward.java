package org.sparselab.methods.pruneinit;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.sparselab.nn.TorchEngine;

/**
 * The two autograd calls DJL's {@code GradientCollector} does not expose, from the PyTorch engine: a backward pass
 * that records its own graph ({@code create_graph=True}), so a gradient can be differentiated again (GraSP's
 * Hessian-gradient product), and resetting a parameter's gradient without keeping its graph alive.
 *
 * <p>A gradient with a graph references its parameter (PyTorch warns of the cycle once); {@link #zeroGradient}
 * detaches it in place, so nothing outlives the scoring pass.
 */
final class DoubleBackward {
    private DoubleBackward() {}

    /**
     * Backpropagates {@code target} (a scalar); {@code retainGraph} keeps the forward graph's saved tensors for a
     * second backward through it, {@code createGraph} records this backward so its gradients can be differentiated.
     */
    static void backward(NDArray target, boolean retainGraph, boolean createGraph) {
        requirePyTorch();
        try (NDArray ones = target.onesLike()) {
            JniUtils.backward((PtNDArray) target, (PtNDArray) ones, retainGraph, createGraph);
        }
    }

    static void zeroGradient(NDArray parameter) {
        requirePyTorch();
        JniUtils.zeroGrad((PtNDArray) parameter);
    }

    private static void requirePyTorch() {
        if (!TorchEngine.active()) {
            throw new IllegalStateException("grasp and synflow need the PyTorch engine's autograd");
        }
    }
}
