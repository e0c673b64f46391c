package org.sparselab.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What a weight layer is in its network, as the methods that convert layers choose them: every conv and the
 * classifier has exactly one kind. The {@code layers:} option of every mask method lists kinds by these names.
 */
public enum LayerKind {
    /** The first convolution on the image ({@link ConvSpec.Role#STEM}). */
    STEM,
    /** A spatial (k &gt; 1), not depthwise, convolution inside a block. */
    BLOCK,
    /** A 1×1 convolution inside a block. */
    POINTWISE,
    /** A depthwise convolution (one input channel per group) inside a block. */
    DEPTHWISE,
    /** A projection on a shortcut path. */
    SHORTCUT,
    /** A convolution in the network's head (e.g. MobileNetV2's last 1×1). */
    HEAD,
    /** The final fully connected layer. */
    CLASSIFIER;

    /** The name used in configs ({@code block}, {@code pointwise}, …). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(LayerKind::configName).toList();
    }

    public static LayerKind named(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** The kind of a convolution. */
    public static LayerKind of(ConvSpec spec) {
        return switch (spec.role()) {
            case STEM -> STEM;
            case SHORTCUT -> SHORTCUT;
            case HEAD -> HEAD;
            case BLOCK -> spec.isDepthwise() ? DEPTHWISE : spec.kernel() == 1 ? POINTWISE : BLOCK;
        };
    }
}
