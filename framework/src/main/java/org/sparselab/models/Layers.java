package org.sparselab.models;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import org.sparselab.nn.BatchNorm2d;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.InPlace;
import org.sparselab.nn.Scripted;


/** The few building blocks every model family shares: conv + BN (+ activation), residual add, concat, head. */
final class Layers {
    private Layers() {}

    /** BatchNorm with PyTorch's defaults: eps 1e-5, momentum 0.1, γ = 1, β = 0. */
    static Block bn() {
        return BatchNorm2d.torchDefaults();
    }

    /** The factory's conv for {@code spec}, then BN. */
    static SequentialBlock convBn(ModelContext ctx, ConvSpec spec) {
        return new SequentialBlock().add(ctx.convs().conv(spec)).add(bn());
    }

    /** The factory's conv for {@code spec}, then BN and ReLU. */
    static SequentialBlock convBnRelu(ModelContext ctx, ConvSpec spec) {
        return convBn(ctx, spec).add(InPlace.reluBlock());
    }

    /** The factory's conv for {@code spec}, then BN and ReLU6 (MobileNetV2). */
    static SequentialBlock convBnRelu6(ModelContext ctx, ConvSpec spec) {
        return convBn(ctx, spec).add(Activation.relu6Block());
    }

    /** {@code main(x) + shortcut(x)}, summed into main's output: {@link Scripted#sum}. */
    static ParallelBlock add(Block main, Block shortcut) {
        return Scripted.sum(main, shortcut);
    }

    /** {@code main(x) + x}. */
    static ParallelBlock addIdentity(Block main) {
        return add(main, Scripted.identity());
    }

    /** The branches' outputs concatenated along channels, in branch order. */
    static ParallelBlock concat(Block... branches) {
        return Scripted.concat(List.of(branches));
    }

    /** Channels {@code [from, to)} of an (N, C, H, W) input: ShuffleNet V2's channel split. */
    static Block channels(int from, int to) {
        return Scripted.channels(from, to);
    }

    /**
     * The ImageNet-style stem: a {@code kernel}×{@code kernel}/2 conv + BN + ReLU and a 3×3/2 max-pool; for small
     * inputs ({@link ModelContext#smallInput()}) a 3×3/1 conv and no pool, so 28–64 px images keep their resolution.
     */
    static void addStem(SequentialBlock net, ModelContext ctx, int channels, int kernel) {
        boolean small = ctx.smallInput();
        net.add(convBnRelu(ctx, ConvSpec.of("stem", ConvSpec.Role.STEM, ctx.inChannels(), channels,
                small ? 3 : kernel, small ? 1 : 2, 1)));
        if (!small) net.add(maxPool3x3s2());
    }

    /** 3×3 max-pool, stride 2, padding 1: the ImageNet stems' second downsampling. */
    static LambdaBlock maxPool3x3s2() {
        return Scripted.maxPool2d(3, 2, 1);
    }

    /** 2×2 max-pool, stride 2 (VGG). */
    static LambdaBlock maxPool2x2() {
        return Scripted.maxPool2d(2, 2, 0);
    }

    /** 3×3 average pool, stride 2, padding 1, zeros counted (PyTorch's {@code AvgPool2d} default). */
    static Block avgPool3x3s2() {
        return Scripted.avgPool3x3s2();
    }

    /** Global average pooling, flatten, then the classifier: (N, C, H, W) → (N, classes). */
    static SequentialBlock classifier(Block fc) {
        return classifier(0, fc);
    }

    /** Global average pooling, flatten, dropout (when {@code dropout} &gt; 0), then the classifier. */
    static SequentialBlock classifier(float dropout, Block fc) {
        SequentialBlock head = new SequentialBlock().add(Scripted.globalAvgPool()).add(Scripted.batchFlatten());
        if (dropout > 0) head.add(Dropout.builder().optRate(dropout).build());
        return head.add(fc);
    }
}
