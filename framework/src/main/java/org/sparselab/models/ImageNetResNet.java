package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;

/**
 * ImageNet ResNets (He et al., 2016, Table 1) in torchvision's layout: 7×7/2 stem of 64 channels, 3×3/2 max-pool,
 * four stages of 64, 128, 256 and 512 bottleneck widths (stride 2 from the second on), global average pooling, one
 * linear layer. ResNet-50's bottleneck puts the stride on its 3×3 conv (torchvision's "v1.5") and expands by 4.
 * Shortcuts with a shape change are 1×1 conv + BN (option B).
 *
 * <p>Small inputs ({@link ModelContext#smallInput()}: ≤ 64 px) get a 3×3/1 stem and no max-pool, the usual CIFAR
 * adaptation; the stages then leave 4×4 of a 28×28 or 32×32 image.
 *
 * <p>Initialisation as torchvision: convs by the factory (dense: Kaiming-normal fan-out), BN γ = 1, β = 0, the
 * classifier as {@code torch.nn.Linear}. Parameters at 3×224×224, 1000 classes equal torchvision's exactly.
 */
final class ImageNetResNet {
    private ImageNetResNet() {}

    /** One depth: blocks per stage, bottleneck or basic, torchvision's parameter count (millions). */
    record Variant(String name, int[] blocksPerStage, boolean bottleneck, double publishedParamsM) {}

    static final int[] STAGE_WIDTHS = {64, 128, 256, 512};
    static final int STEM_CHANNELS = 64;
    static final int EXPANSION = 4; // bottleneck output = 4 × width

    static final List<Variant> VARIANTS = List.of(
            new Variant("resnet18", new int[] {2, 2, 2, 2}, false, 11.69),
            new Variant("resnet34", new int[] {3, 4, 6, 3}, false, 21.80),
            new Variant("resnet50", new int[] {3, 4, 6, 3}, true, 25.56),
            new Variant("resnet101", new int[] {3, 4, 23, 3}, true, 44.55));

    static void register(ModelRegistry r) {
        VARIANTS.forEach(v -> r.register(v.name(), v.publishedParamsM(), ctx -> build(v, ctx)));
    }

    static Block build(Variant v, ModelContext ctx) {
        SequentialBlock net = new SequentialBlock();
        Layers.addStem(net, ctx, STEM_CHANNELS, 7);
        int in = STEM_CHANNELS;
        for (int s = 0; s < STAGE_WIDTHS.length; s++) {
            int width = STAGE_WIDTHS[s];
            for (int b = 0; b < v.blocksPerStage()[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                String path = "stage" + (s + 1) + ".block" + b;
                if (v.bottleneck()) {
                    net.add(bottleneck(ctx, path, in, width, stride));
                    in = width * EXPANSION;
                } else {
                    net.add(CifarResNet.basicBlock(ctx, path, in, width, stride));
                    in = width;
                }
            }
        }
        return net.add(Layers.classifier(ctx.classifier(in, ClassifierInit.TORCH)));
    }

    /** conv1×1–BN–ReLU–conv3×3(stride)–BN–ReLU–conv1×1(×4)–BN, plus the shortcut, then ReLU. */
    static Block bottleneck(ModelContext ctx, String path, int in, int width, int stride) {
        int out = width * EXPANSION;
        SequentialBlock main = new SequentialBlock()
                .add(Layers.convBnRelu(ctx, ConvSpec.of(path + ".conv1", Role.BLOCK, in, width, 1, 1, 1)))
                .add(Layers.convBnRelu(ctx, ConvSpec.of(path + ".conv2", Role.BLOCK, width, width, 3, stride, 1)))
                .add(Layers.convBn(ctx, ConvSpec.of(path + ".conv3", Role.BLOCK, width, out, 1, 1, 1)));
        return CifarResNet.residual(ctx, path, main, in, out, stride);
    }
}
