package org.sparselab.models;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.sparselab.nn.ConvSpec;
import org.sparselab.nn.ConvSpec.Role;
import org.sparselab.nn.InPlace;
import org.sparselab.nn.ShuffleSpec;

/**
 * ShuffleNet V1 (Zhang et al., 2018, Table 1): 3×3/2 stem of 24 channels, 3×3/2 max-pool, stages 2–4 of 4, 8 and 4
 * units, global average pooling, one linear layer; g ∈ {1, 2, 3, 4, 8} groups, width s ∈ {0.5, 1, 1.5, 2}.
 *
 * <p>A unit (Fig. 2b/c): 1×1 group conv to out/4 channels–BN–ReLU, channel shuffle with g groups (from the {@link
 * org.sparselab.nn.ShuffleFactory}), 3×3 depthwise(stride)–BN, 1×1 group conv–BN; stride 1 adds the input, stride 2
 * concatenates a 3×3/2 average pool of the input (so its convs produce out − in channels); then ReLU. The first 1×1
 * of stage 2 is not grouped (§3.3: its input has only 24 channels); as in the authors' code (megvii-model/
 * ShuffleNet-Series) that unit still shuffles. With g = 1 there is no shuffle at all.
 *
 * <p>Width: stage channels are the 1× figures of Table 1 times s. Reconstruction (paper silent): they are rounded
 * to the nearest multiple of 4g so that out/4 stays divisible by g (e.g. g2 0.5× has 104, not 100, channels in stage
 * 2); 1× is unchanged. The stem stays at 24 channels for every width, as Table 1 lists it (megvii scales it for
 * 0.5× and 2.0×).
 *
 * <p>Parameters at 3×224×224, 1000 classes (the paper reports only complexity): g3 at 0.5×/1×/1.5×/2× has
 * 718,888 / 1,865,728 / 3,442,168 / 5,448,208, against 1.87M for 1× in open-mmlab/mmpretrain
 * configs/shufflenet_v1/README.md (same layout) and 0.73 / 3.48 / 5.50M in mindspore-lab/mindcv
 * configs/shufflenet_v1/README.md (megvii's layout, which differs in details such as the stem width at 0.5× and
 * 2×; within 1.6%). Other group counts have no reference figure ({@code NaN}); the test checks them against a count
 * written out from Table 1.
 *
 * <p>Small inputs ({@link ModelContext#smallInput()}: ≤ 64 px) get a stride-1 stem and no max-pool.
 */
final class ShuffleNetV1 {
    private ShuffleNetV1() {}

    /** One variant: registry name, groups, width multiplier, reference parameter count (millions) or NaN. */
    record Variant(String name, int groups, double width, double publishedParamsM) {}

    /** Table 1: output channels of stage 2 at 1× per group count; stages 3 and 4 double it each. */
    static final Map<Integer, Integer> STAGE2_CHANNELS = Map.of(1, 144, 2, 200, 3, 240, 4, 272, 8, 384);
    static final int[] GROUPS = {1, 2, 3, 4, 8};
    static final double[] WIDTHS = {0.5, 1.0, 1.5, 2.0};
    static final int STEM_CHANNELS = 24;
    static final int[] UNITS_PER_STAGE = {4, 8, 4};
    static final int BOTTLENECK_RATIO = 4; // bottleneck channels = out / 4 (§3.3)

    /** Reference counts for g = 3 by width: 1× from mmpretrain, the others from mindcv (megvii's layout). */
    static final Map<Double, Double> G3_PUBLISHED_PARAMS_M = Map.of(0.5, 0.73, 1.0, 1.87, 1.5, 3.48, 2.0, 5.50);

    static final List<Variant> VARIANTS = variants();

    private static List<Variant> variants() {
        List<Variant> vs = new ArrayList<>();
        for (int g : GROUPS) {
            for (double w : WIDTHS) {
                String name = "shufflenet_v1_g" + g + "_x" + String.valueOf(w).replace('.', '_');
                vs.add(new Variant(name, g, w, g == 3 ? G3_PUBLISHED_PARAMS_M.get(w) : Double.NaN));
            }
        }
        return List.copyOf(vs);
    }

    static void register(ModelRegistry r) {
        VARIANTS.forEach(v -> r.register(v.name(), v.publishedParamsM(), ctx -> build(v, ctx)));
    }

    /** Stage-2 output channels: Table 1 × width, rounded to a multiple of 4g. */
    static int stage2Channels(int groups, double width) {
        int unit = BOTTLENECK_RATIO * groups;
        return (int) Math.round(STAGE2_CHANNELS.get(groups) * width / unit) * unit;
    }

    static Block build(Variant v, ModelContext ctx) {
        SequentialBlock net = new SequentialBlock();
        Layers.addStem(net, ctx, STEM_CHANNELS, 3);
        int in = STEM_CHANNELS;
        int out = stage2Channels(v.groups(), v.width());
        for (int s = 0; s < UNITS_PER_STAGE.length; s++) {
            for (int u = 0; u < UNITS_PER_STAGE[s]; u++) {
                String path = "stage" + (s + 2) + ".block" + u;
                int firstGroups = s == 0 && u == 0 ? 1 : v.groups();
                net.add(unit(ctx, path, in, out, u == 0 ? 2 : 1, firstGroups, v.groups()));
                in = out;
            }
            out *= 2;
        }
        return net.add(Layers.classifier(ctx.classifier(in, ClassifierInit.TORCH)));
    }

    /** Fig. 2b (stride 1, add) or 2c (stride 2, concat with a 3×3/2 average pool), then ReLU. */
    static Block unit(ModelContext ctx, String path, int in, int out, int stride, int firstGroups, int groups) {
        int mid = out / BOTTLENECK_RATIO;
        int convOut = stride == 1 ? out : out - in;
        SequentialBlock main = new SequentialBlock()
                .add(Layers.convBnRelu(ctx, ConvSpec.of(path + ".conv1", Role.BLOCK, in, mid, 1, 1, firstGroups)));
        if (groups > 1) main.add(ctx.shuffles().shuffle(new ShuffleSpec(path + ".shuffle", mid, groups)));
        main.add(Layers.convBn(ctx, ConvSpec.of(path + ".dw", Role.BLOCK, mid, mid, 3, stride, mid)))
                .add(Layers.convBn(ctx, ConvSpec.of(path + ".conv2", Role.BLOCK, mid, convOut, 1, 1, groups)));
        Block merged = stride == 1 ? Layers.addIdentity(main) : Layers.concat(Layers.avgPool3x3s2(), main);
        return new SequentialBlock().add(merged).add(InPlace.reluBlock());
    }
}
