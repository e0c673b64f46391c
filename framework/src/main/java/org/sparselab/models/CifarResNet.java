package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;
import org.sparselab.nn.InPlace;

/**
 * CIFAR ResNets (He et al., 2016, §4.2): a 3×3 stem of 16 channels, three stages of n basic blocks with 16, 32 and
 * 64 channels (the second and third start with stride 2), global average pooling, one linear layer; depth 6n + 2.
 *
 * <p>Where the shape changes, the shortcut is a 1×1 convolution with stride 2 followed by BN (the paper's option
 * B, as in the StrucSpars code) rather than option A's zero padding; that adds 2,752 parameters to every depth, so
 * ResNet-20 has 272,474 instead of the 0.27M published. Convolutions are initialised by the factory (dense:
 * Kaiming-normal fan-out), BN with γ = 1, β = 0, the classifier's weight Kaiming-normal fan-out as the StrucSpars
 * {@code resnet_cifar.py} does (its bias as {@code torch.nn.Linear}'s; {@code model.classifier_init} overrides).
 *
 * <p>No input adaptation is needed: the stem keeps the resolution, the stages halve it twice (28 → 7, 32 → 8).
 */
final class CifarResNet {
    private CifarResNet() {}

    /** One depth: {@code blocksPerStage} = n = (depth − 2) / 6; published parameters from He et al., Table 6. */
    record Variant(String name, int blocksPerStage, double publishedParamsM) {}

    static final int[] STAGE_CHANNELS = {16, 32, 64};
    static final int STEM_CHANNELS = 16;

    static final List<Variant> VARIANTS = List.of(
            new Variant("resnet20", 3, 0.27),
            new Variant("resnet32", 5, 0.46),
            new Variant("resnet44", 7, 0.66),
            new Variant("resnet56", 9, 0.85),
            new Variant("resnet110", 18, 1.7));

    static void register(ModelRegistry r) {
        VARIANTS.forEach(v -> r.register(v.name(), v.publishedParamsM(), ctx -> build(v, ctx)));
    }

    static Block build(Variant v, ModelContext ctx) {
        SequentialBlock net = new SequentialBlock();
        net.add(Layers.convBnRelu(ctx, ConvSpec.of("stem", Role.STEM, ctx.inChannels(), STEM_CHANNELS, 3, 1, 1)));
        int in = STEM_CHANNELS;
        for (int s = 0; s < STAGE_CHANNELS.length; s++) {
            int out = STAGE_CHANNELS[s];
            for (int b = 0; b < v.blocksPerStage(); b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                net.add(basicBlock(ctx, "stage" + (s + 1) + ".block" + b, in, out, stride));
                in = out;
            }
        }
        return net.add(Layers.classifier(ctx.classifier(in, ClassifierInit.KAIMING_NORMAL_FAN_OUT)));
    }

    /** conv3×3(stride)–BN–ReLU–conv3×3–BN, plus the shortcut, then ReLU. */
    static Block basicBlock(ModelContext ctx, String path, int in, int out, int stride) {
        SequentialBlock main = new SequentialBlock()
                .add(Layers.convBnRelu(ctx, ConvSpec.of(path + ".conv1", Role.BLOCK, in, out, 3, stride, 1)))
                .add(Layers.convBn(ctx, ConvSpec.of(path + ".conv2", Role.BLOCK, out, out, 3, 1, 1)));
        return residual(ctx, path, main, in, out, stride);
    }

    /** {@code relu(main(x) + x)}, or with a 1×1-conv + BN projection of x when the shape changes (option B). */
    static Block residual(ModelContext ctx, String path, Block main, int in, int out, int stride) {
        Block sum = stride == 1 && in == out
                ? Layers.addIdentity(main)
                : Layers.add(main, Layers.convBn(ctx,
                        ConvSpec.of(path + ".shortcut", Role.SHORTCUT, in, out, 1, stride, 1)));
        return new SequentialBlock().add(sum).add(InPlace.reluBlock());
    }
}
