package org.sparselab.train.optim;

import java.util.List;
import java.util.function.Predicate;
import org.sparselab.config.Check;
import org.sparselab.config.ConfigException;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** SGD as {@code torch.optim.SGD} (dampening 0); see {@link TorchSgd}. */
@Doc("SGD with PyTorch semantics (torch.optim.SGD, dampening 0).")
public record SgdConfig(
        @Doc("Optimizer name: sgd.") String name,
        @Doc("Base learning rate, before the schedule.") double lr,
        @Doc("Momentum coefficient; 0 disables momentum.") @Default("0.9") double momentum,
        @Doc("Nesterov momentum (needs momentum > 0).") @Default("false") boolean nesterov,
        @Doc("L2 weight decay added to the gradient.") @Default("0") double weightDecay,
        @Doc("Decay biases and BatchNorm gamma/beta too (false excludes them, as timm's filter_bias_and_bn).")
                @Default("true") boolean decayNormAndBias)
        implements OptimizerConfig {
    public static final String NAME = "sgd";

    public SgdConfig {
        Check.oneOf("name", name, List.of(NAME));
        Check.positive("lr", lr);
        Check.inHalfOpen("momentum", momentum, 0, 1);
        Check.nonNegative("weight_decay", weightDecay);
        if (nesterov && momentum == 0) {
            throw new ConfigException("nesterov", "Nesterov momentum needs momentum > 0");
        }
    }

    @Override
    public TorchSgd create(Predicate<String> decays) {
        return new TorchSgd(lr, momentum, weightDecay, nesterov, decays);
    }
}
