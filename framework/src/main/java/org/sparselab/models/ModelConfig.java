package org.sparselab.models;

import org.sparselab.config.Check;
import org.sparselab.config.Doc;

/** The {@code model:} section. */
@Doc("The network to train.")
public record ModelConfig(
        @Doc("Registered architecture name, e.g. resnet20, resnet56, vgg16_bn, mobilenet_v2, shufflenet_v1_g3_x1_0, "
                + "shufflenet_v2_x1_0 (`./sparselab models` lists them).") String arch) {
    public ModelConfig {
        Check.notBlank("arch", arch);
        Models.defaults().check("arch", arch); // at load time, so the error carries file:line
    }
}
