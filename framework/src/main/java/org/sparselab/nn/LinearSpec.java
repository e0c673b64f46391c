package org.sparselab.nn;

import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;

/**
 * Everything a model says about one fully connected layer (its classifier); a {@link LinearFactory} decides how it
 * is realised, so a mask method can take the classifier over as it takes convolutions.
 *
 * @param weightInit the model's stated initialisation (a paper's choice, not DJL's default)
 */
public record LinearSpec(String path, int in, int out, Initializer weightInit, Initializer biasInit) {
    public LinearSpec {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("invalid linear " + path + ": " + in + "→" + out);
    }

    /** Initialised as {@code torch.nn.Linear} is by default: weights and bias U(−1/√in, 1/√in). */
    public static LinearSpec torchDefault(String path, int in, int out) {
        UniformInitializer u = new UniformInitializer((float) (1 / Math.sqrt(in)));
        return new LinearSpec(path, in, out, u, u);
    }
}
