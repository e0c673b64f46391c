package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;
import org.sparselab.nn.ShuffleSpec;

/**
 * ShuffleNet V2 (Ma et al., 2018, Table 5) in torchvision's layout: 3×3/2 stem of 24 channels, 3×3/2 max-pool,
 * stages 2–4 of 4, 8 and 4 units, a 1×1 conv5, global average pooling, one linear layer.
 *
 * <p>A unit (Fig. 3c) splits its channels in half, leaves one half as is and runs the other through 1×1–3×3 depthwise
 * –1×1; a downsampling unit (Fig. 3d) feeds the whole input to both branches, the left one 3×3 depthwise/2–1×1. The
 * halves are concatenated and then shuffled with 2 groups, the shuffle coming from the {@link
 * org.sparselab.nn.ShuffleFactory}. The left branch of a downsampling unit is part of the unit's computation, not an
 * identity-like shortcut, so its convs have {@link Role#BLOCK}.
 *
 * <p>Parameters at 3×224×224, 1000 classes, as torchvision: 1,366,792 / 2,278,604 / 3,503,624 / 7,393,996.
 * Small inputs ({@link ModelContext#smallInput()}: ≤ 64 px) get a stride-1 stem and no max-pool.
 */
final class ShuffleNetV2 {
    private ShuffleNetV2() {}

    /** One width: output channels of stages 2–4 and of conv5; torchvision's parameter count (millions). */
    record Variant(String name, int[] stageChannels, int conv5Channels, double publishedParamsM) {}

    static final int STEM_CHANNELS = 24;
    static final int[] UNITS_PER_STAGE = {4, 8, 4};
    static final int SHUFFLE_GROUPS = 2;

    static final List<Variant> VARIANTS = List.of(
            new Variant("shufflenet_v2_x0_5", new int[] {48, 96, 192}, 1024, 1.37),
            new Variant("shufflenet_v2_x1_0", new int[] {116, 232, 464}, 1024, 2.28),
            new Variant("shufflenet_v2_x1_5", new int[] {176, 352, 704}, 1024, 3.50),
            new Variant("shufflenet_v2_x2_0", new int[] {244, 488, 976}, 2048, 7.39));

    static void register(ModelRegistry r) {
        VARIANTS.forEach(v -> r.register(v.name(), v.publishedParamsM(), ctx -> build(v, ctx)));
    }

    static Block build(Variant v, ModelContext ctx) {
        SequentialBlock net = new SequentialBlock();
        Layers.addStem(net, ctx, STEM_CHANNELS, 3);
        int in = STEM_CHANNELS;
        for (int s = 0; s < UNITS_PER_STAGE.length; s++) {
            int out = v.stageChannels()[s];
            for (int u = 0; u < UNITS_PER_STAGE[s]; u++) {
                String path = "stage" + (s + 2) + ".block" + u;
                net.add(u == 0 ? downsamplingUnit(ctx, path, in, out) : unit(ctx, path, out));
                in = out;
            }
        }
        net.add(Layers.convBnRelu(ctx, ConvSpec.of("head", Role.HEAD, in, v.conv5Channels(), 1, 1, 1)));
        return net.add(Layers.classifier(ctx.classifier(v.conv5Channels(), ClassifierInit.TORCH)));
    }

    /** Fig. 3c: split; right half through 1×1–dw3×3–1×1; concat with the left half; shuffle. */
    static Block unit(ModelContext ctx, String path, int channels) {
        int half = channels / 2;
        Block right = new SequentialBlock().add(Layers.channels(half, channels)).add(branch(ctx, path, half, half, 1));
        return new SequentialBlock()
                .add(Layers.concat(Layers.channels(0, half), right))
                .add(ctx.shuffles().shuffle(new ShuffleSpec(path + ".shuffle", channels, SHUFFLE_GROUPS)));
    }

    /** Fig. 3d: left dw3×3/2–1×1, right 1×1–dw3×3/2–1×1, both on the whole input; concat; shuffle. */
    static Block downsamplingUnit(ModelContext ctx, String path, int in, int out) {
        int half = out / 2;
        Block left = new SequentialBlock()
                .add(Layers.convBn(ctx, ConvSpec.of(path + ".branch1.dw", Role.BLOCK, in, in, 3, 2, in)))
                .add(Layers.convBnRelu(ctx, ConvSpec.of(path + ".branch1.pw", Role.BLOCK, in, half, 1, 1, 1)));
        return new SequentialBlock()
                .add(Layers.concat(left, branch(ctx, path, in, half, 2)))
                .add(ctx.shuffles().shuffle(new ShuffleSpec(path + ".shuffle", out, SHUFFLE_GROUPS)));
    }

    /** The right branch: 1×1–BN–ReLU, 3×3 depthwise(stride)–BN, 1×1–BN–ReLU. */
    static Block branch(ModelContext ctx, String path, int in, int out, int stride) {
        String p = path + ".branch2";
        return new SequentialBlock()
                .add(Layers.convBnRelu(ctx, ConvSpec.of(p + ".pw1", Role.BLOCK, in, out, 1, 1, 1)))
                .add(Layers.convBn(ctx, ConvSpec.of(p + ".dw", Role.BLOCK, out, out, 3, stride, out)))
                .add(Layers.convBnRelu(ctx, ConvSpec.of(p + ".pw2", Role.BLOCK, out, out, 1, 1, 1)));
    }
}
