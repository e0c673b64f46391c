package org.sparselab.models;

/** The one listing of built-in model families. */
public final class Models {
    private Models() {}

    /** A fresh registry holding every built-in architecture. */
    public static ModelRegistry defaults() {
        ModelRegistry r = new ModelRegistry();
        CifarResNet.register(r);
        ImageNetResNet.register(r);
        Vgg.register(r);
        MobileNetV2.register(r);
        ShuffleNetV1.register(r);
        ShuffleNetV2.register(r);
        return r;
    }
}
