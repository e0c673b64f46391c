package org.sparselab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.function.Predicate;

/**
 * Adam with PyTorch's rule ({@code torch.optim.Adam}, amsgrad off), or AdamW's decoupled weight decay
 * ({@code torch.optim.AdamW}) when {@code decoupled}.
 *
 * <p>Per step t (from 1): Adam adds wd·w to g, AdamW instead scales w ← w·(1 − lr·wd) first; then
 * m ← β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², w ← w − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε).
 * Source: the algorithm boxes of the PyTorch {@code Adam} and {@code AdamW} documentation and the single-tensor
 * implementation (ε added after the bias-corrected square root, as there).
 */
public final class TorchAdam extends TorchOptimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    /**
     * @param lr initial learning rate (normally set per step with {@link #setLearningRate})
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps added to the denominator
     * @param weightDecay L2 coefficient (Adam) or decoupled decay (AdamW)
     * @param decoupled AdamW's decoupled weight decay
     * @param decays whether weight decay applies to a parameter id
     */
    public TorchAdam(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
            Predicate<String> decays) {
        super(lr, decays);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1)");
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0");
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** torch defaults apart from lr: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public TorchAdam(double lr) {
        this(lr, 0.9, 0.999, 1e-8, 0, false, id -> true);
    }

    @Override
    protected String kind() {
        return "adam";
    }

    @Override
    protected int numBuffers() {
        return 2;
    }

    @Override
    protected void step(NDArray w, NDArray grad, ParamState s, boolean decay, double lr, NDManager stateManager) {
        DataType t = w.getDataType(); // scalars in the weight's type: see scalar()
        NDArray g = grad; // shared with the other device copies: never modified in place
        if (weightDecay != 0 && decay) {
            if (decoupled) w.muli(scalar(1 - lr * weightDecay, t, stateManager));
            else g = g.add(w.mul(scalar(weightDecay, t, stateManager)));
        }
        if (s.buffers[0] == null) {
            for (int i = 0; i < 2; i++) {
                s.buffers[i] = w.zerosLike();
                s.buffers[i].attach(stateManager);
            }
        }
        NDArray m = s.buffers[0];
        NDArray v = s.buffers[1];
        // torch: exp_avg.lerp_(g, 1 − β1), equal to β1·m + (1 − β1)·g
        m.muli(scalar(beta1, t, stateManager)).addi(g.mul(scalar(1 - beta1, t, stateManager)));
        v.muli(scalar(beta2, t, stateManager)).addi(g.mul(g).muli(scalar(1 - beta2, t, stateManager)));
        double biasCorrection1 = 1 - Math.pow(beta1, s.step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, s.step));
        NDArray denom = v.sqrt().divi(scalar(biasCorrection2Sqrt, t, stateManager)).addi(scalar(eps, t, stateManager));
        w.subi(m.div(denom).muli(scalar(lr / biasCorrection1, t, stateManager)));
    }
}
