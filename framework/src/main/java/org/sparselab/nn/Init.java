package org.sparselab.nn;

import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;

/** Initialisers named as the papers name them, so a model file states its initialisation instead of inheriting DJL's. */
public final class Init {
    private Init() {}

    /**
     * Kaiming-normal with fan-out, gain √2 ({@code torch.nn.init.kaiming_normal_(mode='fan_out',
     * nonlinearity='relu')}): std = √(2 / (out · k · k)). DJL's Xavier with factor OUT and magnitude 2 is exactly this.
     */
    public static Initializer kaimingNormalFanOut() {
        return new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2f);
    }

    /** N(0, std²), e.g. the 0.01 used for classifier weights by torchvision's MobileNetV2. */
    public static Initializer normal(float std) {
        return new NormalInitializer(std);
    }
}
