package org.sparselab.train.optim;

import java.util.List;
import java.util.function.Predicate;
import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** Adam as {@code torch.optim.Adam}, or AdamW when {@code decoupled}; see {@link TorchAdam}. */
@Doc("Adam with PyTorch semantics (torch.optim.Adam; torch.optim.AdamW when decoupled).")
public record AdamConfig(
        @Doc("Optimizer name: adam.") String name,
        @Doc("Base learning rate, before the schedule.") double lr,
        @Doc("First-moment decay.") @Default("0.9") double beta1,
        @Doc("Second-moment decay.") @Default("0.999") double beta2,
        @Doc("Added to the denominator.") @Default("1e-8") double eps,
        @Doc("Weight decay: L2 in the gradient, or decoupled when decoupled is true.") @Default("0")
                double weightDecay,
        @Doc("Decoupled weight decay (AdamW): w ← w·(1 − lr·weight_decay) before the Adam step.") @Default("false")
                boolean decoupled,
        @Doc("Decay biases and BatchNorm gamma/beta too (false excludes them, as timm's filter_bias_and_bn).")
                @Default("true") boolean decayNormAndBias)
        implements OptimizerConfig {
    public static final String NAME = "adam";

    public AdamConfig {
        Check.oneOf("name", name, List.of(NAME));
        Check.positive("lr", lr);
        Check.inHalfOpen("beta1", beta1, 0, 1);
        Check.inHalfOpen("beta2", beta2, 0, 1);
        Check.nonNegative("eps", eps);
        Check.nonNegative("weight_decay", weightDecay);
    }

    @Override
    public TorchAdam create(Predicate<String> decays) {
        return new TorchAdam(lr, beta1, beta2, eps, weightDecay, decoupled, decays);
    }
}
