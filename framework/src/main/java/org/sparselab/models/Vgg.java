package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.List;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;

/**
 * VGG with batch norm (Simonyan &amp; Zisserman, 2015, Table 1, configurations A, D, E), CIFAR variant as in
 * kuangliu/pytorch-cifar {@code models/vgg.py}: the conv configuration (3×3 convs with bias, each followed by BN and
 * ReLU; 2×2 max-pools between the five stages), then global average pooling and one {@code Linear(512, classes)}
 * instead of the three ImageNet FC layers.
 *
 * <p>Parameters at 3×32×32, 10 classes (the same count as kuangliu's; convs + BN γ/β + classifier): VGG-11-BN
 * 9,231,114, VGG-16-BN 14,728,266, VGG-19-BN 20,040,522.
 *
 * <p>Input adaptation: a max-pool is skipped where the map is already 1×1, so a 28×28 image (28 → 14 → 7 → 3 → 1)
 * keeps its fifth stage; at 224 the last map is 7×7 and the global pool averages it.
 */
final class Vgg {
    private Vgg() {}

    /** One configuration: channels of each stage's convs; the stages are separated by max-pools. */
    record Variant(String name, int[][] stages, double publishedParamsM) {}

    static final List<Variant> VARIANTS = List.of(
            new Variant("vgg11_bn", new int[][] {{64}, {128}, {256, 256}, {512, 512}, {512, 512}}, 9.23),
            new Variant("vgg16_bn",
                    new int[][] {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}}, 14.73),
            new Variant("vgg19_bn", new int[][] {
                    {64, 64}, {128, 128}, {256, 256, 256, 256}, {512, 512, 512, 512}, {512, 512, 512, 512}}, 20.04));

    static void register(ModelRegistry r) {
        VARIANTS.forEach(v -> r.register(v.name(), v.publishedParamsM(), ctx -> build(v, ctx)));
    }

    static Block build(Variant v, ModelContext ctx) {
        SequentialBlock net = new SequentialBlock();
        int in = ctx.inChannels();
        int size = ctx.imageSize();
        for (int s = 0; s < v.stages().length; s++) {
            for (int c = 0; c < v.stages()[s].length; c++) {
                int out = v.stages()[s][c];
                boolean first = s == 0 && c == 0;
                String path = first ? "stem" : "stage" + (s + 1) + ".conv" + c;
                // kuangliu's convs keep nn.Conv2d's default bias, even before BN
                ConvSpec spec = new ConvSpec(path, first ? Role.STEM : Role.BLOCK, in, out, 3, 1, 1, 1, 1, true);
                net.add(Layers.convBnRelu(ctx, spec));
                in = out;
            }
            if (size > 1) {
                net.add(Layers.maxPool2x2());
                size /= 2;
            }
        }
        return net.add(Layers.classifier(ctx.classifier(in, ClassifierInit.TORCH)));
    }
}
