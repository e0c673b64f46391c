package org.sparselab.models;

import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import org.sparselab.nn.Init;
import org.sparselab.nn.LinearSpec;

/**
 * How the final linear layer (the classifier, {@code fc}) is initialised: {@code model.classifier_init}.
 *
 * <p>The reference codes differ here: the StrucSpars CIFAR ResNets ({@code resnet_cifar.py}) initialise it
 * Kaiming-normal with fan-out like their convolutions, torchvision's and StrucSpars' ImageNet ResNets leave
 * {@code torch.nn.Linear}'s default, torchvision's MobileNetV2 draws N(0, 0.01²) with a zero bias. {@link #AUTO}
 * takes the architecture's reference; the others override it for any architecture. The bias keeps its reference
 * initialisation except under {@link #NORMAL_0_01}.
 */
public enum ClassifierInit {
    /** The architecture's reference initialisation (see each model file). */
    AUTO,
    /** {@code torch.nn.Linear}'s default: weight and bias U(−1/√in, 1/√in). */
    TORCH,
    /** {@code kaiming_normal_(mode='fan_out', nonlinearity='relu')}: weight N(0, 2/out); bias as {@link #TORCH}. */
    KAIMING_NORMAL_FAN_OUT,
    /** Weight N(0, 0.01²), bias 0 (torchvision's MobileNetV2). */
    NORMAL_0_01;

    /** The classifier {@code fc}: {@code in → classes}, initialised by {@code chosen}, or {@code reference} if AUTO. */
    static LinearSpec spec(ClassifierInit chosen, ClassifierInit reference, int in, int classes) {
        ClassifierInit init = chosen == AUTO ? reference : chosen;
        Initializer bias = new UniformInitializer((float) (1 / Math.sqrt(in)));
        return switch (init) {
            case TORCH -> LinearSpec.torchDefault("fc", in, classes);
            case KAIMING_NORMAL_FAN_OUT -> new LinearSpec("fc", in, classes, Init.kaimingNormalFanOut(), bias);
            case NORMAL_0_01 -> new LinearSpec("fc", in, classes, Init.normal(0.01f), Initializer.ZEROS);
            case AUTO -> throw new IllegalArgumentException("an architecture's reference init cannot be AUTO");
        };
    }
}
