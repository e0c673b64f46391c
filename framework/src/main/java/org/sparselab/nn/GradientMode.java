package org.sparselab.nn;

import java.util.Locale;

/** How a masked layer's dense weight is trained; the forward pass always uses {@code W ⊙ M}. */
public enum GradientMode {
    /** ∂L/∂W = M ⊙ g: masked weights get no gradient (autograd of {@code W ⊙ M}). */
    MASKED,
    /**
     * Straight-through: the dense weight receives the whole gradient g, so a masked weight can grow back and be
     * re-selected (forward value {@code W + stopGradient(W ⊙ M − W)}, exactly {@code W ⊙ M}).
     */
    STE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static GradientMode named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
