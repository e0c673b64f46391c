package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;

/**
 * MobileNetV2, width 1.0 (Sandler et al., 2018, Table 2), in torchvision's layout: 3×3/2 stem of 32 channels, seven
 * stages of inverted residuals (1×1 expand by t – 3×3 depthwise – 1×1 linear projection, ReLU6, identity shortcut
 * where stride is 1 and channels match), a 1×1 head conv to 1280, global average pooling, dropout 0.2, one linear
 * layer. 3,504,872 parameters at 3×224×224, 1000 classes, as torchvision.
 *
 * <p>Small inputs ({@link ModelContext#smallInput()}: ≤ 64 px) use stride 1 in the stem and in the second stage
 * (24 channels), the common CIFAR adaptation (kuangliu/pytorch-cifar): a 32×32 image then reaches the head at 4×4,
 * a 28×28 one at 4×4.
 *
 * <p>Initialisation as torchvision: convs by the factory (dense: Kaiming-normal fan-out), BN γ = 1, β = 0,
 * classifier weights N(0, 0.01²) and zero bias.
 */
final class MobileNetV2 {
    private MobileNetV2() {}

    /** One row of Table 2: expansion t, output channels c, repeats n, first stride s. */
    record Stage(int expansion, int channels, int repeats, int stride) {}

    static final Stage[] STAGES = {
        new Stage(1, 16, 1, 1),
        new Stage(6, 24, 2, 2),
        new Stage(6, 32, 3, 2),
        new Stage(6, 64, 4, 2),
        new Stage(6, 96, 3, 1),
        new Stage(6, 160, 3, 2),
        new Stage(6, 320, 1, 1),
    };
    static final int STEM_CHANNELS = 32;
    static final int HEAD_CHANNELS = 1280;
    static final float DROPOUT = 0.2f;

    static void register(ModelRegistry r) {
        r.register("mobilenet_v2", 3.50, MobileNetV2::build);
    }

    static Block build(ModelContext ctx) {
        boolean small = ctx.smallInput();
        SequentialBlock net = new SequentialBlock();
        net.add(Layers.convBnRelu6(
                ctx, ConvSpec.of("stem", Role.STEM, ctx.inChannels(), STEM_CHANNELS, 3, small ? 1 : 2, 1)));
        int in = STEM_CHANNELS;
        for (int s = 0; s < STAGES.length; s++) {
            Stage st = STAGES[s];
            int stageStride = small && s == 1 ? 1 : st.stride();
            for (int b = 0; b < st.repeats(); b++) {
                String path = "stage" + (s + 1) + ".block" + b;
                net.add(invertedResidual(ctx, path, in, st.channels(), b == 0 ? stageStride : 1, st.expansion()));
                in = st.channels();
            }
        }
        net.add(Layers.convBnRelu6(ctx, ConvSpec.of("head", Role.HEAD, in, HEAD_CHANNELS, 1, 1, 1)));
        Block fc = ctx.classifier(HEAD_CHANNELS, ClassifierInit.NORMAL_0_01);
        return net.add(Layers.classifier(DROPOUT, fc));
    }

    /** [1×1 expand–BN–ReLU6] – 3×3 depthwise(stride)–BN–ReLU6 – 1×1 project–BN, + x when shapes match. */
    static Block invertedResidual(ModelContext ctx, String path, int in, int out, int stride, int expansion) {
        int hidden = in * expansion;
        SequentialBlock main = new SequentialBlock();
        if (expansion != 1) {
            main.add(Layers.convBnRelu6(ctx, ConvSpec.of(path + ".expand", Role.BLOCK, in, hidden, 1, 1, 1)));
        }
        main.add(Layers.convBnRelu6(ctx, ConvSpec.of(path + ".dw", Role.BLOCK, hidden, hidden, 3, stride, hidden)));
        main.add(Layers.convBn(ctx, ConvSpec.of(path + ".project", Role.BLOCK, hidden, out, 1, 1, 1)));
        return stride == 1 && in == out ? Layers.addIdentity(main) : main;
    }
}
