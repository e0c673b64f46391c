package org.sparselab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.sparselab.nn.Constants;

/**
 * Softmax cross-entropy with label smoothing, equal to {@code torch.nn.CrossEntropyLoss(label_smoothing=ε)}: the
 * target is (1 − ε)·onehot + ε/K, the loss its cross-entropy with log-softmax(logits), averaged over the batch.
 */
public final class SmoothedCrossEntropy extends Loss {
    private final double epsilon;

    public SmoothedCrossEntropy(double epsilon) {
        super("cross_entropy");
        if (!(epsilon >= 0 && epsilon < 1)) throw new IllegalArgumentException("label smoothing must be in [0,1)");
        this.epsilon = epsilon;
    }

    /** Mean loss over the batch; {@code labels} are int64 class indices, {@code logits} (N, K). */
    public NDArray loss(NDArray logits, NDArray labels) {
        long k = logits.getShape().get(1);
        NDArray logp = logits.logSoftmax(1);
        NDArray nll = logp.mul(labels.oneHot((int) k, logits.getDataType())).sum(new int[] {1}).neg();
        if (epsilon == 0) return nll.mean();
        NDArray uniform = logp.mean(new int[] {1}).neg();
        return nll.mul(Constants.scalar(nll, 1 - epsilon)).add(uniform.mul(Constants.scalar(uniform, epsilon))).mean();
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        return loss(predictions.head(), labels.head());
    }
}
