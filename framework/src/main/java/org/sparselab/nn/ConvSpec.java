package org.sparselab.nn;

import ai.djl.ndarray.types.Shape;

/**
 * Everything a model says about one 2-D convolution; a {@link ConvFactory} decides how it is realised.
 *
 * @param path dotted position in the model ({@code stage1.block0.conv1}), stable across factories: methods and
 *     per-layer tables key on it
 * @param role what the model uses the layer for; methods decide per role which convs they take over (e.g. the
 *     stem is never sparsified in StrucSpars)
 */
public record ConvSpec(String path, Role role, int in, int out, int kernel, int stride, int padding, int dilation,
        int groups, boolean bias) {

    /** Where a convolution sits in its network. */
    public enum Role {
        /** The first convolution on the image. */
        STEM,
        /** A convolution inside a residual / inverted-residual / shuffle block. */
        BLOCK,
        /** A 1×1 projection on a shortcut path. */
        SHORTCUT,
        /** A convolution in a network's head (e.g. MobileNetV2's last 1×1). */
        HEAD
    }

    public ConvSpec {
        if (in <= 0 || out <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || dilation <= 0 || groups <= 0) {
            throw new IllegalArgumentException("invalid conv " + path + ": " + in + "→" + out + " k" + kernel
                    + " s" + stride + " p" + padding + " d" + dilation + " g" + groups);
        }
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(
                    "conv " + path + ": groups " + groups + " must divide in " + in + " and out " + out);
        }
    }

    /** A bias-free square convolution with "same"-style padding {@code kernel/2}, the common case in CNNs. */
    public static ConvSpec of(String path, Role role, int in, int out, int kernel, int stride, int groups) {
        return new ConvSpec(path, role, in, out, kernel, stride, kernel / 2, 1, groups, false);
    }

    public boolean isDepthwise() {
        return groups == in && groups == out && groups > 1;
    }

    /** Weight shape in PyTorch order: (out, in/groups, k, k). */
    public Shape weightShape() {
        return new Shape(out, in / groups, kernel, kernel);
    }

    public Shape strideHw() { return new Shape(stride, stride); }

    public Shape paddingHw() { return new Shape(padding, padding); }

    public Shape dilationHw() { return new Shape(dilation, dilation); }

    /** Output shape (N, out, H', W') for an (N, in, H, W) input. */
    public Shape outputShape(Shape input) {
        return new Shape(input.get(0), out, outSize(input.get(2)), outSize(input.get(3)));
    }

    public long outSize(long inSize) {
        return (inSize + 2L * padding - (long) dilation * (kernel - 1) - 1) / stride + 1;
    }

    public ConvSpec withGroups(int newGroups) {
        return new ConvSpec(path, role, in, out, kernel, stride, padding, dilation, newGroups, bias);
    }
}
