package org.sparselab.nn;

import ai.djl.engine.Engine;

/** Whether this process runs DJL's PyTorch engine, whose native calls some layers and helpers make directly. */
public final class TorchEngine {
    private TorchEngine() {}

    public static boolean active() {
        return "PyTorch".equals(Engine.getInstance().getEngineName());
    }
}
