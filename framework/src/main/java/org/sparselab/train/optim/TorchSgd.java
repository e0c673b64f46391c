package org.sparselab.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.function.Predicate;

/**
 * Stochastic gradient descent with PyTorch's rule ({@code torch.optim.SGD}, dampening 0): g ← g + wd·w; with
 * momentum μ ≠ 0, b ← g at the first step, else b ← μ·b + g, then g ← g + μ·b (Nesterov) or g ← b; w ← w − lr·g.
 *
 * <p>Source: the algorithm box of the PyTorch {@code torch.optim.SGD} documentation. Unlike DJL's {@code Sgd}, the
 * momentum buffer starts as a copy of the first gradient and weight decay enters the gradient before momentum, so
 * runs match PyTorch recipes (e.g. CIFAR ResNets: lr 0.1, μ 0.9, wd 5e-4).
 */
public final class TorchSgd extends TorchOptimizer {
    private final double momentum;
    private final double weightDecay;
    private final boolean nesterov;

    /**
     * @param lr initial learning rate (normally set per step with {@link #setLearningRate})
     * @param momentum μ in [0, 1); 0 disables the buffer
     * @param weightDecay L2 coefficient added to the gradient
     * @param nesterov Nesterov momentum (requires μ > 0, as in PyTorch)
     * @param decays whether weight decay applies to a parameter id
     */
    public TorchSgd(double lr, double momentum, double weightDecay, boolean nesterov, Predicate<String> decays) {
        super(lr, decays);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0");
        if (nesterov && momentum == 0) throw new IllegalArgumentException("Nesterov momentum requires momentum > 0");
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.nesterov = nesterov;
    }

    /** Plain torch defaults apart from lr: no momentum, no weight decay, everything decayed. */
    public TorchSgd(double lr) {
        this(lr, 0, 0, false, id -> true);
    }

    @Override
    protected String kind() {
        return "sgd";
    }

    @Override
    protected int numBuffers() {
        return 1;
    }

    @Override
    protected List<NDArray> fusedScalars(double lr, DataType type, NDManager stateManager) {
        return List.of(scalar(lr, type, stateManager), scalar(weightDecay, type, stateManager),
                scalar(momentum, type, stateManager));
    }

    /** {@link #step}'s ops for every weight in turn, as TorchScript. */
    @Override
    protected String fusedSource(boolean[] decay, int buffers) {
        if (buffers != (momentum == 0 ? 0 : 1)) return null;
        StringBuilder args = new StringBuilder("  def forward(self, lr: Tensor, wd: Tensor, mu: Tensor");
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < decay.length; i++) {
            String w = "w" + i, g = "g" + i, b = "b" + i, d = "d" + i;
            args.append(", ").append(w).append(": Tensor, ").append(g).append(": Tensor");
            if (momentum != 0) args.append(", ").append(b).append(": Tensor");
            String grad = g;
            if (weightDecay != 0 && decay[i]) {
                body.append("    ").append(d).append(" = torch.add(").append(g).append(", torch.mul(").append(w)
                        .append(", wd))\n");
                grad = d;
            }
            if (momentum != 0) {
                body.append("    ").append(b).append(".mul_(mu).add_(").append(grad).append(")\n");
                if (nesterov) {
                    body.append("    ").append(d).append("n = torch.add(").append(grad).append(", torch.mul(")
                            .append(b).append(", mu))\n");
                    grad = d + "n";
                } else {
                    grad = b;
                }
            }
            body.append("    ").append(w).append(".sub_(torch.mul(").append(grad).append(", lr))\n");
            body.append("    ").append(g).append(".zero_()\n");
        }
        return args.append(") -> List[Tensor]:\n").append(body).append("    return annotate(List[Tensor], [])\n")
                .toString();
    }

    @Override
    protected void step(NDArray w, NDArray grad, ParamState s, boolean decay, double lr, NDManager stateManager) {
        DataType t = w.getDataType(); // scalars in the weight's type: see scalar()
        NDArray g = grad; // shared with the other device copies: never modified in place
        if (weightDecay != 0 && decay) g = g.add(w.mul(scalar(weightDecay, t, stateManager)));
        if (momentum != 0) {
            NDArray buf = s.buffers[0];
            if (buf == null) {
                buf = g.duplicate(); // torch: buf = clone(g), i.e. μ·0 + g
                buf.attach(stateManager);
                s.buffers[0] = buf;
            } else {
                buf.muli(scalar(momentum, t, stateManager)).addi(g);
            }
            g = nesterov ? g.add(buf.mul(scalar(momentum, t, stateManager))) : buf;
        }
        w.subi(g.mul(scalar(lr, t, stateManager)));
    }
}
