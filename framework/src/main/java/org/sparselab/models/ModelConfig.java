package org.sparselab.models;

import org.sparselab.config.Check;
import org.sparselab.config.Default;
import org.sparselab.config.Doc;

/** The {@code model:} section. */
@Doc("The network to train.")
public record ModelConfig(
        @Doc("Registered architecture name, e.g. resnet20, resnet56, vgg16_bn, mobilenet_v2, shufflenet_v1_g3_x1_0, "
                + "shufflenet_v2_x1_0 (`./sparselab models` lists them).") String arch,
        @Doc("Classifier (final linear layer) initialisation: auto (the architecture's reference code: CIFAR ResNets "
                + "Kaiming-normal fan-out as the StrucSpars ResNets, MobileNetV2 N(0, 0.01²), the others torch's "
                + "Linear default), torch, kaiming_normal_fan_out, normal_0_01.")
        @Default("auto") ClassifierInit classifierInit) {
    public ModelConfig {
        Check.notBlank("arch", arch);
        Models.defaults().check("arch", arch); // at load time, so the error carries file:line
        if (classifierInit == null) classifierInit = ClassifierInit.AUTO;
    }

    /** The architecture with its reference classifier initialisation. */
    public ModelConfig(String arch) {
        this(arch, ClassifierInit.AUTO);
    }
}
